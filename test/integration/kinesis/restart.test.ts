// Durability of the Kinesis control plane: a server is closed while a stream is CREATING (a 5 s status delay) and
// after a split, and a new one on the same data directory (SQLite file, or the same PostgreSQL database) has the
// stream, its closed and open shards, records and tags; the stored status change still comes due and makes it ACTIVE.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand,
  ListTagsForStreamCommand, PutRecordCommand, SplitShardCommand,
} from "@aws-sdk/client-kinesis";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

let dataDir: string;
const clock = new ManualClock(Date.UTC(2026, 11, 5));
const open: Mailroom[] = [];
const clients: KinesisClient[] = [];

async function start(): Promise<KinesisClient> {
  const s = await startTestServer({ memory: false, dataDir, clock, kinesisStatusDelayMs: 5000 });
  open.push(s);
  // One client per server (each server has its own port).
  const k = new KinesisClient({ endpoint: s.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  clients.push(k);
  return k;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mailroom-kinesis-"));
});
after(async () => {
  for (const k of clients) k.destroy();
  for (const s of open) await s.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function statusOf(k: KinesisClient, StreamName: string) {
  return (await k.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!.StreamStatus;
}

async function untilActive(k: KinesisClient, StreamName: string) {
  for (let i = 0; i < 200 && clock.pending().length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  clock.advance(5000);
  for (let i = 0; i < 200; i++) {
    if ((await statusOf(k, StreamName)) === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`${StreamName} never became ACTIVE`);
}

test("a CREATING stream and a resharded stream survive a restart; the stored status change still comes due", async () => {
  let k = await start();
  await k.send(new CreateStreamCommand({ StreamName: "kept", ShardCount: 1, Tags: { keep: "yes" } }));
  await untilActive(k, "kept");
  await k.send(new PutRecordCommand({ StreamName: "kept", PartitionKey: "p", Data: Buffer.from("parent") }));
  await k.send(new SplitShardCommand({ StreamName: "kept", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }));
  await k.send(new CreateStreamCommand({ StreamName: "young", ShardCount: 1 }));
  assert.equal(await statusOf(k, "young"), "CREATING");
  await open[0].close();
  open.shift();

  k = await start();
  assert.equal(await statusOf(k, "young"), "CREATING");
  assert.equal(await statusOf(k, "kept"), "UPDATING");
  await untilActive(k, "young");
  assert.equal(await statusOf(k, "kept"), "ACTIVE");
  const shards = (await k.send(new ListShardsCommand({ StreamName: "kept" }))).Shards!;
  assert.deepEqual(shards.map((s) => [s.ShardId, s.ParentShardId, Boolean(s.SequenceNumberRange!.EndingSequenceNumber)]), [
    ["shardId-000000000000", undefined, true], ["shardId-000000000001", "shardId-000000000000", false], ["shardId-000000000002", "shardId-000000000000", false],
  ]);
  const it = (await k.send(new GetShardIteratorCommand({ StreamName: "kept", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
  const g = await k.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.deepEqual(g.Records!.map((r) => Buffer.from(r.Data!).toString()), ["parent"]);
  assert.equal(g.ChildShards!.length, 2);
  assert.deepEqual((await k.send(new ListTagsForStreamCommand({ StreamName: "kept" }))).Tags, [{ Key: "keep", Value: "yes" }]);
});
