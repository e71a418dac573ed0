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
   * Bumped on every re-timing, so older heap nodes of the same entry go stale. The store creates entries with `v: 0`
   * (and `c: 0`), so a claim does not add a property (a new hidden class and a property array per message).
   */
  v?: number;
}

interface Node {
  e: Entry;
  at: number;
  /** The entry's version when this node was pushed: only the newest node of an entry counts. */
  v: number;
}

const versionOf = (e: Entry) => e.v ?? 0;

const nodeBefore = (a: Node, b: Node) => a.at < b.at || (a.at === b.at && a.e.id < b.e.id);

/** One message group's messages (messages without a group form the group ""). */
interface Group {
  key: string;
  heap: Heap<Node>;
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
  private nodes = 0;
  /** The metrics gauges' running counts (issue 16), kept from the first counts() on. */
  private readonly running = new RunningCounts<Entry>((e) => this.entries.get(e.id) === e, () => this.entries.values(), () => this.entries.size);

  constructor(rows: Entry[]) {
    const byGroup = new Map<string, Node[]>();
    for (const e of rows) {
      this.entries.set(e.id, e);
      const k = e.group ?? "";
      let list = byGroup.get(k);
      if (!list) byGroup.set(k, (list = []));
      list.push({ e, at: e.visibleAt, v: versionOf(e) });
    }
    for (const [k, list] of byGroup) {
      const g = this.group(k);
      g.heap.rebuild(list);
      this.nodes += list.length;
      this.wait(g, list[0].at);
    }
  }

  private group(key: string): Group {
    let g = this.groups.get(key);
    if (!g) {
      g = { key, heap: new Heap<Node>(nodeBefore), inRotation: false, wakeAt: Number.POSITIVE_INFINITY, wakeSeq: 0, wakePos: -1 };
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

  private push(e: Entry): void {
    const g = this.group(e.group ?? "");
    g.heap.push({ e, at: e.visibleAt, v: versionOf(e) });
    this.nodes++;
    this.wait(g, e.visibleAt);
  }

  /** The group's earliest live node, dropping stale ones. */
  private head(g: Group): Node | undefined {
    for (;;) {
      const n = g.heap.peek();
      if (!n) return undefined;
      if (this.entries.get(n.e.id) === n.e && n.v === versionOf(n.e)) return n;
      g.heap.pop();
      this.nodes--;
    }
  }

  add(e: Entry): void {
    const was = this.entries.get(e.id);
    this.entries.set(e.id, e);
    this.push(e);
    if (was && was !== e) this.running.removed(was);
    this.running.added(e);
  }

  remove(id: number): void {
    const e = this.entries.get(id);
    if (!e) return;
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

  /** Records a new visibleAt; the old heap node goes stale and is skipped when it surfaces. */
  setVisibleAt(id: number, at: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.running.changing(e);
    e.visibleAt = at;
    e.v = versionOf(e) + 1;
    this.push(e);
    this.running.changed(e);
    // Deleted and re-timed messages leave stale nodes behind; compact when they dominate.
    if (this.nodes > 2 * this.entries.size + 1024) this.compact();
  }

  private compact(): void {
    const byGroup = new Map<string, Node[]>();
    for (const x of this.entries.values()) {
      const k = x.group ?? "";
      let list = byGroup.get(k);
      if (!list) byGroup.set(k, (list = []));
      list.push({ e: x, at: x.visibleAt, v: versionOf(x) });
    }
    for (const [k, g] of this.groups) {
      const list = byGroup.get(k) ?? [];
      g.heap.rebuild(list);
      if (list.length === 0 && !g.inRotation) this.groups.delete(k);
    }
    this.nodes = this.entries.size;
  }

  /**
   * The earliest time a message may become receivable, or undefined when none waits: the heads of the groups
   * in turn and the first group wake-up. It may be early (a stale wake-up of a group whose head moved later),
   * never late; after a receive that found nothing it lies after that receive's `now`.
   */
  nextAt(): number | undefined {
    let first = this.waiting.peek()?.wakeAt;
    for (let i = this.rotationHead; i < this.rotation.length; i++) {
      const h = this.head(this.rotation[i]);
      if (h && (first === undefined || h.at < first)) first = h.at;
    }
    return first;
  }

  /** Removes and returns the next entry receivable at `now`: the head of the next group in turn. */
  popReady(now: number): Entry | undefined {
    // Groups whose head has fallen due join the end of the rotation.
    for (let w = this.waiting.peek(); w && w.wakeAt <= now; w = this.waiting.peek()) {
      const g = this.waiting.pop() as Group;
      if (g.inRotation) continue;
      const h = this.head(g);
      if (!h) continue;
      if (h.at <= now) {
        g.inRotation = true;
        this.rotation.push(g);
      } else {
        this.wait(g, h.at);
      }
    }
    while (this.rotationHead < this.rotation.length) {
      const g = this.rotation[this.rotationHead++];
      if (this.rotationHead > 1024 && this.rotationHead * 2 > this.rotation.length) {
        this.rotation = this.rotation.slice(this.rotationHead);
        this.rotationHead = 0;
      }
      const h = this.head(g);
      if (!h || h.at > now) {
        g.inRotation = false;
        if (h) this.wait(g, h.at);
        else if (this.groups.get(g.key) === g && g.wakePos < 0) this.groups.delete(g.key);
        continue;
      }
      g.heap.pop();
      this.nodes--;
      this.rotation.push(g); // its next message waits for the other groups' turns
      return h.e;
    }
    return undefined;
  }
}

/** The ready indexes of all standard queues, each built from storage on first use. */
export class ReadyIndex extends PerQueue<QueueIndex> {
  constructor(load: (queueId: number) => Entry[]) {
    super((queueId) => new QueueIndex(load(queueId)));
  }
}
