// In-memory ready index of the SQLite adapter (design D in ../shared/research/group-commit.md): per queue and
// message group, a min-heap of messages by (visible_at, id), groups taking turns (fair queues), so a receive pops receivable rows instead of scanning an index
// that grows with the backlog, and claims each by primary key. SQLite stays the log of record: a queue's
// index is built from it on first use, kept in step inside the same write transactions, and dropped
// (rebuilt later) whenever a write is rolled back.
import { Heap } from "./heap.ts";
import { PerQueue } from "./per-queue.ts";
import { type Counted, type Figures, RunningCounts } from "./running-counts.ts";

export interface Entry extends Counted {
  id: number;
  visibleAt: number;
  sentAt: number;
  receiveCount: number;
  /** MessageGroupId of a fair-queue message, or "" (messages without a group share one bucket). */
  group?: string;
  /**
   * The entry's index in its group's heap, or -1 while it is out of it (received and not re-timed yet). The store
   * creates entries with `pos: -1` (and `c: 0`), so the heap does not add a property (a new hidden class and a
   * property array per message).
   */
  pos?: number;
}

/**
 * A group's heap holds the entries themselves, each knowing its place: re-timing moves an entry in place and removing
 * one takes it out, so nothing outlives its message. A node per re-timing, left behind by deletes until a compaction,
 * held each message's entry past the young generation's scavenges at W4's rate (bench/sqs-profile.md, sixth pass).
 */
const entryBefore = (a: Entry, b: Entry) => a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.id < b.id);
const entryMoved = (e: Entry, i: number) => {
  e.pos = i;
};

/** One message group's messages (messages without a group form the group ""). */
interface Group {
  key: string;
  heap: Heap<Entry>;
  /** In the round-robin rotation of groups with a receivable head. */
  inRotation: boolean;
  /** When the group is to be looked at again (its time in the waiting heap; Infinity: not there). */
  wakeAt: number;
  /** Order among groups due at the same time: first asked, first looked at. */
  wakeSeq: number;
  /** The group's index in the waiting heap, or -1. */
  wakePos: number;
}

/**
 * Groups out of the rotation with a message to look at later sit in a heap of the groups themselves, by that time:
 * each knows its place, so a group asked to wake earlier moves up instead of adding a node. One node per wait lived
 * until its time, the visibility timeout for a drained group, and at W4's rate those nodes outlived the scavenges and
 * made the full GCs that stalled the loop (bench/sqs-profile.md, fifth pass).
 */
const wakeBefore = (a: Group, b: Group) => a.wakeAt < b.wakeAt || (a.wakeAt === b.wakeAt && a.wakeSeq < b.wakeSeq);
const wakeMoved = (g: Group, i: number) => {
  g.wakePos = i;
  if (i < 0) g.wakeAt = Number.POSITIVE_INFINITY;
};

/**
 * One queue's receivable messages, fair across message groups (SQS fair queues): each group keeps a heap by
 * (visibleAt, id); groups whose head is receivable take turns in a rotation (one message per turn, within a receive
 * and across receives), and the other groups wait in a heap by their head's time. A group with a large backlog
 * therefore cannot starve the others, and a pop costs O(log n) whatever the backlog.
 */
export class QueueIndex {
  private readonly entries = new Map<number, Entry>();
  private readonly groups = new Map<string, Group>();
  private readonly waiting = new Heap<Group>(wakeBefore, wakeMoved);
  private wakeSeq = 0;
  private rotation: Group[] = [];
  private rotationHead = 0;
  /** The metrics gauges' running counts (issue 16), kept from the first counts() on. */
  private readonly running = new RunningCounts<Entry>((e) => this.entries.get(e.id) === e, () => this.entries.values(), () => this.entries.size);

  constructor(rows: Entry[]) {
    const byGroup = new Map<string, Entry[]>();
    for (const e of rows) {
      this.entries.set(e.id, e);
      const k = e.group ?? "";
      let list = byGroup.get(k);
      if (!list) byGroup.set(k, (list = []));
      list.push(e);
    }
    for (const [k, list] of byGroup) {
      const g = this.group(k);
      g.heap.rebuild(list);
      this.wait(g, list[0].visibleAt);
    }
  }

  private group(key: string): Group {
    let g = this.groups.get(key);
    if (!g) {
      g = { key, heap: new Heap<Entry>(entryBefore, entryMoved), inRotation: false, wakeAt: Number.POSITIVE_INFINITY, wakeSeq: 0, wakePos: -1 };
      this.groups.set(key, g);
    }
    return g;
  }

