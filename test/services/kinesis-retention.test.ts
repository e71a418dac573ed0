// Kinesis retention below the HTTP layer, on the SQLite store with the trim run by hand (the scheduler job's body):
// records past retention are deleted; a closed shard whose records were all trimmed still ends (no
// NextShardIterator, its ChildShards) instead of answering empty pages forever; an open shard reads on from the
// oldest record kept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../src/engine/clock.ts";
import { plainOutput } from "../../src/protocol/codec.ts";
import { createKinesisService } from "../../src/services/kinesis/index.ts";
import type { RequestContext } from "../../src/services/types.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteKinesisStore } from "../../src/storage/sqlite/kinesis-store.ts";

const HOUR = 3_600_000;

test("a closed shard whose records retention deleted still ends with its ChildShards", async () => {
  const clock = new ManualClock(Date.UTC(2026, 11, 6));
  const store = new SqliteKinesisStore(new SqliteDb(":memory:"));
  const kinesis = createKinesisService({ store, clock, statusDelayMs: 0, statusChanged: () => {} });
  const ctx = (operation: string): RequestContext => ({
    requestId: "r", accountId: "000000000000", region: "us-east-1", accessKeyId: "AKID", baseUrl: "http://localhost:4566",
    operation, signal: new AbortController().signal,
  });
  // GetRecords answers a pre-encoded output (ADR 0033): its plain form is what an in-process caller reads.
  const call = async (op: string, input: Record<string, unknown>) => plainOutput(await kinesis.operations[op](ctx(op), input)) as Record<string, any>;
  await call("CreateStream", { StreamName: "t", ShardCount: 1 });
  for (const v of ["a", "b"]) await call("PutRecord", { StreamName: "t", PartitionKey: "p", Data: Buffer.from(v) });
  clock.advance(HOUR);
  await call("SplitShard", { StreamName: "t", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" });
  await call("PutRecord", { StreamName: "t", PartitionKey: "p", Data: Buffer.from("c"), ExplicitHashKey: "0" });
  clock.advance(23 * HOUR + 1);
  // The parent's records are past 24 hours, the parent itself (closed an hour in) is not yet.
  assert.equal(await store.trim(clock.now(), 1), 2);
  const read = async (ShardId: string) => {
    const { ShardIterator } = await call("GetShardIterator", { StreamName: "t", ShardId, ShardIteratorType: "TRIM_HORIZON" });
    return call("GetRecords", { ShardIterator });
  };
  const parent = await read("shardId-000000000000");
  assert.deepEqual(parent.Records, []);
  assert.equal(parent.NextShardIterator, undefined);
  assert.deepEqual(parent.ChildShards.map((c: { ShardId: string }) => c.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
  const child = await read("shardId-000000000001");
  assert.deepEqual(child.Records.map((r: { Data: Buffer }) => r.Data.toString()), ["c"]);
  assert.ok(child.NextShardIterator);
  await store.close();
});
