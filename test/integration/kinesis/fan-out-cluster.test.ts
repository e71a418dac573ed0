// Enhanced fan-out across two Mailroom nodes on one PostgreSQL database: a subscription on node A pushes records put
// on node B (woken through LISTEN/NOTIFY, not a timer), and AWS's one-subscription-per-consumer-and-shard rule holds
// across the nodes (a second call on B within 5 seconds is ResourceInUseException). Skipped without PostgreSQL.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateStreamCommand, KinesisClient, PutRecordCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand, type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { startMailroom, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres.ts";
import { TEST_CREDENTIALS } from "../../helpers/server.ts";

const available = await postgresAvailable();
const skip = available ? false : "no PostgreSQL on 127.0.0.1:5432";
let db: { url: string; drop(): Promise<void> };
let a: Mailroom;
let b: Mailroom;
let ka: KinesisClient;
let kb: KinesisClient;

before(async () => {
  if (skip) return;
  db = await freshDatabase("efo");
  [a, b] = await Promise.all([
    startMailroom({ port: 0, database: db.url, logLevel: "silent" }),
    startMailroom({ port: 0, database: db.url, logLevel: "silent" }),
  ]);
  const client = (endpoint: string) => new KinesisClient({ endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  ka = client(a.endpoint);
  kb = client(b.endpoint);
});
after(async () => {
  if (skip) return;
  ka.destroy();
  kb.destroy();
  await a.close();
  await b.close();
  await db.drop();
});

test("subscribe on one node, put on the other: records are pushed within moments; ResourceInUse holds across nodes", { skip }, async () => {
  await ka.send(new CreateStreamCommand({ StreamName: "x", ShardCount: 1 }));
  const arn = (await kb.send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/x", ConsumerName: "c" }))).Consumer!.ConsumerARN!;
  const out = await ka.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }));
  const it = out.EventStream![Symbol.asyncIterator]();
  const first = await it.next();
  assert.deepEqual((first.value as SubscribeToShardEventStream).SubscribeToShardEvent!.Records, []);
  await rejectsAws(kb.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } })), { name: "ResourceInUseException" });

  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const put = await kb.send(new PutRecordCommand({ StreamName: "x", PartitionKey: "p", Data: Buffer.from(`m${i}`) }));
    const r = await it.next();
    latencies.push(performance.now() - t0);
    const e = (r.value as SubscribeToShardEventStream).SubscribeToShardEvent!;
    assert.deepEqual(e.Records!.map((x) => Buffer.from(x.Data!).toString()), [`m${i}`]);
    assert.equal(e.ContinuationSequenceNumber, put.SequenceNumber);
  }
  // Woken by NOTIFY: well under the 5-second keep-alive a timer-driven read would need.
  assert.ok(Math.max(...latencies) < 1_000, `latencies ${latencies.map((l) => l.toFixed(1)).join(", ")} ms`);
  await it.return?.();
});

test("racing nodes: two SubscribeToShard calls at once get one subscription; 25 registrations at once get 20 consumers", { skip }, async () => {
  await ka.send(new CreateStreamCommand({ StreamName: "race", ShardCount: 1 }));
  const arn = (await ka.send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/race", ConsumerName: "c" }))).Consumer!.ConsumerARN!;
  const sub = (k: KinesisClient) => k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }));
  const both = await Promise.allSettled([sub(ka), sub(kb), sub(ka), sub(kb)]);
  const won = both.filter((r) => r.status === "fulfilled");
  assert.equal(won.length, 1, JSON.stringify(both.map((r) => r.status)));
  assert.ok(both.every((r) => r.status === "fulfilled" || (r.reason as Error).name === "ResourceInUseException"));
  const winner = (won[0] as PromiseFulfilledResult<{ EventStream?: AsyncIterable<unknown> }>).value.EventStream![Symbol.asyncIterator]();
  await winner.next();
  await winner.return?.();

  const regs = await Promise.allSettled(Array.from({ length: 25 }, (_, i) =>
    (i % 2 ? ka : kb).send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/race", ConsumerName: `r${i}` }))));
  const made = regs.filter((r) => r.status === "fulfilled").length;
  // One was registered before: 19 more fit under the 20-per-stream limit, whichever node takes the call.
  assert.equal(made, 19);
  assert.ok(regs.every((r) => r.status === "fulfilled" || (r.reason as Error).name === "LimitExceededException"));
});
