// Per-queue in-memory state of the SQLite adapter, built from storage on a queue's first use and dropped when
// its writes roll back: the base of the ready index (ADR 0003) and of the FIFO index (ADR 0006).
export class PerQueue<T> {
  private readonly queues = new Map<number, T>();
  private readonly build: (queueId: number) => T;

  constructor(build: (queueId: number) => T) {
    this.build = build;
  }

  /** The queue's index, built from storage on first use. */
  of(queueId: number): T {
    let q = this.queues.get(queueId);
    if (q === undefined) {
      q = this.build(queueId);
      this.queues.set(queueId, q);
    }
    return q;
  }

  /** The queue's index only if it is already built (writes to other queues need not build one). */
  loaded(queueId: number): T | undefined {
    return this.queues.get(queueId);
  }

  drop(queueId: number): void {
    this.queues.delete(queueId);
  }

  dropAll(): void {
    this.queues.clear();
  }
}
