// Time source injected everywhere: SystemClock in production, ManualClock in tests. Timers go through the
// clock too, so a test can advance time and fire due timers without sleeping.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn once after ms (by this clock). */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    // Node fires a timeout longer than 2^31-1 ms after 1 ms (TimeoutOverflowWarning): cap it, so a far due time
    // (a Step Functions Wait of a year) wakes the scheduler early once a ~24.8-day period, which re-arms, instead of every millisecond.
    const t = setTimeout(fn, Math.min(Math.max(0, ms), 2_147_483_647));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }
}

interface ManualTimer {
  at: number;
  fn: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }
  now(): number {
    return this.current;
  }
  setTimer(ms: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = { at: this.current + Math.max(0, ms), fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }
  /** Due times of the timers still pending, earliest first (tests wait for a long poll to have armed its timer). */
  pending(): number[] {
    return this.timers.filter((t) => !t.cancelled).map((t) => t.at).sort((a, b) => a - b);
  }
  /** Moves time forward, firing every timer that falls due, in due order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }
  set(ms: number): void {
    this.advance(Math.max(0, ms - this.current));
  }
}
