// Per-shard throughput limits, when the server enforces them (option kinesisThroughputLimits): "Each shard can support
// up to 1,000 records per second for writes, up to a maximum total data write rate of 1 MiB per second (including
// partition keys)" and "up to five transactions per second for reads, up to a maximum total data read rate of 2 MiB
// per second" (Kinesis quotas and limits page). Token buckets on the clock, per node: on a cluster each node counts
// the traffic it serves. A GetRecords may return up to 10 MiB; the read budget then goes negative and "subsequent
// calls made within the next 5 seconds throw ProvisionedThroughputExceededException" (GetRecords API reference).
import type { Clock } from "../../../engine/clock.ts";

export const WRITE_RECORDS_PER_SECOND = 1000;
export const WRITE_BYTES_PER_SECOND = 1024 * 1024;
export const READ_CALLS_PER_SECOND = 5;
export const READ_BYTES_PER_SECOND = 2 * 1024 * 1024;

class Bucket {
  private tokens: number;
  private at: number;
  private readonly capacity: number;
  private readonly perSecond: number;
  constructor(capacity: number, perSecond: number, now: number) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.tokens = capacity;
    this.at = now;
  }
  level(now: number): number {
    if (now > this.at) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) * this.perSecond) / 1000);
      this.at = now;
    }
    return this.tokens;
  }
  take(n: number): void {
    this.tokens -= n;
  }
  full(now: number): boolean {
    return this.level(now) >= this.capacity;
  }
}

interface ShardBuckets {
  records: Bucket;
  writeBytes: Bucket;
  calls: Bucket;
  readBytes: Bucket;
}

const MAX_TRACKED = 10_000;

export class ShardThroughput {
  private readonly shards = new Map<string, ShardBuckets>();
  private readonly clock: Clock;
  constructor(clock: Clock) {
    this.clock = clock;
  }

  private of(streamId: number, shard: number): ShardBuckets {
    const key = `${streamId}:${shard}`;
    let b = this.shards.get(key);
    if (!b) {
      const now = this.clock.now();
      if (this.shards.size >= MAX_TRACKED) this.forgetIdle(now);
      b = {
        records: new Bucket(WRITE_RECORDS_PER_SECOND, WRITE_RECORDS_PER_SECOND, now),
        writeBytes: new Bucket(WRITE_BYTES_PER_SECOND, WRITE_BYTES_PER_SECOND, now),
        calls: new Bucket(READ_CALLS_PER_SECOND, READ_CALLS_PER_SECOND, now),
        readBytes: new Bucket(READ_BYTES_PER_SECOND, READ_BYTES_PER_SECOND, now),
      };
      this.shards.set(key, b);
    }
    return b;
  }

  /** Shards whose buckets are all full again carry no state worth keeping. */
  private forgetIdle(now: number): void {
    for (const [k, b] of this.shards) {
      if (b.records.full(now) && b.writeBytes.full(now) && b.calls.full(now) && b.readBytes.full(now)) this.shards.delete(k);
    }
  }

  /** Admits one record of `bytes` (data and partition key) to the shard, or false when over its write limit. */
  write(streamId: number, shard: number, bytes: number): boolean {
    const b = this.of(streamId, shard);
    const now = this.clock.now();
    // A record larger than the byte budget (a 1 MiB record with its partition key) passes when the budget is full and
    // leaves it in debt, so a maximum-size record is never refused for its size alone.
    if (b.records.level(now) < 1 || b.writeBytes.level(now) < Math.min(bytes, WRITE_BYTES_PER_SECOND)) return false;
    b.records.take(1);
    b.writeBytes.take(bytes);
    return true;
  }

  /** Admits one GetRecords call of the shard, or false when over its call or byte limit. */
  read(streamId: number, shard: number): boolean {
    const b = this.of(streamId, shard);
    const now = this.clock.now();
    if (b.calls.level(now) < 1 || b.readBytes.level(now) <= 0) return false;
    b.calls.take(1);
    return true;
  }

  /** Counts the bytes a GetRecords returned against the shard's read rate. */
  readDone(streamId: number, shard: number, bytes: number): void {
    this.of(streamId, shard).readBytes.take(bytes);
  }
}

/**
 * Control-plane call rates, enforced with the throughput limits (LimitExceededException): per account and region
 * unless noted, as each operation's API reference states ("… has a limit of five transactions per second per
 * account"); ListShards per stream, GetShardIterator per open shard.
 */
export const CALL_RATES: Record<string, number> = {
  CreateStream: 5, DeleteStream: 5, DescribeStream: 10, DescribeStreamSummary: 20, ListStreams: 5, MergeShards: 5, SplitShard: 5,
  AddTagsToStream: 5, RemoveTagsFromStream: 5, ListTagsForStream: 5, DescribeLimits: 1,
};
export const LIST_SHARDS_PER_STREAM = 1000;
export const GET_SHARD_ITERATOR_PER_SHARD = 5;

/** Token buckets for call rates by key (an account's operation, a stream's ListShards, a shard's GetShardIterator). */
export class CallRates {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: Clock;
  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Takes one call from the key's budget of `perSecond`; false when it is spent. */
  allow(key: string, perSecond: number): boolean {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_TRACKED) for (const [k, x] of this.buckets) if (x.full(now)) this.buckets.delete(k);
      b = new Bucket(perSecond, perSecond, now);
      this.buckets.set(key, b);
    }
    if (b.level(now) < 1) return false;
    b.take(1);
    return true;
  }
}
