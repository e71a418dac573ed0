// Resharding plans: SplitShard, MergeShards and UpdateShardCount's uniform scaling, as pure decisions over a stream's
// shards (the store applies them in one transaction), and the ChildShards a reader of a closed shard is told about.
//
// AWS's rules (SplitShard, MergeShards, UpdateShardCount API references; Kinesis developer guide, "Resharding a
// stream"): a split closes the parent and opens two children covering [start, key − 1] and [key, end], each naming the
// parent (ParentShardId); a merge closes two adjacent shards and opens one child covering their union, naming
// ShardToMerge as ParentShardId and AdjacentShardToMerge as AdjacentParentShardId; UpdateShardCount "performs splits or
// merges on individual shards. This can cause short-lived shards to be created, in addition to the final shards".
// New shards take the next indexes (shardId-000000000003, …), so a child's sequence numbers are above every number
// of its parents (domain/sequence.ts puts the shard index before the counter).
import { invalidArgument, resourceNotFound } from "../errors.ts";
import type { NewShard, ShardRecord, StreamRecord } from "../store.ts";
import { parseShardId, shardId } from "./sequence.ts";

export interface ChildShard {
  ShardId: string;
  ParentShards: string[];
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
}

/** The children of a shard (shards naming it as a parent), as GetRecords and SubscribeToShard report them at its end. */
export function childShardsOf(shards: readonly ShardRecord[], index: number): ChildShard[] {
  return shards
    .filter((s) => s.parentIndex === index || s.adjacentParentIndex === index)
    .map((s) => ({
      ShardId: shardId(s.index),
      ParentShards: [s.parentIndex, s.adjacentParentIndex].filter((p): p is number => p !== undefined).map(shardId),
      HashKeyRange: { StartingHashKey: s.startHashKey, EndingHashKey: s.endHashKey },
    }));
}

/** The next free shard index. */
export function nextIndex(shards: readonly ShardRecord[]): number {
  return shards.reduce((m, s) => Math.max(m, s.index + 1), 0);
}

function shardNotFound(id: string, stream: StreamRecord) {
  return resourceNotFound(`Could not find shard ${id} in stream ${stream.name} under account ${stream.account}.`);
}

/** An open shard named by a request, or AWS's errors for one that does not exist or was resharded already. */
export function openShard(stream: StreamRecord, shards: readonly ShardRecord[], id: string): ShardRecord {
  const index = parseShardId(id);
  const shard = index === undefined ? undefined : shards.find((s) => s.index === index);
  if (!shard) throw shardNotFound(id, stream);
  // Splitting or merging a closed shard: "Shard … has already been merged or split, and thus is not eligible for
  // merging or splitting." (InvalidArgumentException, as AWS answers; kinesalite issue #109 records the real reply).
  if (shard.closedAt !== undefined) {
    throw invalidArgument(`Shard ${id} in stream ${stream.name} under account ${stream.account} has already been merged or split, and thus is not eligible for merging or splitting.`);
  }
  return shard;
}

export function planSplit(stream: StreamRecord, shards: readonly ShardRecord[], id: string, newStartingHashKey: bigint): { close: number[]; add: NewShard[] } {
  const shard = openShard(stream, shards, id);
  const start = BigInt(shard.startHashKey);
  const end = BigInt(shard.endHashKey);
  // Both children must be non-empty: the key must lie in (start, end] (SplitShard API reference: NewStartingHashKey
  // "must be in the range of hash keys being mapped into the shard"; the key and all higher go to one child, all lower
  // to the other).
  if (newStartingHashKey <= start || newStartingHashKey > end) {
    throw invalidArgument(`NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${id} in stream ${stream.name} under account ${stream.account} is not both greater than the shard's StartingHashKey ${shard.startHashKey} and not greater than the shard's EndingHashKey ${shard.endHashKey}.`);
  }
  const first = nextIndex(shards);
  return {
    close: [shard.index],
    add: [
      { index: first, startHashKey: shard.startHashKey, endHashKey: (newStartingHashKey - 1n).toString(), parentIndex: shard.index },
      { index: first + 1, startHashKey: newStartingHashKey.toString(), endHashKey: shard.endHashKey, parentIndex: shard.index },
    ],
  };
}

