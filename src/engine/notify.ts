// Wake-ups for waiters (long polls) keyed by a string, in-process. A waiter subscribes before it checks for
// work, so a notify between the check and the wait is not lost. PostgreSQL will put LISTEN/NOTIFY behind the same interface.
import type { Cancel } from "../util/cancel.ts";
import type { Clock } from "./clock.ts";

export interface Subscription {
  /** Resolves on notify, after ms by the clock, or when the client goes away. */
  wait(ms: number, cancel?: Cancel): Promise<void>;
  close(): void;
}

export interface Notifier {
  subscribe(key: string): Subscription;
  /**
   * Wakes the key's waiters: all of them, or with `count` only the `count` that subscribed first (n new messages
   * need at most n receivers; waking every long poll for each message only makes the others look and sleep again).
   */
  notify(key: string, count?: number): void;
}

/** One subscription's wake-up. A subscription is woken once (it serves one look-then-wait of a long poll);
 *  once fired, later notifies pass it over and its waits return at once. */
interface Listener {
  fired: boolean;
  fire(): void;
}

export class LocalNotifier implements Notifier {
  private readonly waiters = new Map<string, Set<Listener>>();

  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  subscribe(key: string): Subscription {
    let wake: (() => void) | undefined;
    const listener: Listener = {
      fired: false,
      fire: () => {
        listener.fired = true;
        wake?.();
      },
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
      wait: (ms, cancel) =>
        new Promise<void>((resolve) => {
          if (listener.fired || cancel?.aborted || ms <= 0) return resolve();
          const timer = this.clock.setTimer(ms, () => done());
          const done = () => {
            timer.cancel();
            off?.();
            wake = undefined;
            resolve();
          };
          wake = done;
          const off = cancel?.onAbort(done);
        }),
    };
  }

  notify(key: string, count = Number.POSITIVE_INFINITY): void {
    const set = this.waiters.get(key);
    if (!set) return;
    // Sets iterate in insertion order, so the longest-subscribed waiters go first; one already woken (about to
    // look, or looking) does not count. Listeners are collected before any fires (firing may close subscriptions).
    const woken: Listener[] = [];
    for (const l of set) {
      if (woken.length >= count) break;
      if (!l.fired) woken.push(l);
    }
    for (const l of woken) l.fire();
  }
}
