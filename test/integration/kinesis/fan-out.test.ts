// Kinesis enhanced fan-out through @aws-sdk/client-kinesis (its default HTTP/2 handler), on the backend
// MAILROOM_TEST_BACKEND names: consumers (register, describe, list, deregister, limits and errors) and SubscribeToShard
// as the SDK's own event-stream iterator reads it — records put while subscribed, the 5-minute end and AWS's 5-second
// ResourceInUse/takeover rule under a ManualClock, and a restart in the middle of a subscription.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateStreamCommand, DeleteStreamCommand, DeregisterStreamConsumerCommand, DescribeStreamConsumerCommand, DescribeStreamSummaryCommand, KinesisClient,
  ListStreamConsumersCommand, PutRecordCommand, SplitShardCommand, PutRecordsCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand,
  type SubscribeToShardEvent, type SubscribeToShardEventStream,
} from "@aws-sdk/client-kinesis";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const ACCOUNT = "000000000000";
const STREAM_ARN = (name: string) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;

/** Reads events off a subscription one at a time (the SDK's async iterator), with a bound on each wait. */
class Events {
  private readonly it: AsyncIterator<SubscribeToShardEventStream>;
  constructor(stream: AsyncIterable<SubscribeToShardEventStream>) {
    this.it = stream[Symbol.asyncIterator]();
  }
  async next(ms = 10_000): Promise<IteratorResult<SubscribeToShardEventStream>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([this.it.next(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
  async event(ms?: number): Promise<SubscribeToShardEvent> {
    const r = await this.next(ms);
    assert.equal(r.done, false, "the stream ended");
    assert.ok(r.value.SubscribeToShardEvent, `not a SubscribeToShardEvent: ${Object.keys(r.value)}`);
    return r.value.SubscribeToShardEvent!;
  }
  /** Events until `n` records have come (each event checked by `check`). */
  async records(n: number, check?: (e: SubscribeToShardEvent) => void): Promise<NonNullable<SubscribeToShardEvent["Records"]>> {
    const out: NonNullable<SubscribeToShardEvent["Records"]> = [];
    while (out.length < n) {
      const e = await this.event();
      check?.(e);
      out.push(...e.Records!);
    }
    return out;
  }
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** Waits until the server has armed a timer on the manual clock at `at` or later (a subscription waiting). */
async function armed(clock: ManualClock, at: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (clock.pending().some((t) => t >= at)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("no timer armed");
}

describe("Kinesis enhanced fan-out", () => {
  let server: Mailroom;
  let k: KinesisClient;
  const clock = new ManualClock(T0);
  before(async () => {
    server = await startTestServer({ clock });
    k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    k.destroy();
    await server.close();
  });

  test("RegisterStreamConsumer, DescribeStreamConsumer (by ARN, by StreamARN and name), ListStreamConsumers paging, DeregisterStreamConsumer", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "c1", ShardCount: 1 }));
    const reg = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "app" }))).Consumer!;
    // AWS answers CREATING, and forms the ARN from the stream's ARN, the name and the registration time in seconds.
    assert.equal(reg.ConsumerStatus, "CREATING");
    assert.equal(reg.ConsumerARN, `${STREAM_ARN("c1")}/consumer/app:${Math.floor(clock.now() / 1000)}`);
    assert.equal(reg.ConsumerCreationTimestamp?.getTime(), clock.now());
    const byArn = (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: reg.ConsumerARN }))).ConsumerDescription!;
    assert.deepEqual([byArn.ConsumerName, byArn.ConsumerStatus, byArn.StreamARN], ["app", "ACTIVE", STREAM_ARN("c1")]);
    const byName = (await k.send(new DescribeStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "app" }))).ConsumerDescription!;
    assert.equal(byName.ConsumerARN, reg.ConsumerARN);

    await rejectsAws(k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "app" })), { name: "ResourceInUseException", status: 400 });
    await rejectsAws(k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("nope"), ConsumerName: "app" })), { name: "ResourceNotFoundException" });
    await rejectsAws(k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "bad name" })), { name: "ValidationException" });
    await rejectsAws(k.send(new DescribeStreamConsumerCommand({ ConsumerName: "app" })), { name: "InvalidArgumentException" });
    await rejectsAws(k.send(new DescribeStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "other" })), { name: "ResourceNotFoundException" });
    // An ARN of an earlier registration of the same name (another time) names no consumer.
    await rejectsAws(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: `${STREAM_ARN("c1")}/consumer/app:1` })), { name: "ResourceNotFoundException" });
    await rejectsAws(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: "arn:aws:kinesis:us-east-1:000000000000:stream/c1" })), { name: "ValidationException" });
    await rejectsAws(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: `arn:aws:kinesis:us-east-1:111111111111:stream/c1/consumer/app:1` })), { name: "AccessDeniedException" });

    // 20 consumers per stream (RegisterStreamConsumer API reference); the 21st is LimitExceededException.
    for (let i = 1; i < 20; i++) await k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: `app-${String(i).padStart(2, "0")}` }));
    await rejectsAws(k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "one-too-many" })), { name: "LimitExceededException" });

    const p1 = await k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), MaxResults: 8 }));
    assert.equal(p1.Consumers!.length, 8);
    assert.ok(p1.NextToken);
    const p2 = await k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), MaxResults: 8, NextToken: p1.NextToken }));
    const p3 = await k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), MaxResults: 8, NextToken: p2.NextToken }));
    assert.equal(p3.NextToken, undefined);
    const names = [...p1.Consumers!, ...p2.Consumers!, ...p3.Consumers!].map((c) => c.ConsumerName);
    assert.equal(names.length, 20);
    assert.deepEqual(names, [...names].sort());
    assert.ok([...p1.Consumers!, ...p2.Consumers!, ...p3.Consumers!].every((c) => c.ConsumerStatus === "ACTIVE"));
    await rejectsAws(k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), NextToken: "garbage" })), { name: "InvalidArgumentException" });
    await rejectsAws(k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), MaxResults: 0 })), { name: "ValidationException" });
    // StreamCreationTimestamp tells apart streams that had the same name.
    assert.equal((await k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), StreamCreationTimestamp: new Date(T0) }))).Consumers!.length, 20);
    await rejectsAws(k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), StreamCreationTimestamp: new Date(T0 - 60_000) })), { name: "ResourceNotFoundException" });
    const hundred = await k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1"), MaxResults: 10_000 }));
    assert.equal(hundred.Consumers!.length, 20);

    // Deregistered by ARN and by StreamARN and name; then a free place for another.
    await k.send(new DeregisterStreamConsumerCommand({ ConsumerARN: reg.ConsumerARN }));
    await rejectsAws(k.send(new DescribeStreamConsumerCommand({ ConsumerARN: reg.ConsumerARN })), { name: "ResourceNotFoundException" });
    await k.send(new DeregisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "app-01" }));
    await rejectsAws(k.send(new DeregisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "app-01" })), { name: "ResourceNotFoundException" });
    await k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("c1"), ConsumerName: "again" }));
    const all = await k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1") }));
    assert.equal(all.Consumers!.length, 19);
    assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: "c1" }))).StreamDescriptionSummary!.ConsumerCount, 19);
    // A stream with consumers is deleted only with EnforceConsumerDeletion (DeleteStream API reference), and takes them along.
    await rejectsAws(k.send(new DeleteStreamCommand({ StreamName: "c1" })), { name: "ResourceInUseException" });
    await rejectsAws(k.send(new DeleteStreamCommand({ StreamName: "c1", EnforceConsumerDeletion: false })), { name: "ResourceInUseException" });
    await k.send(new DeleteStreamCommand({ StreamName: "c1", EnforceConsumerDeletion: true }));
    await rejectsAws(k.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN("c1") })), { name: "ResourceNotFoundException" });
  });

  test("SubscribeToShard pushes records put while subscribed, in order, with ContinuationSequenceNumber and MillisBehindLatest", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "s1", ShardCount: 1 }));
    const { Consumer } = await k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("s1"), ConsumerName: "reader" }));
    const before = await k.send(new PutRecordCommand({ StreamName: "s1", PartitionKey: "p", Data: Buffer.from("before") }));
    const out = await k.send(new SubscribeToShardCommand({
      ConsumerARN: Consumer!.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" },
    }));
    const events = new Events(out.EventStream!);
    const first = await events.event();
    assert.deepEqual(first.Records!.map((r) => Buffer.from(r.Data!).toString()), ["before"]);
    assert.equal(first.ContinuationSequenceNumber, before.SequenceNumber);
    assert.equal(first.MillisBehindLatest, 0);
    assert.equal(first.Records![0].ApproximateArrivalTimestamp?.getTime(), T0);

    // Records put now arrive without any clock advance: the append wakes the subscription.
    await k.send(new PutRecordsCommand({ StreamName: "s1", Records: Array.from({ length: 50 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`r${i}`) })) }));
    const single = await k.send(new PutRecordCommand({ StreamName: "s1", PartitionKey: "p", Data: new Uint8Array([0, 255, 1]) }));
    const got = await events.records(51);
    assert.deepEqual(got.slice(0, 50).map((r) => Buffer.from(r.Data!).toString()), Array.from({ length: 50 }, (_, i) => `r${i}`));
    assert.deepEqual([...got[50].Data!], [0, 255, 1]);
    assert.equal(got[50].SequenceNumber, single.SequenceNumber);
    await events.close();
  });

  test("a second subscription within 5 s is ResourceInUseException; after 5 s it takes over and the first gets ResourceInUseException; 5 minutes end the stream", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "s2", ShardCount: 2 }));
    const { Consumer } = await k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("s2"), ConsumerName: "reader" }));
    const arn = Consumer!.ConsumerARN!;
    const sub = (shard: string) => k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: shard, StartingPosition: { Type: "LATEST" } }));
    const a = new Events((await sub("shardId-000000000000")).EventStream!);
    await a.event();
    await rejectsAws(sub("shardId-000000000000"), { name: "ResourceInUseException", status: 400 });
    // Another shard of the same consumer is another subscription.
    const other = new Events((await sub("shardId-000000000001")).EventStream!);
    await other.event();
    await rejectsAws(k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000009", StartingPosition: { Type: "LATEST" } })), { name: "ResourceNotFoundException" });
    await rejectsAws(k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "AT_SEQUENCE_NUMBER" } })), { name: "InvalidArgumentException" });

    // 5 seconds later a new call takes over; the first stream ends with ResourceInUseException.
    await armed(clock, clock.now() + 5_000);
    clock.advance(5_000);
    const b = new Events((await sub("shardId-000000000000")).EventStream!);
    await b.event();
    for (;;) {
      let r: IteratorResult<SubscribeToShardEventStream>;
      try {
        r = await a.next();
      } catch (e) {
        assert.equal((e as Error).name, "ResourceInUseException");
        break;
      }
      assert.equal(r.done, false, "the taken-over stream ended without ResourceInUseException");
      assert.ok(r.value.SubscribeToShardEvent); // a keep-alive event sent before it noticed
    }

    // Idle subscriptions send an empty event every 5 seconds; after 5 minutes the stream ends.
    const startedB = clock.now();
    await armed(clock, startedB + 5_000);
    clock.advance(5_000);
    const keepAlive = await b.event();
    assert.deepEqual(keepAlive.Records, []);
    assert.match(keepAlive.ContinuationSequenceNumber!, /^49\d{54}$/);
    clock.advance(5 * 60_000);
    for (;;) {
      const r = await b.next();
      if (r.done) break;
    }
    await other.close();
  });

  test("a subscription to a shard that resharding closes ends with its ChildShards and no ContinuationSequenceNumber", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "split", ShardCount: 1 }));
    const arn = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN("split"), ConsumerName: "reader" }))).Consumer!.ConsumerARN!;
    await k.send(new PutRecordCommand({ StreamName: "split", PartitionKey: "p", Data: Buffer.from("parent") }));
    const events = new Events((await k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }))).EventStream!);
    assert.equal((await events.event()).Records!.length, 1);
    await k.send(new SplitShardCommand({ StreamName: "split", ShardToSplit: "shardId-000000000000", NewStartingHashKey: (1n << 127n).toString() }));
    // Resharding wakes the closed shard's subscriptions: the last event comes without any clock advance.
    const last = await events.event();
    assert.deepEqual(last.Records, []);
    assert.equal(last.ContinuationSequenceNumber, undefined);
    assert.deepEqual(last.ChildShards!.map((c) => [c.ShardId, c.ParentShards]), [
      ["shardId-000000000001", ["shardId-000000000000"]],
      ["shardId-000000000002", ["shardId-000000000000"]],
    ]);
    assert.equal((await events.next()).done, true);
    // The ended subscription released its hold: a new one to the closed shard gets the same last event at once.
    const again = new Events((await k.send(new SubscribeToShardCommand({ ConsumerARN: arn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }))).EventStream!);
    assert.equal((await again.event()).ChildShards!.length, 2);
    assert.equal((await again.next()).done, true);
  });
});
