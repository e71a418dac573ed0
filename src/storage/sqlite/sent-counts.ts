// Running gauge counts of a standard queue whose ready index is not built (issue 16): a queue that is only sent to
// (a producer-only queue, or every queue after a restart until its first receive) must not build an index of its
// whole backlog for a metrics scrape, nor be counted by a walk of its rows at every scrape. Built from two storage
// reads on the first scrape, then kept by the sends; any other write to the queue drops it (rebuilt on the next
// scrape), and the ready index takes over once a receive builds it.
import { Heap } from "./heap.ts";

interface Pending {
  at: number;
  /** 1: delayed (never received), 2: in flight. */
  c: 1 | 2;
}

export interface SentCountsRows {
  total: number;
  oldestSentAt: number | null;
  /** visible_at and receive_count of the rows not visible at `at`. */
  pending: Iterable<[number, number]>;
  at: number;
}

export class SentCounts {
  private total: number;
  private oldestSentAt: number | undefined;
  private countedAt: number;
  private delayedN = 0;
  private inFlightN = 0;
  private readonly future = new Heap<Pending>((a, b) => a.at < b.at);

  constructor(rows: SentCountsRows) {
    this.total = rows.total;
    this.oldestSentAt = rows.oldestSentAt ?? undefined;
    this.countedAt = rows.at;
    for (const [visibleAt, receiveCount] of rows.pending) this.hold(visibleAt, receiveCount > 0 ? 2 : 1);
  }

  private hold(at: number, c: 1 | 2): void {
    if (c === 2) this.inFlightN++;
    else this.delayedN++;
    this.future.push({ at, c });
  }

  /** A message sent at `sentAt` (never in the future), receivable from `visibleAt`. */
  sent(visibleAt: number, sentAt: number): void {
    this.total++;
    if (this.oldestSentAt === undefined || sentAt < this.oldestSentAt) this.oldestSentAt = sentAt;
    this.advance(sentAt);
    if (visibleAt > this.countedAt) this.hold(visibleAt, 1);
  }

  private advance(now: number): void {
    if (now <= this.countedAt) return;
    for (let p = this.future.peek(); p && p.at <= now; p = this.future.peek()) {
      this.future.pop();
      if (p.c === 2) this.inFlightN--;
      else this.delayedN--;
    }
    this.countedAt = now;
  }

  /** The counts at `now`, or undefined when the clock went back past the last count (the caller rebuilds). */
  counts(now: number): { visible: number; notVisible: number; delayed: number; oldestSentAt?: number } | undefined {
    if (now < this.countedAt) return undefined;
    this.advance(now);
    return { visible: this.total - this.delayedN - this.inFlightN, notVisible: this.inFlightN, delayed: this.delayedN, oldestSentAt: this.oldestSentAt };
  }
}
