import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueIndex } from "./ready-index.ts";

const entry = (id: number, visibleAt: number) => ({ id, visibleAt, sentAt: 0, receiveCount: 0 });

test("pops receivable entries in (visibleAt, id) order and not before they are due", () => {
  const q = new QueueIndex([entry(3, 10), entry(1, 10), entry(2, 5)]);
  q.add(entry(4, 50));
  assert.equal(q.popReady(4), undefined);
  assert.deepEqual([q.popReady(10)?.id, q.popReady(10)?.id, q.popReady(10)?.id, q.popReady(10)?.id], [2, 1, 3, undefined]);
  assert.equal(q.popReady(50)?.id, 4);
});

test("re-timed and removed entries surface once, at their newest time", () => {
  const q = new QueueIndex([entry(1, 0), entry(2, 0)]);
  const e = q.popReady(0)!;
  q.setVisibleAt(e.id, 100);
  q.setVisibleAt(e.id, 0); // visibility changed back to 0
  q.setVisibleAt(e.id, 100); // received again: the older node at 100 must not count twice
  q.remove(2);
  assert.equal(q.popReady(99), undefined);
  assert.equal(q.popReady(100)?.id, 1);
  assert.equal(q.popReady(1000), undefined);
});

test("an entry re-timed many times holds one place in its heap", () => {
  const q = new QueueIndex([entry(1, 0)]);
  for (let i = 0; i < 5000; i++) q.setVisibleAt(1, i);
  assert.equal(q.heapItems(), 1);
  assert.equal(q.popReady(4998), undefined);
  assert.equal(q.popReady(4999)?.id, 1);
  assert.equal(q.popReady(1e9), undefined);
});

test("a deleted message leaves nothing behind in the heaps (W4's promoted garbage)", () => {
  // Each cycle: sent, received (re-timed 30 s out), deleted. A heap node left behind per deleted message until a
  // compaction held the message's entry past the young generation's scavenges (bench/sqs-profile.md, sixth pass).
  const q = new QueueIndex([]);
  let now = 0;
  for (let id = 1; id <= 10_000; id++) {
    q.add(grouped(id, now, id % 3 === 0 ? "g" : ""));
    const e = q.popReady(now);
    assert.equal(e?.id, id);
    q.setVisibleAt(id, now + 30_000);
    q.remove(id);
    now += 1;
  }
  assert.equal(q.heapItems(), 0);
  assert.equal(q.popReady(1e9), undefined);
  assert.equal(q.groupCount(), 0, "groups with nothing left are dropped");
});

test("removing an entry from the middle of its heap keeps the heap's order", () => {
  const q = new QueueIndex([]);
  for (let id = 1; id <= 200; id++) q.add(entry(id, (id * 37) % 101));
  for (let id = 1; id <= 200; id += 3) q.remove(id);
  for (let id = 2; id <= 200; id += 7) q.setVisibleAt(id, 500 - id);
  const got: number[] = [];
  for (let e = q.popReady(1e9); e; e = q.popReady(1e9)) got.push(e.visibleAt * 1000 + e.id);
  const want = [...got].sort((a, b) => a - b);
  assert.deepEqual(got, want);
  assert.equal(got.length, 200 - 67);
});

const grouped = (id: number, visibleAt: number, group: string) => ({ id, visibleAt, sentAt: 0, receiveCount: 0, group });

test("groups take turns: a group with a large backlog does not starve the others", () => {
  const q = new QueueIndex([]);
  for (let i = 1; i <= 1000; i++) q.add(grouped(i, 0, "A"));
  for (let i = 1001; i <= 1010; i++) q.add(grouped(i, 1, "B"));
  q.add(grouped(2000, 1, ""));
  const first = Array.from({ length: 10 }, () => q.popReady(1)?.id);
  assert.deepEqual(first, [1, 1001, 2000, 2, 1002, 3, 1003, 4, 1004, 5]);
  // Across receives the rotation goes on where it stopped.
  const next = Array.from({ length: 4 }, () => q.popReady(1)?.id);
  assert.deepEqual(next, [1005, 6, 1006, 7]);
});

