// Uniform scaling plans, checked as properties over random shard layouts (fast-check): from any partition of the hash
// key space into open shards, the plan leaves exactly the target's even ranges open, gives every shard at most two
// parents, leaves no closed shard without children, and makes children only from shards that exist.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { ShardRecord } from "../store.ts";
import { evenRanges, HASH_KEY_SPACE } from "./hash-keys.ts";
import { childShardsOf, planMerge, planSplit, planUniformScaling } from "./resharding.ts";

function layout(cuts: bigint[]): ShardRecord[] {
  const starts = [0n, ...[...new Set(cuts)].filter((c) => c > 0n && c < HASH_KEY_SPACE).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
  return starts.map((start, i) => ({
    index: i, startHashKey: start.toString(), endHashKey: ((i + 1 < starts.length ? starts[i + 1] : HASH_KEY_SPACE) - 1n).toString(), lastCounter: 0, openedAt: 0,
  }));
}

test("planUniformScaling: the target's even ranges, at most two parents, no dead ends", () => {
  const key = fc.bigInt({ min: 1n, max: HASH_KEY_SPACE - 1n });
  fc.assert(fc.property(fc.array(key, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (cuts, target) => {
    const shards = layout(cuts);
    const plan = planUniformScaling(shards, evenRanges(target));
    const all = [...shards.map((s) => ({ ...s, closed: plan.close.includes(s.index) })), ...plan.add.map((s) => ({ ...s, closed: s.closed === true }))];
    const open = all.filter((s) => !s.closed).map((s) => [BigInt(s.startHashKey), BigInt(s.endHashKey)]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(open, evenRanges(target).map((r) => [r.start, r.end]));
    const indexes = new Set(all.map((s) => s.index));
    assert.equal(indexes.size, all.length, "indexes are unique");
    for (const s of plan.add) {
      for (const p of [s.parentIndex, s.adjacentParentIndex]) if (p !== undefined) assert.ok(indexes.has(p));
    }
    const parents = new Set(plan.add.flatMap((s) => [s.parentIndex, s.adjacentParentIndex]));
    for (const s of all) if (s.closed) assert.ok(parents.has(s.index), `closed shard ${s.index} has children`);
  }), { numRuns: 200 });
});

test("split and merge: children, ranges and ChildShards", () => {
  const stream = { name: "s", account: "000000000000" } as never;
  const shards = layout([1n << 127n]);
  const split = planSplit(stream, shards, "shardId-000000000000", 10n);
  assert.deepEqual(split.add.map((s) => [s.index, s.startHashKey, s.endHashKey, s.parentIndex]), [[2, "0", "9", 0], [3, "10", ((1n << 127n) - 1n).toString(), 0]]);
  assert.throws(() => planSplit(stream, shards, "shardId-000000000000", 0n), /NewStartingHashKey 0/);
  assert.throws(() => planSplit(stream, shards, "shardId-000000000000", 1n << 127n), /NewStartingHashKey/);
  const merged = planMerge(stream, shards, "shardId-000000000001", "shardId-000000000000");
  assert.deepEqual(merged.add, [{ index: 2, startHashKey: "0", endHashKey: (HASH_KEY_SPACE - 1n).toString(), parentIndex: 1, adjacentParentIndex: 0 }]);
  const after = [...shards.map((s) => ({ ...s, closedAt: 1 })), { ...merged.add[0], lastCounter: 0, openedAt: 1 }];
  assert.deepEqual(childShardsOf(after, 0), [{ ShardId: "shardId-000000000002", ParentShards: ["shardId-000000000001", "shardId-000000000000"], HashKeyRange: { StartingHashKey: "0", EndingHashKey: (HASH_KEY_SPACE - 1n).toString() } }]);
  assert.throws(() => planSplit(stream, after, "shardId-000000000000", 5n), /already been merged or split/);
});
