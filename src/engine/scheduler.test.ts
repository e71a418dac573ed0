import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "./clock.ts";
import type { LeaseStore } from "./leases.ts";
import { createScheduler, type DueWork } from "./scheduler.ts";

/** Counts the clock's live timers: the scheduler must hold at most one. */
class CountingClock extends ManualClock {
  live = 0;
  override setTimer(ms: number, fn: () => void) {
    this.live++;
    let done = false;
    const end = () => {
      if (!done) {
        done = true;
        this.live--;
      }
    };
    const h = super.setTimer(ms, () => { end(); fn(); });
    return { cancel: () => { end(); h.cancel(); } };
  }
}

/** Due work kept in memory: a sorted list of due times; run takes those due. */
function queueWork(name: string, log: string[], pollMs?: number) {
  const due: number[] = [];
  const work: DueWork = {
    name,
    pollMs,
    nextDue: () => (due.length ? Math.min(...due) : undefined),
    run: async (now) => {
      for (let i = due.length - 1; i >= 0; i--) {
        if (due[i] <= now) {
          log.push(`${name}@${due[i]}`);
          due.splice(i, 1);
        }
      }
    },
  };
  return { work, add: (at: number) => due.push(at) };
}

test("one timer over every registration, armed to the earliest due time", async () => {
  const clock = new CountingClock(0);
  const s = createScheduler({ clock });
  const log: string[] = [];
  const a = queueWork("a", log);
  const b = queueWork("b", log);
  a.add(5000);
  b.add(2000);
  b.add(9000);
  s.register(a.work);
  s.register(b.work);
  await s.settled();
  assert.equal(clock.live, 1);
  clock.advance(1999);
  await s.settled();
  assert.deepEqual(log, []);
  clock.advance(1);
  await s.settled();
  assert.deepEqual(log, ["b@2000"]);
  assert.equal(clock.live, 1);
  clock.advance(3000);
  await s.settled();
  assert.deepEqual(log, ["b@2000", "a@5000"]);
  clock.advance(10_000);
  await s.settled();
  assert.deepEqual(log, ["b@2000", "a@5000", "b@9000"]);
  assert.equal(clock.live, 0); // nothing known to be due: no timer at all
  await s.stop();
});

test("wake() picks up work added sooner than the armed time", async () => {
  const clock = new CountingClock(0);
  const s = createScheduler({ clock });
  const log: string[] = [];
  const a = queueWork("a", log);
  a.add(60_000);
  const r = s.register(a.work);
  await s.settled();
  a.add(100);
  clock.advance(100);
  await s.settled();
  assert.deepEqual(log, []); // not known yet
  r.wake();
  await s.settled();
  assert.deepEqual(log, ["a@100"]); // already due: runs at once
  a.add(0);
  s.wake("a");
  await s.settled();
  assert.deepEqual(log, ["a@100", "a@0"]);
  assert.equal(clock.live, 1);
  await s.stop();
});

test("pollMs looks again for work added elsewhere (another node)", async () => {
  const clock = new ManualClock(0);
  const s = createScheduler({ clock });
  const log: string[] = [];
  const a = queueWork("a", log, 1000);
  s.register(a.work);
  await s.settled();
  a.add(500); // written by another node: nobody calls wake()
  clock.advance(1000);
  await s.settled(); // the poll finds it due and runs it on the next look
  clock.advance(0);
  await s.settled();
  assert.deepEqual(log, ["a@500"]);
  await s.stop();
});

test("a failing run backs off instead of spinning, and reports the error", async () => {
  const clock = new ManualClock(0);
  const errors: string[] = [];
  const s = createScheduler({ clock, onError: (n, e) => errors.push(`${n}:${(e as Error).message}`), errorBackoffMs: 1000 });
  let runs = 0;
  s.register({ name: "bad", nextDue: () => 0, run: async () => { runs++; throw new Error("boom"); } });
  await s.settled();
  assert.equal(runs, 1);
  clock.advance(999);
  await s.settled();
  assert.equal(runs, 1);
  clock.advance(1);
  await s.settled();
  assert.equal(runs, 2);
  assert.deepEqual(errors, ["bad:boom", "bad:boom"]);
  await s.stop();
});

test("leased interval jobs run on the lease holder only, interval after the previous round", async () => {
  const clock = new ManualClock(0);
  const held = new Map<string, string>();
  const leases: LeaseStore = {
    async tryAcquire(name, holder) {
      const h = held.get(name);
      if (h && h !== holder) return false;
      held.set(name, holder);
      return true;
    },
    async release(name, holder) {
      if (held.get(name) === holder) held.delete(name);
    },
  };
  const s1 = createScheduler({ clock, leases });
  const s2 = createScheduler({ clock, leases });
  const ran: string[] = [];
  s1.every({ name: "job", intervalMs: 1000 }, async () => { ran.push("s1"); });
  s2.every({ name: "job", intervalMs: 1000 }, async () => { ran.push("s2"); });
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await Promise.all([s1.settled(), s2.settled()]);
  }
  assert.deepEqual(ran, ["s1", "s1", "s1"]);
  await s1.stop(); // releases its lease
  clock.advance(1000);
  await s2.settled();
  assert.deepEqual(ran, ["s1", "s1", "s1", "s2"]);
  await s2.stop();
});

test("registrations are one call each and names are unique", async () => {
  const clock = new ManualClock(0);
  const s = createScheduler({ clock });
  s.register({ name: "x", nextDue: () => undefined, run: async () => {} });
  assert.throws(() => s.register({ name: "x", nextDue: () => undefined, run: async () => {} }), /already registered/);
  await s.stop();
});
