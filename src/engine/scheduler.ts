// The one scheduler of a process: every kind of due work registers with it (how to find its next due time and how
// to run what is due), and it keeps ONE clock timer armed to the earliest due time over all of them. Nothing else
// in the background holds a timer (long-poll wake-ups stay in engine/notify.ts). Due work itself is stored (outbox
// rows, move tasks, replays, later schedules and workflow steps), so the scheduler only caches each registration's
// next due time; `wake(name)` asks a registration again when new work may be due sooner (a publish wrote outbox
// rows). On a database other nodes write to (PostgreSQL), a registration's `pollMs` bounds how long work another
// node added can wait unnoticed. Leased interval jobs (`every`) are registrations whose due time is their next
// round; a round runs only on the node holding the job's lease (engine/leases.ts).
//
// Driven by the injected clock: with a ManualClock, `advance()` fires the timer, the due work runs on the next
// turns, and `settled()` resolves when it has finished; no test sleeps.
import { randomUUID } from "node:crypto";
import type { Clock, TimerHandle } from "./clock.ts";
import type { LeaseStore } from "./leases.ts";

/** A kind of due work (an outbox, schedules, workflow timers): one `register` call plugs it in. */
export interface DueWork {
  /** Unique per scheduler; used in logs and for wake(name). */
  name: string;
  /** The earliest time (epoch ms by the clock) at which something is due, or undefined when nothing is known. */
  nextDue(now: number): Promise<number | undefined> | number | undefined;
  /** Runs what is due at `now`. Never runs twice at once for one registration. */
  run(now: number): Promise<void>;
  /** Looks again at least this often even when nothing is known to be due (work other nodes add). */
  pollMs?: number;
}

export interface Registration {
  /** New work may be due sooner than known: ask nextDue again and re-arm. */
  wake(): void;
  /** Stops it; resolves when a run in progress has ended. */
  cancel(): Promise<void>;
}

export interface IntervalJob {
  name: string;
  intervalMs: number;
  /** How long a lease lasts without renewal; a few intervals (default 3×). */
  ttlMs?: number;
}

export interface Scheduler {
  readonly nodeId: string;
  register(work: DueWork): Registration;
  /** Runs fn every intervalMs (after the previous round ended) on whichever node holds the job's lease. */
  every(job: IntervalJob, fn: () => Promise<void>): Registration;
  /** Asks the named registration (or all) for its next due time again. */
  wake(name?: string): void;
  /** Resolves once nothing is running or about to run now (tests: after clock.advance). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  clock: Clock;
  /** Leases for `every` jobs; without them every round runs here (one node). */
  leases?: LeaseStore;
  onError?: (name: string, e: unknown) => void;
  /** After a failed nextDue or run, retry after this long (default 1 s). */
  errorBackoffMs?: number;
}

interface Entry {
  work: DueWork;
  /** Cached next due time; undefined: nothing known. */
  due: number | undefined;
  /** When nextDue was last asked (for pollMs). */
  checkedAt: number;
  /** A run or a nextDue query in progress. */
  busy: Promise<void> | undefined;
  /** wake() arrived while busy: ask again afterwards. */
  again: boolean;
  cancelled: boolean;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const { clock } = o;
  const nodeId = randomUUID();
  const backoff = o.errorBackoffMs ?? 1000;
  const entries = new Map<string, Entry>();
  const leased = new Set<string>();
  let timer: TimerHandle | undefined;
  let timerAt = Infinity;
  let stopped = false;
  let tickQueued = false;
  const report = (name: string, e: unknown) => o.onError?.(name, e);

  /** When the entry next needs attention: its due time, or its next poll. */
  function attentionAt(e: Entry): number {
    const poll = e.work.pollMs === undefined ? Infinity : e.checkedAt + e.work.pollMs;
    return Math.min(e.due ?? Infinity, poll);
  }

  function arm(): void {
    if (stopped) return;
    let at = Infinity;
    for (const e of entries.values()) if (!e.busy) at = Math.min(at, attentionAt(e));
    if (at === timerAt && timer) return;
    timer?.cancel();
    timer = undefined;
    timerAt = at;
    if (at === Infinity) return;
    const wait = at - clock.now();
    // Work already due runs on the next turn; a timer callback defers too, so the run reads the clock after it moved.
    if (wait <= 0) queueTick();
    else timer = clock.setTimer(wait, () => { timer = undefined; timerAt = Infinity; queueTick(); });
  }

