// Running gauge counts (ADR 0035) through the ready index, in the cases a random walk reaches rarely: an entry
// re-timed later, earlier or to the same time before its first time passes, removals, and the clock going back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueIndex } from "./ready-index.ts";

const entry = (id: number, visibleAt: number, receiveCount = 0, sentAt = 0) => ({ id, visibleAt, sentAt, receiveCount, v: 0, c: 0 as const });
const figures = (q: QueueIndex, now: number) => {
  const c = q.counts(now);
  return [c.visible, c.notVisible, c.delayed];
};

test("an entry re-timed later is not made visible by its earlier time", () => {
  const q = new QueueIndex([entry(1, 0), entry(2, 0)]);
  assert.deepEqual(figures(q, 0), [2, 0, 0]);
  const e = q.popReady(0)!;
  e.receiveCount = 1;
  q.setVisibleAt(e.id, 500); // received with a 0.5 s visibility timeout
  q.setVisibleAt(e.id, 10_000); // ChangeMessageVisibility to 10 s
  assert.deepEqual(figures(q, 600), [1, 1, 0]);
  assert.deepEqual(figures(q, 10_000), [2, 0, 0]);
});

test("re-timed earlier, or twice to the same time, it turns visible once", () => {
  const q = new QueueIndex([entry(1, 100), entry(2, 100), entry(3, 0, 0, 5)]);
  assert.deepEqual(figures(q, 0), [1, 0, 2]);
  q.setVisibleAt(1, 50);
  q.setVisibleAt(2, 100);
  q.setVisibleAt(2, 100);
  assert.deepEqual(figures(q, 50), [2, 0, 1]);
  assert.deepEqual(figures(q, 100), [3, 0, 0]);
  assert.equal(q.counts(100).oldestSentAt, 0);
  q.remove(1);
  q.remove(2);
  assert.equal(q.counts(100).oldestSentAt, 5);
  assert.deepEqual(figures(q, 200), [1, 0, 0]);
});

test("removed entries leave the counts, added ones join them, and a clock that went back recounts", () => {
  const q = new QueueIndex([entry(1, 100, 1), entry(2, 0)]);
  assert.deepEqual(figures(q, 50), [1, 1, 0]);
  q.remove(1);
  assert.deepEqual(figures(q, 60), [1, 0, 0]);
  q.add(entry(3, 70, 0, 60));
  q.add(entry(4, 60, 0, 60));
  assert.deepEqual(figures(q, 65), [2, 0, 1]);
  assert.deepEqual(figures(q, 10), [1, 0, 2]); // back before entries 3 and 4 are due
  assert.deepEqual(figures(q, 70), [3, 0, 0]);
});
