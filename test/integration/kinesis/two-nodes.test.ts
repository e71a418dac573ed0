// Two Mailroom nodes on one PostgreSQL database: one writes rounds of PutRecords while the other reshards the same
// stream (UpdateShardCount up and down, a split, a merge). Appends racing a reshard on another node are routed again
// when their shard was closed under them, so a reader following ChildShards finds every record exactly once, in the
// order it was written per partition key. Runs when a PostgreSQL server is there (skipped otherwise).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, MergeShardsCommand, PutRecordsCommand,
  SplitShardCommand, UpdateShardCountCommand, type Shard,
} from "@aws-sdk/client-kinesis";
import { type Mailroom, startMailroom } from "../../../src/index.ts";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres.ts";
import { TEST_CREDENTIALS } from "../../helpers/server.ts";

const skip = (await postgresAvailable()) ? false : "no PostgreSQL on 127.0.0.1:5432";
const nodes: Mailroom[] = [];
const clients: KinesisClient[] = [];
let drop: (() => Promise<void>) | undefined;

before(async () => {
  if (skip) return;
  const db = await freshDatabase("kinesis2");
  drop = db.drop;
  for (let i = 0; i < 2; i++) {
    const node = await startMailroom({ port: 0, logLevel: "silent", database: db.url });
    nodes.push(node);
    clients.push(new KinesisClient({ endpoint: node.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
  }
});
after(async () => {
  for (const k of clients) k.destroy();
  for (const n of nodes) await n.close();
  await drop?.();
});

test("appends on one node racing reshards on another: every record once, in order per key", { skip }, async () => {
  const [writer, resharder] = clients;
  await writer.send(new CreateStreamCommand({ StreamName: "shared", ShardCount: 2 }));
  const KEYS = Array.from({ length: 30 }, (_, i) => `key-${i}`);
  const ROUNDS = 12;
  const writing = (async () => {
    for (let n = 0; n < ROUNDS; n++) {
      const r = await writer.send(new PutRecordsCommand({ StreamName: "shared", Records: KEYS.map((key) => ({ PartitionKey: key, Data: Buffer.from(`${key}#${n}`) })) }));
      assert.equal(r.FailedRecordCount, 0);
    }
  })();
  const resharding = (async () => {
    await resharder.send(new UpdateShardCountCommand({ StreamName: "shared", TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
    const open = (await resharder.send(new ListShardsCommand({ StreamName: "shared", ShardFilter: { Type: "AT_LATEST" } }))).Shards!;
    const first = open.sort((a, b) => (BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1));
    await resharder.send(new SplitShardCommand({ StreamName: "shared", ShardToSplit: first[0].ShardId, NewStartingHashKey: (BigInt(first[0].HashKeyRange!.StartingHashKey!) + 1000n).toString() }));
    await resharder.send(new MergeShardsCommand({ StreamName: "shared", ShardToMerge: first[1].ShardId, AdjacentShardToMerge: first[2].ShardId }));
    await resharder.send(new UpdateShardCountCommand({ StreamName: "shared", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
  })();
  await Promise.all([writing, resharding]);

  // Read everything through the other node, parents before children.
  const shards = (await resharder.send(new ListShardsCommand({ StreamName: "shared" }))).Shards!;
  const byId = new Map(shards.map((s) => [s.ShardId!, s]));
  const parentsOf = (s: Shard) => [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined);
  const done = new Set<string>();
  const got = new Map<string, string[]>();
  const queue = shards.filter((s) => parentsOf(s).length === 0).map((s) => s.ShardId!);
  const started = new Set(queue);
  while (queue.length > 0) {
    const id = queue.shift()!;
    let it = (await resharder.send(new GetShardIteratorCommand({ StreamName: "shared", ShardId: id, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
    let children: string[] = [];
    while (it) {
      const g = await resharder.send(new GetRecordsCommand({ ShardIterator: it }));
      for (const r of g.Records!) got.set(r.PartitionKey!, [...(got.get(r.PartitionKey!) ?? []), Buffer.from(r.Data!).toString()]);
      children = g.ChildShards?.map((c) => c.ShardId!) ?? children;
      if (g.Records!.length === 0 && !byId.get(id)!.SequenceNumberRange!.EndingSequenceNumber) break;
      it = g.NextShardIterator;
    }
    done.add(id);
    for (const c of children) {
      if (!started.has(c) && parentsOf(byId.get(c)!).every((p) => done.has(p))) {
        started.add(c);
        queue.push(c);
      }
    }
  }
  assert.equal(done.size, shards.length);
  for (const key of KEYS) assert.deepEqual(got.get(key), Array.from({ length: ROUNDS }, (_, n) => `${key}#${n}`), key);
});
