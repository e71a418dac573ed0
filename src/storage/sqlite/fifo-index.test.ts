// Unit tests of the in-memory FIFO index: receive order, in-flight groups, ready prefixes, expired heads, and a
// randomised comparison with the reference choice in ../fifo-pick.ts (what the PostgreSQL adapter runs).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fifoCandidates } from "../fifo-pick.ts";
import { type FifoEntry, FifoQueueIndex } from "./fifo-index.ts";

const entry = (id: number, group: string, visibleAt = 0, receiveCount = 0, sentAt = 0, seq = id): FifoEntry =>
  ({ id, seq, group, visibleAt, sentAt, receiveCount });

function walkAll(q: FifoQueueIndex, now: number, expiredBefore = -1): number[] {
  const ids: number[] = [];
  q.walk(now, expiredBefore, (e) => {
    ids.push(e.id);
    return true;
  });
  return ids;
}

test("in-flight groups are skipped, delayed messages end a group's prefix, groups by oldest message", () => {
  const q = new FifoQueueIndex([
    entry(1, "b"), entry(2, "a", 50, 1), entry(3, "a"), entry(4, "b"), entry(5, "c", 20), entry(6, "c"), entry(7, "d", 5, 1), entry(8, "d"),
  ]);
  assert.deepEqual(walkAll(q, 10), [1, 4, 7, 8]);
  assert.deepEqual(walkAll(q, 50), [1, 4, 2, 3, 5, 6, 7, 8]);
});

test("a walk stops when take says so, and claims and removals inside it count from the next receive", () => {
  const q = new FifoQueueIndex([entry(1, "a"), entry(2, "b"), entry(3, "a"), entry(4, "b")]);
  const taken: number[] = [];
  q.walk(0, -1, (e) => {
    taken.push(e.id);
    if (e.id === 1) q.claimed(1, 30, 1);
    else q.remove(e.id);
    return taken.length < 2;
  });
  assert.deepEqual(taken, [1, 3]);
  assert.deepEqual(walkAll(q, 0), [2, 4], "group a is in flight");
  q.setVisibleAt(1, 0); // visibility changed to 0: group a is back, ordered by its message 1
  q.add(entry(5, "a"));
  assert.deepEqual(walkAll(q, 0), [1, 5, 2, 4]);
  q.remove(1);
  assert.deepEqual(walkAll(q, 0), [2, 4, 5]);
});

test("expired messages are no candidates, block nothing, and a group whose head expired comes by its oldest live message", () => {
  const q = new FifoQueueIndex([entry(1, "a", 0, 0, 0), entry(2, "b", 0, 0, 100), entry(3, "a", 0, 0, 100), entry(4, "c", 99, 1, 0)]);
  assert.deepEqual(walkAll(q, 10, 50), [2, 3]);
  q.add(entry(5, "c", 0, 0, 100));
  assert.deepEqual(walkAll(q, 10, 50), [2, 3, 5], "c's only in-flight message is expired");
  assert.deepEqual(walkAll(q, 10, -1), [1, 3, 2], "nothing expired: c is in flight");
});

test("messages added out of sequence order take their place", () => {
  const q = new FifoQueueIndex([]);
  q.add(entry(10, "a", 0, 0, 0, 30));
  q.add(entry(11, "b", 0, 0, 0, 20));
  q.add(entry(12, "a", 0, 0, 0, 10));
  assert.deepEqual(walkAll(q, 0), [12, 10, 11]);
});

test("matches the reference choice over random sends, receives, visibility changes, deletes and expiry", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 40; round++) {
    const rows = new Map<number, FifoEntry>();
    let id = 0;
    const initial = Array.from({ length: rnd(30) }, () => entry(++id, `g${rnd(5)}`, rnd(40), rnd(3), rnd(40)));
    for (const e of initial) rows.set(e.id, { ...e });
    const q = new FifoQueueIndex(initial);
    for (let step = 0; step < 200; step++) {
      const now = rnd(60);
      const expiredBefore = rnd(4) === 0 ? rnd(40) : -1;
      const ids = [...rows.keys()];
      const pick = () => ids[rnd(ids.length)];
      switch (rnd(6)) {
        case 0: {
          const e = entry(++id, `g${rnd(5)}`, rnd(60), 0, rnd(60), rnd(8) === 0 ? rnd(id) : id + 1000);
          rows.set(e.id, { ...e });
          q.add(e);
          break;
        }
        case 1:
          if (ids.length > 0) {
            const x = pick();
            rows.delete(x);
            q.remove(x);
          }
          break;
        case 2:
          if (ids.length > 0) {
            const x = pick();
            const at = rnd(60);
            rows.get(x)!.visibleAt = at;
            q.setVisibleAt(x, at);
          }
          break;
        default: {
          const sorted = [...rows.values()].sort((a, b) => a.seq - b.seq || a.id - b.id).filter((r) => r.sentAt >= expiredBefore);
          const want = fifoCandidates(sorted, now).flat().map((r) => r.id);
          const max = 1 + rnd(6);
          const got: number[] = [];
          q.walk(now, expiredBefore, (e) => {
            got.push(e.id);
            const r = rows.get(e.id)!;
            r.visibleAt = now + rnd(20);
            r.receiveCount++;
            q.claimed(e.id, r.visibleAt, r.receiveCount);
            return got.length < max;
          });
          assert.deepEqual(got, want.slice(0, max), `round ${round} step ${step}`);
        }
      }
    }
  }
});
