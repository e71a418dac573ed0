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

test("stale nodes are compacted away", () => {
  const q = new QueueIndex([entry(1, 0)]);
  for (let i = 0; i < 5000; i++) q.setVisibleAt(1, i);
  assert.equal(q.popReady(4999)?.id, 1);
  assert.equal(q.popReady(1e9), undefined);
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
