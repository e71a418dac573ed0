// In-memory FIFO index of the SQLite adapter (ADR 0006): per FIFO queue and message group, the group's messages
// in sequence order with the set of those received at least once, and a heap of groups by their oldest message.
// A receive walks groups in that order and reads only what it takes, plus the groups it must skip (in flight or
// not yet visible), so its cost does not grow with the backlog. Like the ready index (ADR 0003) it is built from
// SQLite on first use, kept in step inside the same write transactions, and dropped whenever a write rolls back.
import { Heap } from "./heap.ts";
import { PerQueue } from "./per-queue.ts";
import { type Counted, type Figures, RunningCounts } from "./running-counts.ts";

export interface FifoEntry {
  id: number;
  /** sequence_number; a row without one sorts first (as NULL does in SQLite's ORDER BY). */
  seq: number;
  /** MessageGroupId ("" when absent). */
  group: string;
  visibleAt: number;
  sentAt: number;
  receiveCount: number;
}

interface Slot extends FifoEntry, Counted {
  g: Group;
  gone: boolean;
}

interface Group {
  key: string;
  /** Sequence order; slots before `start` are gone, later gone slots (`dead` of them) are skipped until compacted. */
  slots: Slot[];
  start: number;
  live: number;
  dead: number;
  /** Live messages with receiveCount > 0: the only ones that can put the group in flight. */
  received: Set<Slot>;
  /** The group's current node in the heap; older nodes of the group are stale. Unset while a walk holds it. */
  node: GroupNode | undefined;
}

interface GroupNode {
  g: Group;
  seq: number;
  id: number;
}

const before = (a: { seq: number; id: number }, b: { seq: number; id: number }) => a.seq < b.seq || (a.seq === b.seq && a.id < b.id);

/** One FIFO queue's messages by group. */
export class FifoQueueIndex {
  private readonly slots = new Map<number, Slot>();
  private readonly groups = new Map<string, Group>();
  private readonly heap = new Heap<GroupNode>(before);
  private walking = false;
  /** The metrics gauges' running counts (issue 16), kept from the first counts() on. */
  private readonly running = new RunningCounts<Slot>((s) => this.slots.get(s.id) === s, () => this.slots.values(), () => this.slots.size);

  constructor(rows: FifoEntry[]) {
    for (const e of [...rows].sort((a, b) => (before(a, b) ? -1 : 1))) {
      const g = this.group(e.group);
      const s: Slot = { ...e, g, gone: false, c: 0 };
      this.slots.set(s.id, s);
      g.slots.push(s);
      g.live++;
      if (s.receiveCount > 0) g.received.add(s);
    }
    const nodes: GroupNode[] = [];
    for (const g of this.groups.values()) nodes.push((g.node = { g, seq: g.slots[0].seq, id: g.slots[0].id }));
    this.heap.rebuild(nodes);
  }

  get size(): number {
    return this.slots.size;
  }

  get(id: number): FifoEntry | undefined {
    return this.slots.get(id);
  }

  private group(key: string): Group {
    let g = this.groups.get(key);
    if (!g) {
      g = { key, slots: [], start: 0, live: 0, dead: 0, received: new Set(), node: undefined };
      this.groups.set(key, g);
    }
    return g;
  }

