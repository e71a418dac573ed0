// Kinesis per-shard throughput limits (option kinesisThroughputLimits) through @aws-sdk/client-kinesis, on a
// ManualClock: writes of 1,000 records/s and 1 MiB/s per shard (PutRecords fails single records with
// ProvisionedThroughputExceededException, PutRecord the call), reads of 5 GetRecords/s and 2 MiB/s per shard (a large
// read blocks the shard's next calls until the budget has refilled), and the control-plane call rates that come with
// them (LimitExceededException). Off by default (the other Kinesis test files).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateStreamCommand, DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { optionsFromEnv, resolveOptions } from "../../../src/config/options.ts";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 4, 10, 0, 0);
const ACCOUNT = "000000000000";

describe("Kinesis throughput limits", () => {
  let server: Mailroom;
  let k: KinesisClient;
  const clock = new ManualClock(T0);
  before(async () => {
    server = await startTestServer({ clock, kinesisThroughputLimits: true });
    k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    k.destroy();
    await server.close();
  });

  const records = (n: number, size = 10) => Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(size, 1) }));

  test("writes: 1,000 records per second per shard; over it, single records fail and the rest are written", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "w", ShardCount: 1 }));
    assert.equal((await k.send(new PutRecordsCommand({ StreamName: "w", Records: records(500) }))).FailedRecordCount, 0);
    assert.equal((await k.send(new PutRecordsCommand({ StreamName: "w", Records: records(450) }))).FailedRecordCount, 0);
    const over = await k.send(new PutRecordsCommand({ StreamName: "w", Records: records(100) }));
    assert.equal(over.FailedRecordCount, 50);
    assert.equal(over.Records!.filter((r) => r.SequenceNumber).length, 50);
    const failed = over.Records!.find((r) => r.ErrorCode)!;
    assert.equal(failed.ErrorCode, "ProvisionedThroughputExceededException");
    assert.equal(failed.ErrorMessage, `Rate exceeded for shard shardId-000000000000 in stream w under account ${ACCOUNT}.`);
    await rejectsAws(k.send(new PutRecordCommand({ StreamName: "w", PartitionKey: "p", Data: Buffer.from("x") })), { name: "ProvisionedThroughputExceededException", status: 400 });
    clock.advance(100);
    // A tenth of a second refills a tenth of the budget.
    assert.equal((await k.send(new PutRecordsCommand({ StreamName: "w", Records: records(101) }))).FailedRecordCount, 1);
    clock.advance(1000);
    assert.equal((await k.send(new PutRecordsCommand({ StreamName: "w", Records: records(500) }))).FailedRecordCount, 0);
  });

  test("writes: 1 MiB per second per shard, a maximum-size record passing a full budget; shards are counted apart", async () => {
    clock.advance(5000);
    await k.send(new CreateStreamCommand({ StreamName: "b", ShardCount: 2 }));
    const low = { ExplicitHashKey: "0" };
    await k.send(new PutRecordCommand({ StreamName: "b", PartitionKey: "p", Data: Buffer.alloc(1024 * 1024), ...low }));
    await rejectsAws(k.send(new PutRecordCommand({ StreamName: "b", PartitionKey: "p", Data: Buffer.alloc(10), ...low })), { name: "ProvisionedThroughputExceededException" });
    // The other shard has its own budget.
    await k.send(new PutRecordCommand({ StreamName: "b", PartitionKey: "p", Data: Buffer.alloc(512 * 1024), ExplicitHashKey: "340282366920938463463374607431768211455" }));
    clock.advance(500);
    await k.send(new PutRecordCommand({ StreamName: "b", PartitionKey: "p", Data: Buffer.alloc(256 * 1024), ...low }));
  });

  test("reads: 5 GetRecords per second per shard, and 2 MiB per second (a 3 MiB read blocks the next half second)", async () => {
    clock.advance(5000);
    await k.send(new CreateStreamCommand({ StreamName: "r", ShardCount: 1 }));
    const iter = async () => (await k.send(new GetShardIteratorCommand({ StreamName: "r", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator!;
    let it = await iter();
    for (let i = 0; i < 5; i++) it = (await k.send(new GetRecordsCommand({ ShardIterator: it }))).NextShardIterator!;
    await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: it })), {
      name: "ProvisionedThroughputExceededException", message: `Rate exceeded for shard shardId-000000000000 in stream r under account ${ACCOUNT}.`,
    });
    clock.advance(200);
    it = (await k.send(new GetRecordsCommand({ ShardIterator: it }))).NextShardIterator!;

    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await k.send(new PutRecordCommand({ StreamName: "r", PartitionKey: "p", Data: Buffer.alloc(1024 * 1024 - 1) }));
    }
    clock.advance(1000);
    const big = await k.send(new GetRecordsCommand({ ShardIterator: await iter() }));
    assert.equal(big.Records!.length, 3);
    await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator })), { name: "ProvisionedThroughputExceededException" });
    clock.advance(400);
    await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator })), { name: "ProvisionedThroughputExceededException" });
    clock.advance(200);
    assert.deepEqual((await k.send(new GetRecordsCommand({ ShardIterator: big.NextShardIterator }))).Records, []);
  });

  test("control-plane call rates: 5 CreateStream and 10 DescribeStream per second per account, 5 GetShardIterator per second per shard", async () => {
    clock.advance(5000);
    for (let i = 0; i < 5; i++) await k.send(new CreateStreamCommand({ StreamName: `rate-${i}`, ShardCount: 1 }));
    await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "rate-5", ShardCount: 1 })), {
      name: "LimitExceededException", message: `Rate exceeded for CreateStream in account ${ACCOUNT} (5 per second).`,
    });
    for (let i = 0; i < 10; i++) await k.send(new DescribeStreamCommand({ StreamName: "rate-0" }));
    await rejectsAws(k.send(new DescribeStreamCommand({ StreamName: "rate-0" })), { name: "LimitExceededException" });
    const iter = (StreamName: string) => k.send(new GetShardIteratorCommand({ StreamName, ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" }));
    for (let i = 0; i < 5; i++) await iter("rate-1");
    await rejectsAws(iter("rate-1"), { name: "LimitExceededException", message: /GetShardIterator on shard shardId-000000000000 of stream rate-1/ });
    await iter("rate-2");
    clock.advance(1000);
    await iter("rate-1");
    await k.send(new CreateStreamCommand({ StreamName: "rate-5", ShardCount: 1 }));
  });
});

test("the Kinesis options: off and 0 by default, MAILROOM_KINESIS_* variables, a negative delay refused", () => {
  const d = resolveOptions({});
  assert.deepEqual([d.kinesisStatusDelayMs, d.kinesisThroughputLimits], [0, false]);
  assert.deepEqual(optionsFromEnv({ MAILROOM_KINESIS_STATUS_DELAY_MS: "2500", MAILROOM_KINESIS_THROUGHPUT_LIMITS: "1" }), { kinesisStatusDelayMs: 2500, kinesisThroughputLimits: true });
  assert.throws(() => resolveOptions({ kinesisStatusDelayMs: -1 }), /invalid kinesisStatusDelayMs/);
  assert.throws(() => resolveOptions({ kinesisStatusDelayMs: 1.5 }), /invalid kinesisStatusDelayMs/);
});