test("a group whose messages are all in flight leaves the rotation and rejoins when one is due", () => {
  const q = new QueueIndex([grouped(1, 0, "A"), grouped(2, 0, "B"), grouped(3, 0, "B")]);
  const a = q.popReady(0)!;
  q.setVisibleAt(a.id, 10);
  assert.deepEqual([q.popReady(0)?.id, q.popReady(0)?.id, q.popReady(0)?.id], [2, 3, undefined]);
  assert.equal(q.popReady(9), undefined);
  assert.equal(q.popReady(10)?.id, 1);
  q.remove(2);
  q.setVisibleAt(3, 20);
  q.setVisibleAt(3, 5); // visibility shortened again
  assert.equal(q.popReady(5)?.id, 3);
});

test("a long poll's cycle (send, receive, delete) keeps one wake-up per group, not one per receive (W4's promoted garbage)", () => {
  // Each receive drains the queue and the claimed message's node moves 30 s out; the next send brings the group back.
  // The group's wake-up is moved, not pushed again: 10,000 cycles leave at most one per group (bench/sqs-profile.md,
  // fifth pass: one wake-up object per cycle lived 30 s and was promoted).
  const q = new QueueIndex([]);
  let now = 0;
  for (let id = 1; id <= 10_000; id++) {
    q.add(grouped(id, now, ""));
    const e = q.popReady(now);
    assert.equal(e?.id, id);
    q.setVisibleAt(id, now + 30_000);
    assert.equal(q.popReady(now), undefined);
    if (id % 2 === 0) q.remove(id); // half are deleted, half left to time out
    now += 1;
  }
  assert.ok(q.waitingGroups() <= 1, `${q.waitingGroups()} wake-ups outstanding`);
  // The undeleted ones come back when their visibility timeout passes, in order.
  assert.equal(q.nextAt(), 30_000);
  assert.equal(q.popReady(30_000)?.id, 1);
  assert.equal(q.popReady(30_001), undefined);
  assert.equal(q.popReady(30_002)?.id, 3);
});

test("random adds, receives, re-timings and removes pop what a plain list would (one group)", () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const q = new QueueIndex([]);
  const model = new Map<number, { visibleAt: number; inHeap: boolean }>();
  let now = 0;
  let nextId = 1;
  for (let step = 0; step < 20_000; step++) {
    const ids = [...model.keys()];
    const pick = () => ids[rnd(ids.length)];
    const op = rnd(10);
    if (op < 3 || ids.length === 0) {
      const id = nextId++;
      const at = now + rnd(20);
      q.add(entry(id, at));
      model.set(id, { visibleAt: at, inHeap: true });
    } else if (op < 6) {
      let want: number | undefined;
      let best = Number.POSITIVE_INFINITY;
      for (const [id, m] of model) if (m.inHeap && m.visibleAt <= now && (m.visibleAt < best || (m.visibleAt === best && id < (want ?? Infinity)))) {
        best = m.visibleAt;
        want = id;
      }
      const got = q.popReady(now);
      assert.equal(got?.id, want, `step ${step}`);
      if (want !== undefined) model.get(want)!.inHeap = false;
    } else if (op < 8) {
      const id = pick();
      const at = now + rnd(30);
      q.setVisibleAt(id, at);
      model.set(id, { visibleAt: at, inHeap: true });
    } else {
      const id = pick();
      q.remove(id);
      model.delete(id);
    }
    const heads = [...model.values()].filter((m) => m.inHeap).map((m) => m.visibleAt);
    const next = q.nextAt();
    if (heads.length > 0) assert.ok(next !== undefined && next <= Math.min(...heads), `step ${step}: nextAt ${next} is late`);
    assert.equal(q.heapItems(), heads.length);
    now += rnd(3);
  }
});
