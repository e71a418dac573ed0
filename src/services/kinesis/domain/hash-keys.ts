// The 128-bit hash key space: a partition key maps to MD5(partition key) read as an unsigned big-endian integer, and
// a stream's shards split [0, 2^128 - 1] evenly ("Kinesis Data Streams uses MD5 hash function to map partition keys to
// 128-bit integer values", Kinesis developer guide, Terminology and Concepts; ranges as DescribeStream shows them).
import { createHash } from "node:crypto";

export const HASH_KEY_SPACE = 1n << 128n;
export const MAX_HASH_KEY = HASH_KEY_SPACE - 1n;

export function hashKeyOf(partitionKey: string): bigint {
  return BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);
}

/** Shard i of n covers [floor(i·2^128/n), floor((i+1)·2^128/n) − 1], as AWS splits a new stream. */
export function evenRanges(n: number): { start: bigint; end: bigint }[] {
  const out: { start: bigint; end: bigint }[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ start: (BigInt(i) * HASH_KEY_SPACE) / BigInt(n), end: (BigInt(i + 1) * HASH_KEY_SPACE) / BigInt(n) - 1n });
  }
  return out;
}

/** The shard whose range holds the hash key (ranges sorted and contiguous). */
export function shardFor(ranges: readonly { start: bigint; end: bigint }[], key: bigint): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ranges[mid].start <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An ExplicitHashKey: a decimal integer in [0, 2^128 − 1], or undefined when it is not one. */
export function parseHashKey(s: string): bigint | undefined {
  if (!/^\d{1,39}$/.test(s)) return undefined;
  const v = BigInt(s);
  return v <= MAX_HASH_KEY ? v : undefined;
}