  add(e: FifoEntry): void {
    if (this.walking) throw new Error("FifoQueueIndex.add during a walk");
    this.remove(e.id);
    const g = this.group(e.group);
    const s: Slot = { ...e, g, gone: false, c: 0 };
    this.slots.set(s.id, s);
    // Sends append (sequence numbers grow); anything else finds its place by binary search.
    let lo = g.start;
    let hi = g.slots.length;
    if (hi > lo && before(s, g.slots[hi - 1])) {
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(g.slots[mid], s)) lo = mid + 1;
        else hi = mid;
      }
    }
    g.slots.splice(hi, 0, s);
    g.live++;
    if (s.receiveCount > 0) g.received.add(s);
    this.tidy(g);
    this.running.added(s);
  }

  remove(id: number): void {
    const s = this.slots.get(id);
    if (!s) return;
    this.slots.delete(id);
    this.running.removed(s);
    s.gone = true;
    const g = s.g;
    g.live--;
    g.dead++;
    g.received.delete(s);
    if (!this.walking) this.tidy(g);
  }

  setVisibleAt(id: number, at: number): void {
    const s = this.slots.get(id);
    if (!s) return;
    this.running.changing(s);
    s.visibleAt = at;
    this.running.changed(s);
  }

  /** The queue's figures for the metrics gauges, from running counts (running-counts.ts). */
  counts(now: number): Figures {
    return this.running.counts(now);
  }

  /** Records a claim (receive): the message's new visibility and receive count. */
  claimed(id: number, visibleAt: number, receiveCount: number): void {
    const s = this.slots.get(id);
    if (!s) return;
    this.running.changing(s);
    s.visibleAt = visibleAt;
    s.receiveCount = receiveCount;
    this.running.changed(s);
    if (receiveCount > 0) s.g.received.add(s);
  }

  /** After a change to a group outside a walk: drops gone slots at its head, compacts, re-keys it in the heap. */
  private tidy(g: Group): void {
    while (g.start < g.slots.length && g.slots[g.start].gone) {
      g.start++;
      g.dead--;
    }
    if (g.live === 0) {
      if (this.groups.get(g.key) === g) this.groups.delete(g.key);
      g.node = undefined;
      g.slots = [];
      g.start = g.dead = 0;
      return;
    }
    if (g.dead > g.live + 64 || (g.start > 1024 && g.start * 2 > g.slots.length)) {
      g.slots = g.slots.slice(g.start).filter((s) => !s.gone);
      g.start = g.dead = 0;
    }
    const h = g.slots[g.start];
    if (g.node && g.node.id === h.id && g.node.seq === h.seq) return;
    g.node = { g, seq: h.seq, id: h.id };
    this.heap.push(g.node);
    // Every head change leaves a stale node behind: rebuild when they dominate.
    if (this.heap.items.length > 2 * this.groups.size + 1024) {
      this.heap.rebuild([...this.groups.values()].flatMap((x) => (x.node ? [x.node] : [])));
    }
  }

  /**
   * Offers `take` the receivable messages in FIFO receive order until it returns false: groups in the order of
   * their oldest unexpired message; a group with an unexpired message in flight (received, visibleAt > now) is
   * skipped entirely; of every other group, its unexpired messages in sequence order up to the first one not yet
   * visible. `take` may claim or remove the message it is given (not add).
   */
  walk(now: number, expiredBefore: number, take: (e: FifoEntry) => boolean): void {
    this.walking = true;
    const visited = new Set<Group>();
    try {
      outer: for (let node = this.heap.pop(); node; node = this.heap.pop()) {
        const g = node.g;
        if (g.node !== node) continue; // stale
        g.node = undefined;
        visited.add(g);
        const slots = g.slots;
        let i = g.start;
        while (i < slots.length && (slots[i].gone || slots[i].sentAt < expiredBefore)) i++;
        if (i === slots.length) continue; // only expired messages
        const head = slots[i];
        if (before(node, head)) {
          // Its oldest messages are expired: the group's turn comes by its oldest unexpired one.
          g.node = { g, seq: head.seq, id: head.id };
          this.heap.push(g.node);
          continue;
        }
        let inFlight = false;
        for (const s of g.received) {
          if (s.visibleAt > now && s.sentAt >= expiredBefore) {
            inFlight = true;
            break;
          }
        }
        if (inFlight) continue;
        for (; i < slots.length; i++) {
          const s = slots[i];
          if (s.gone || s.sentAt < expiredBefore) continue;
          if (s.visibleAt > now) break;
          if (!take(s)) break outer;
        }
      }
    } finally {
      this.walking = false;
      for (const g of visited) {
        g.node = undefined;
        this.tidy(g);
      }
    }
  }
}

/** The FIFO indexes of all FIFO queues, each built from storage on first use. */
export class FifoIndexes extends PerQueue<FifoQueueIndex> {
  constructor(load: (queueId: number) => FifoEntry[]) {
    super((queueId) => new FifoQueueIndex(load(queueId)));
  }
}