export function planMerge(stream: StreamRecord, shards: readonly ShardRecord[], id: string, adjacentId: string): { close: number[]; add: NewShard[] } {
  const a = openShard(stream, shards, id);
  const b = openShard(stream, shards, adjacentId);
  // "Two shards are considered adjacent if the union of the hash key ranges for the two shards form a contiguous set
  // with no gaps" (MergeShards API reference); either may come first.
  const [lo, hi] = BigInt(a.startHashKey) < BigInt(b.startHashKey) ? [a, b] : [b, a];
  if (a.index === b.index || BigInt(lo.endHashKey) + 1n !== BigInt(hi.startHashKey)) {
    throw invalidArgument(`Shards ${id} and ${adjacentId} in stream ${stream.name} under account ${stream.account} are not an adjacent pair of shards eligible for merging`);
  }
  return {
    close: [a.index, b.index],
    add: [{ index: nextIndex(shards), startHashKey: lo.startHashKey, endHashKey: hi.endHashKey, parentIndex: a.index, adjacentParentIndex: b.index }],
  };
}

/**
 * UNIFORM_SCALING to `target` open shards of equal ranges (the even ranges of a new stream of that many shards), by
 * splits and merges: each open shard is split at the target boundaries inside it (a chain of splits, each closing the
 * piece it splits), then the pieces of each target range are merged left to right. Shards already equal to a target
 * range stay open untouched. Intermediate shards are made closed (they never take records), so a reader following
 * ChildShards walks through them to the final shards.
 */
export function planUniformScaling(shards: readonly ShardRecord[], ranges: { start: bigint; end: bigint }[]): { close: number[]; add: NewShard[] } {
  const open = shards.filter((s) => s.closedAt === undefined).sort((x, y) => (BigInt(x.startHashKey) < BigInt(y.startHashKey) ? -1 : 1));
  let next = nextIndex(shards);
  const close: number[] = [];
  const add: NewShard[] = [];
  const made = new Map<number, NewShard>();
  const boundaries = ranges.slice(1).map((r) => r.start);
  // 1. Split: each open shard into pieces at the target boundaries strictly inside it.
  type Piece = { index: number; start: bigint; end: bigint };
  const pieces: Piece[] = [];
  for (const s of open) {
    const start = BigInt(s.startHashKey);
    const end = BigInt(s.endHashKey);
    const cuts = boundaries.filter((b) => b > start && b <= end);
    if (cuts.length === 0) {
      pieces.push({ index: s.index, start, end });
      continue;
    }
    // A chain of splits: split the shard at the first cut, then the right child at the next cut, and so on.
    let parent = s.index;
    let from = start;
    close.push(s.index);
    for (let i = 0; i < cuts.length; i++) {
      const left: NewShard = { index: next++, startHashKey: from.toString(), endHashKey: (cuts[i] - 1n).toString(), parentIndex: parent };
      const right: NewShard = { index: next++, startHashKey: cuts[i].toString(), endHashKey: end.toString(), parentIndex: parent };
      add.push(left, right);
      made.set(left.index, left);
      made.set(right.index, right);
      pieces.push({ index: left.index, start: from, end: cuts[i] - 1n });
      if (i < cuts.length - 1) {
        right.closed = true;
        parent = right.index;
      } else {
        pieces.push({ index: right.index, start: cuts[i], end });
      }
      from = cuts[i];
    }
  }
  // 2. Merge: the pieces of each target range, left to right.
  for (const r of ranges) {
    const inRange = pieces.filter((p) => p.start >= r.start && p.end <= r.end).sort((x, y) => (x.start < y.start ? -1 : 1));
    let acc = inRange[0];
    for (let i = 1; i < inRange.length; i++) {
      const p = inRange[i];
      for (const idx of [acc.index, p.index]) {
        const m = made.get(idx);
        if (m) m.closed = true;
        else close.push(idx);
      }
      const child: NewShard = { index: next++, startHashKey: acc.start.toString(), endHashKey: p.end.toString(), parentIndex: acc.index, adjacentParentIndex: p.index };
      add.push(child);
      made.set(child.index, child);
      acc = { index: child.index, start: acc.start, end: p.end };
    }
  }
  return { close, add };
}

/** Whether a shard was open at time t (made at or before it, closed at or after it, or still open). */
export function openAt(s: ShardRecord, t: number): boolean {
  return s.openedAt <= t && (s.closedAt === undefined || s.closedAt >= t);
}

