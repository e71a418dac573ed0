import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "./clock.ts";
import { LocalNotifier } from "./notify.ts";
import { Canceller, signalCancel } from "../util/cancel.ts";

test("ManualClock fires due timers in order and not before", () => {
  const c = new ManualClock(1000);
  const fired: string[] = [];
  c.setTimer(50, () => fired.push("b"));
  c.setTimer(10, () => fired.push("a"));
  const cancelled = c.setTimer(20, () => fired.push("x"));
  cancelled.cancel();
  c.advance(49);
  assert.deepEqual(fired, ["a"]);
  c.advance(1);
  assert.deepEqual(fired, ["a", "b"]);
  assert.equal(c.now(), 1050);
});

test("a notify between subscribe and wait is not lost", async () => {
  const c = new ManualClock();
  const n = new LocalNotifier(c);
  const sub = n.subscribe("k");
  n.notify("k");
  await sub.wait(60_000);
  sub.close();
});

test("wait ends on timeout by the clock, or on abort", async () => {
  const c = new ManualClock();
  const n = new LocalNotifier(c);
  const sub = n.subscribe("k");
  const p = sub.wait(1000);
  c.advance(1000);
  await p;
  const ac = new AbortController();
  const q = sub.wait(1000, signalCancel(ac.signal));
  ac.abort();
  await q;
  const cancel = new Canceller();
  const r = sub.wait(1000, cancel);
  cancel.abort();
  await r;
  sub.close();
});

test("notify with a count wakes that many waiters, oldest first, passing over ones already woken", async () => {
  const c = new ManualClock();
  const n = new LocalNotifier(c);
  const woke: string[] = [];
  const subs = ["a", "b", "c"].map((name) => ({ name, sub: n.subscribe("k") }));
  const waits = subs.map(({ name, sub }) => sub.wait(60_000).then(() => woke.push(name)));
  n.notify("k", 1);
  await Promise.resolve();
  assert.deepEqual(woke, ["a"]);
  // "a" was woken but is still subscribed (it is looking for work): the next wake goes to "b".
  n.notify("k", 1);
  await Promise.resolve();
  assert.deepEqual(woke, ["a", "b"]);
  const early = n.subscribe("k"); // subscribed, not yet waiting: a wake is kept for its wait
  n.notify("k");
  await Promise.all(waits);
  assert.deepEqual(woke, ["a", "b", "c"]);
  await early.wait(60_000);
  for (const { sub } of subs) sub.close();
  early.close();
});
