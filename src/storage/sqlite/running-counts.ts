// Running gauge counts of one queue's in-memory index (issue 16), shared by the ready index (ready-index.ts) and the
// FIFO index (fifo-index.ts): the metrics gauges ApproximateNumberOfMessages{,NotVisible,Delayed} and the oldest
// message's age without a walk of the queue per scrape. Every entry is classified against `countedAt` (visible,
// delayed or in flight); entries not visible then wait in a heap by visibleAt and turn visible when a later counts()
// or add passes their time. Nothing is kept before the first counts(), so queues nobody scrapes pay nothing.
import { Heap } from "./heap.ts";

/**
 * What the counts read of an index entry; `c` belongs to RunningCounts. Indexes create their entries with `c: 0`, so
 * the field is part of the object from the start (added later, it costs a property array per entry: ≈ 40 bytes).
 */
export interface Counted {
  id: number;
  visibleAt: number;
  sentAt: number;
  receiveCount: number;
  /** How the counts hold it: 0 visible (or not counted), 1 delayed (never received), 2 in flight. */
  c?: 0 | 1 | 2;
}

/**
 * A counted entry waiting for its visibleAt. It is current while the entry is live, still counted and still due at
 * `at`: an entry counted twice for the same time is made visible by whichever node pops first (the other then
 * finds it uncounted), and every counted entry has a node at its current visibleAt.
 */
interface Pending<E> {
  e: E;
  at: number;
}

export interface Figures {
  visible: number;
  notVisible: number;
  delayed: number;
  oldestSentAt?: number;
}

export class RunningCounts<E extends Counted> {
  private counting = false;
  private countedAt = Number.NEGATIVE_INFINITY;
  private delayedN = 0;
  private inFlightN = 0;
  private future = new Heap<Pending<E>>((a, b) => a.at < b.at);
  /** Entries by (sentAt, id); removed ones are dropped when they surface. */
  private readonly oldest = new Heap<E>((a, b) => a.sentAt < b.sentAt || (a.sentAt === b.sentAt && a.id < b.id));
  private readonly live: (e: E) => boolean;
  private readonly all: () => Iterable<E>;
  private readonly size: () => number;

  /** `live`: e is still the index's entry for its id; `all`: the index's entries; `size`: how many. */
  constructor(live: (e: E) => boolean, all: () => Iterable<E>, size: () => number) {
    this.live = live;
    this.all = all;
    this.size = size;
  }

  /** A new entry of the index (after it is in). */
  added(e: E): void {
    if (!this.counting) return;
    // sentAt is never in the future, so what fell due by then can turn visible before e is classified.
    this.advance(e.sentAt);
    this.count(e);
    this.oldest.push(e);
    this.tidy();
  }

  /** An entry leaving the index. */
  removed(e: E): void {
    if (this.counting) this.uncount(e);
  }

  /** Before an entry's visibleAt or receiveCount changes; `changed` after. */
  changing(e: E): void {
    if (this.counting) this.uncount(e);
  }

  changed(e: E): void {
    if (!this.counting) return;
    this.count(e);
    this.tidy();
  }

  private count(e: E): void {
    if (e.visibleAt <= this.countedAt) {
      e.c = 0;
      return;
    }
    if (e.receiveCount > 0) {
      e.c = 2;
      this.inFlightN++;
    } else {
      e.c = 1;
      this.delayedN++;
    }
    this.future.push({ e, at: e.visibleAt });
  }

  private uncount(e: E): void {
    if (e.c === 1) this.delayedN--;
    else if (e.c === 2) this.inFlightN--;
    e.c = 0;
  }

  /** Moves countedAt on to `now` (never back): entries whose visibleAt it passes are counted visible. */
  private advance(now: number): void {
    if (now <= this.countedAt) return;
    for (let n = this.future.peek(); n && n.at <= now; n = this.future.peek()) {
      this.future.pop();
      if (n.e.c !== 0 && n.e.visibleAt === n.at && this.live(n.e)) this.uncount(n.e);
    }
    this.countedAt = now;
  }

  /** The heaps hold stale nodes of re-timed and removed entries: rebuilt when those dominate (amortised O(1)). */
  private tidy(): void {
    const limit = 2 * this.size() + 1024;
    if (this.future.items.length > limit || this.oldest.items.length > limit) this.recount(this.countedAt);
  }

  /** Starts (or restarts: first use, the clock went back, too many stale nodes) with one pass over the entries. */
  private recount(now: number): void {
    this.counting = true;
    this.countedAt = now;
    this.delayedN = 0;
    this.inFlightN = 0;
    this.future = new Heap<Pending<E>>((a, b) => a.at < b.at);
    const list: E[] = [];
    for (const e of this.all()) {
      e.c = 0;
      this.count(e);
      list.push(e);
    }
    this.oldest.rebuild(list);
  }

  counts(now: number): Figures {
    if (!this.counting || now < this.countedAt) this.recount(now);
    else this.advance(now);
    let first = this.oldest.peek();
    while (first && !this.live(first)) {
      this.oldest.pop();
      first = this.oldest.peek();
    }
    return { visible: this.size() - this.delayedN - this.inFlightN, notVisible: this.inFlightN, delayed: this.delayedN, oldestSentAt: first?.sentAt };
  }
}
