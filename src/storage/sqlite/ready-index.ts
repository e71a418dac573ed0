// In-memory ready index of the SQLite adapter (design D in ../shared/research/group-commit.md): per queue, a
// min-heap of messages by (visible_at, id), so a receive pops receivable rows instead of scanning an index
// that grows with the backlog, and claims each by primary key. SQLite stays the log of record: a queue's
// index is built from it on first use, kept in step inside the same write transactions, and dropped
// (rebuilt later) whenever a write is rolled back.

export interface Entry {
  id: number;
  visibleAt: number;
  sentAt: number;
  receiveCount: number;
  /** MessageGroupId of a fair-queue message, or "" (messages without a group share one bucket). */
  group?: string;
  /** Bumped on every re-timing, so older heap nodes of the same entry go stale. */
  v?: number;
}

interface Node {
  e: Entry;
  at: number;
  /** The entry's version when this node was pushed: only the newest node of an entry counts. */
  v: number;
}

const versionOf = (e: Entry) => e.v ?? 0;

const before = (a: Node, b: Node) => a.at < b.at || (a.at === b.at && a.e.id < b.e.id);

class Heap {
  items: Node[] = [];

  push(n: Node): void {
    const h = this.items;
    h.push(n);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  peek(): Node | undefined {
    return this.items[0];
  }

  pop(): Node | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  rebuild(nodes: Node[]): void {
    this.items = [];
    nodes.sort((a, b) => (before(a, b) ? -1 : 1));
    this.items = nodes; // a sorted array is a valid heap
  }
}

export class QueueIndex {
  private readonly entries = new Map<number, Entry>();
  private readonly heap = new Heap();

  constructor(rows: Entry[]) {
    for (const e of rows) this.entries.set(e.id, e);
    this.heap.rebuild(rows.map((e) => ({ e, at: e.visibleAt, v: versionOf(e) })));
  }

  add(e: Entry): void {
    this.entries.set(e.id, e);
    this.heap.push({ e, at: e.visibleAt, v: versionOf(e) });
  }

  remove(id: number): void {
    this.entries.delete(id);
  }

  get(id: number): Entry | undefined {
    return this.entries.get(id);
  }

  /** Records a new visibleAt; the old heap node goes stale and is skipped when it surfaces. */
  setVisibleAt(id: number, at: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.visibleAt = at;
    e.v = versionOf(e) + 1;
    this.heap.push({ e, at, v: e.v });
    // Deleted and re-timed messages leave stale nodes behind; compact when they dominate.
    if (this.heap.items.length > 2 * this.entries.size + 1024) {
      this.heap.rebuild([...this.entries.values()].map((x) => ({ e: x, at: x.visibleAt, v: versionOf(x) })));
    }
  }

  /** Removes and returns the next entry receivable at `now`, skipping stale nodes. */
  popReady(now: number): Entry | undefined {
    for (;;) {
      const n = this.heap.peek();
      if (!n || n.at > now) return undefined;
      this.heap.pop();
      if (this.entries.get(n.e.id) === n.e && n.v === versionOf(n.e)) return n.e;
    }
  }
}

export class ReadyIndex {
  private readonly queues = new Map<number, QueueIndex>();
  private readonly load: (queueId: number) => Entry[];

  constructor(load: (queueId: number) => Entry[]) {
    this.load = load;
  }

  /** The queue's index, built from storage on first use. */
  of(queueId: number): QueueIndex {
    let q = this.queues.get(queueId);
    if (!q) {
      q = new QueueIndex(this.load(queueId));
      this.queues.set(queueId, q);
    }
    return q;
  }

  /** The queue's index only if it is already built (writes to other queues need not build one). */
  loaded(queueId: number): QueueIndex | undefined {
    return this.queues.get(queueId);
  }

  drop(queueId: number): void {
    this.queues.delete(queueId);
  }

  dropAll(): void {
    this.queues.clear();
  }
}
