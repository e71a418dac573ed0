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
