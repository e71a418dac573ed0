// The client going away, as a long poll needs to hear of it: a flag and callbacks, without an AbortSignal.
// Node 20's AbortSignal outlives the young generation's scavenges: it is freed only by a full GC (300k plain
// AbortControllers with one listener each cost 17 full GCs, 300k plain objects none). One per waiting receive made
// W4's full GCs, and their concurrent marking threads held the server's one core when an inline fdatasync returned
// (bench/sqs-profile.md, fifth pass). Transports make a Cancel per request for nothing (the request's own object).

export interface Cancel {
  /** The client went away. */
  readonly aborted: boolean;
  /** Calls fn once when the client goes away (never, when it already has: check `aborted` first); returns its removal. */
  onAbort(fn: () => void): () => void;
}

const NOTHING = (): void => {};

/** The callbacks of one request, fired once (the transports' Cancel). */
export class Canceller implements Cancel {
  aborted = false;
  private fns: (() => void)[] | undefined;

  onAbort(fn: () => void): () => void {
    if (this.aborted) return NOTHING;
    (this.fns ??= []).push(fn);
    return () => {
      const i = this.fns?.indexOf(fn) ?? -1;
      if (i >= 0) this.fns?.splice(i, 1);
    };
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const fns = this.fns;
    this.fns = undefined;
    if (fns) for (const fn of fns) fn();
  }
}

/** An AbortSignal as a Cancel (contexts made outside the wire: jobs, in-process calls). */
export function signalCancel(signal: AbortSignal): Cancel {
  return {
    get aborted() {
      return signal.aborted;
    },
    onAbort(fn) {
      signal.addEventListener("abort", fn, { once: true });
      return () => signal.removeEventListener("abort", fn);
    },
  };
}

/**
 * The signal of every context made outside the wire (jobs, deliveries, in-process calls): no client can go away, so
 * one never-aborted signal serves them all instead of an AbortController per delivery, each of which would live
 * until a full GC (see above). Nothing may add a listener to it: cancelOf answers NEVER for it.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** The Cancel that never fires. */
export const NEVER: Cancel = { aborted: false, onAbort: () => NOTHING };

/** The request's Cancel: the transport's, else its signal's. */
export function cancelOf(ctx: { cancel?: Cancel; signal: AbortSignal }): Cancel {
  return ctx.cancel ?? (ctx.signal === NEVER_ABORTED ? NEVER : signalCancel(ctx.signal));
}