  function queueTick(): void {
    if (tickQueued || stopped) return;
    tickQueued = true;
    setImmediate(tick);
  }

  function tick(): void {
    tickQueued = false;
    if (stopped) return;
    const now = clock.now();
    for (const e of entries.values()) {
      if (e.busy || e.cancelled) continue;
      if (e.due !== undefined && e.due <= now) start(e, true);
      else if (attentionAt(e) <= now) start(e, false);
    }
    arm();
  }

  /** Runs the entry's due work (run) and/or asks its next due time, then re-arms. */
  function start(e: Entry, run: boolean): void {
    e.busy = (async () => {
      let failed = false;
      try {
        if (run) await e.work.run(clock.now());
      } catch (err) {
        failed = true;
        report(e.work.name, err);
      }
      await refreshNow(e);
      // A failed run does not spin: what is still due waits for the backoff.
      if (failed && e.due !== undefined) e.due = Math.max(e.due, clock.now() + backoff);
    })().finally(() => {
      e.busy = undefined;
      if (e.again && !stopped && !e.cancelled) {
        e.again = false;
        start(e, false);
      } else {
        arm();
      }
    });
  }

  async function refreshNow(e: Entry): Promise<void> {
    if (stopped || e.cancelled) return;
    const now = clock.now();
    try {
      e.due = await e.work.nextDue(now);
    } catch (err) {
      report(e.work.name, err);
      e.due = now + backoff;
    }
    e.checkedAt = now;
  }

  function wakeEntry(e: Entry): void {
    if (stopped || e.cancelled) return;
    if (e.busy) {
      e.again = true;
      return;
    }
    start(e, false);
  }

  function register(work: DueWork): Registration {
    if (entries.has(work.name)) throw new Error(`scheduler: ${work.name} is already registered`);
    const e: Entry = { work, due: undefined, checkedAt: clock.now(), busy: undefined, again: false, cancelled: false };
    entries.set(work.name, e);
    // A due time known at once (interval jobs) arms the timer now, before the caller's next step moves the clock.
    let first: ReturnType<DueWork["nextDue"]> | undefined;
    try {
      first = work.nextDue(e.checkedAt);
    } catch (err) {
      report(work.name, err);
    }
    if (first instanceof Promise) {
      first.catch(() => undefined);
      wakeEntry(e);
    } else {
      e.due = first;
      arm();
    }
    return {
      wake: () => wakeEntry(e),
      cancel: async () => {
        e.cancelled = true;
        entries.delete(work.name);
        arm();
        await e.busy;
      },
    };
  }

  function every(job: IntervalJob, fn: () => Promise<void>): Registration {
    const ttl = job.ttlMs ?? job.intervalMs * 3;
    let nextAt = clock.now() + job.intervalMs;
    leased.add(job.name);
    return register({
      name: job.name,
      nextDue: () => nextAt,
      run: async (now) => {
        try {
          if (!o.leases || (await o.leases.tryAcquire(job.name, nodeId, now, ttl))) await fn();
        } finally {
          nextAt = clock.now() + job.intervalMs;
        }
      },
    });
  }

  return {
    nodeId,
    register,
    every,
    wake(name) {
      if (name === undefined) for (const e of entries.values()) wakeEntry(e);
      else {
        const e = entries.get(name);
        if (e) wakeEntry(e);
      }
    },
    async settled() {
      // Let queued ticks start, then wait for whatever is running, until a pass finds nothing to do.
      for (;;) {
        await new Promise<void>((r) => setImmediate(r));
        const busy = [...entries.values()].map((e) => e.busy).filter((b) => b !== undefined);
        if (busy.length === 0 && !tickQueued) return;
        await Promise.allSettled(busy);
      }
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      await Promise.allSettled([...entries.values()].map((e) => e.busy));
      if (o.leases) await Promise.allSettled([...leased].map((name) => o.leases!.release(name, nodeId)));
    },
  };
}