  /** Makes sure a group not in the rotation is looked at again by `at`. */
  private wait(g: Group, at: number): void {
    if (g.inRotation || at >= g.wakeAt) return;
    g.wakeAt = at;
    g.wakeSeq = this.wakeSeq++;
    if (g.wakePos < 0) this.waiting.push(g);
    else this.waiting.raised(g.wakePos);
  }

  /** Groups with a wake-up outstanding (tests: never more than the groups). */
  waitingGroups(): number {
    return this.waiting.items.length;
  }

  /** Entries in the groups' heaps (tests: never more than the entries). */
  heapItems(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.heap.items.length;
    return n;
  }

  /** Groups kept (tests: those with nothing left go). */
  groupCount(): number {
    return this.groups.size;
  }

  /** Puts an entry out of its heap back in at its visibleAt. */
  private push(e: Entry): void {
    const g = this.group(e.group ?? "");
    g.heap.push(e);
    this.wait(g, e.visibleAt);
  }

  /** Takes an entry out of its group's heap, if it is in one. */
  private unlink(e: Entry): void {
    const i = e.pos ?? -1;
    if (i >= 0) this.groups.get(e.group ?? "")?.heap.removeAt(i);
  }

  add(e: Entry): void {
    const was = this.entries.get(e.id);
    if (was) this.unlink(was);
    e.pos = -1;
    this.entries.set(e.id, e);
    this.push(e);
    if (was && was !== e) this.running.removed(was);
    this.running.added(e);
  }

  remove(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.unlink(e);
    this.entries.delete(id);
    this.running.removed(e);
  }

  get(id: number): Entry | undefined {
    return this.entries.get(id);
  }

  /**
   * The queue's figures from memory (metrics gauges): receivable, in flight (received, not visible), delayed (never
   * received, not visible yet), and the oldest send time. No storage read; after the first call no walk of the
   * entries either (running-counts.ts).
   */
  counts(now: number): Figures {
    return this.running.counts(now);
  }

  /** Records a new visibleAt: the entry moves in its heap, or goes back in if it was out (received). */
  setVisibleAt(id: number, at: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.running.changing(e);
    e.visibleAt = at;
    const i = e.pos ?? -1;
    if (i >= 0) {
      const g = this.group(e.group ?? "");
      g.heap.changed(i);
      this.wait(g, at);
    } else {
      this.push(e);
    }
    this.running.changed(e);
  }

  /**
   * The earliest time a message may become receivable, or undefined when none waits: the heads of the groups
   * in turn and the first group wake-up. It may be early (a stale wake-up of a group whose head moved later),
   * never late; after a receive that found nothing it lies after that receive's `now`.
   */
  nextAt(): number | undefined {
    let first = this.waiting.peek()?.wakeAt;
    for (let i = this.rotationHead; i < this.rotation.length; i++) {
      const h = this.rotation[i].heap.peek();
      if (h && (first === undefined || h.visibleAt < first)) first = h.visibleAt;
    }
    return first;
  }

  /** Removes and returns the next entry receivable at `now`: the head of the next group in turn. */
  popReady(now: number): Entry | undefined {
    // Groups whose head has fallen due join the end of the rotation.
    for (let w = this.waiting.peek(); w && w.wakeAt <= now; w = this.waiting.peek()) {
      const g = this.waiting.pop() as Group;
      if (g.inRotation) continue;
      const h = g.heap.peek();
      if (!h) {
        this.drop(g);
        continue;
      }
      if (h.visibleAt <= now) {
        g.inRotation = true;
        this.rotation.push(g);
      } else {
        this.wait(g, h.visibleAt);
      }
    }
    while (this.rotationHead < this.rotation.length) {
      const g = this.rotation[this.rotationHead++];
      if (this.rotationHead > 1024 && this.rotationHead * 2 > this.rotation.length) {
        this.rotation = this.rotation.slice(this.rotationHead);
        this.rotationHead = 0;
      }
      const h = g.heap.peek();
      if (!h || h.visibleAt > now) {
        g.inRotation = false;
        if (h) this.wait(g, h.visibleAt);
        else if (g.wakePos < 0) this.drop(g);
        continue;
      }
      g.heap.pop();
      this.rotation.push(g); // its next message waits for the other groups' turns
      return h;
    }
    return undefined;
  }

  /** Forgets a group with nothing in its heap, out of the rotation and the waiting heap (a later entry makes a new one). */
  private drop(g: Group): void {
    if (this.groups.get(g.key) === g) this.groups.delete(g.key);
  }
}

/** The ready indexes of all standard queues, each built from storage on first use. */
export class ReadyIndex extends PerQueue<QueueIndex> {
  constructor(load: (queueId: number) => Entry[]) {
    super((queueId) => new QueueIndex(load(queueId)));
  }
}
