// Wake-ups for waiters (long polls) keyed by a string, in-process. A waiter subscribes before it checks for
// work, so a notify between the check and the wait is not lost. PostgreSQL will put LISTEN/NOTIFY behind the same interface.
import type { Clock } from "./clock.ts";

export interface Subscription {
  /** Resolves on notify, after ms by the clock, or when signal aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

export interface Notifier {
  subscribe(key: string): Subscription;
  notify(key: string): void;
}

export class LocalNotifier implements Notifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  subscribe(key: string): Subscription {
    let fired = false;
    let wake: (() => void) | undefined;
    const listener = () => {
      fired = true;
      wake?.();
    };
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    set.add(listener);
    const close = () => {
      const s = this.waiters.get(key);
      s?.delete(listener);
      if (s && s.size === 0) this.waiters.delete(key);
    };
    return {
      close,
      wait: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (fired || signal?.aborted || ms <= 0) return resolve();
          const timer = this.clock.setTimer(ms, () => done());
          const onAbort = () => done();
          const done = () => {
            timer.cancel();
            signal?.removeEventListener("abort", onAbort);
            wake = undefined;
            fired = false;
            resolve();
          };
          wake = done;
          signal?.addEventListener("abort", onAbort, { once: true });
        }),
    };
  }

  notify(key: string): void {
    const set = this.waiters.get(key);
    if (set) for (const l of [...set]) l();
  }
}
