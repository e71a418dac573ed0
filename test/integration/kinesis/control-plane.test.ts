// The Kinesis control plane through @aws-sdk/client-kinesis over HTTP/1.1 (NodeHttpHandler), on a server whose
// streams stay CREATING/UPDATING for 5 s (kinesisStatusDelayMs): status changes and the operations refused meanwhile,
// retention (limits, records past it unreadable, the trim horizon moving), encryption, shard-level metrics, the
// maximum record size, and tags.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  AddTagsToStreamCommand, CreateStreamCommand, DecreaseStreamRetentionPeriodCommand, DeleteStreamCommand,
  DescribeStreamCommand, DescribeStreamSummaryCommand, DisableEnhancedMonitoringCommand, EnableEnhancedMonitoringCommand, GetRecordsCommand,
  GetShardIteratorCommand, IncreaseStreamRetentionPeriodCommand, KinesisClient, ListShardsCommand,
  ListTagsForResourceCommand, ListTagsForStreamCommand, PutRecordCommand, RemoveTagsFromStreamCommand,
  SplitShardCommand, StartStreamEncryptionCommand, StopStreamEncryptionCommand, TagResourceCommand, UntagResourceCommand,
  UpdateMaxRecordSizeCommand, UpdateShardCountCommand, UpdateStreamModeCommand, DescribeLimitsCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 3, 9, 0, 0);
const ACCOUNT = "000000000000";
const DELAY = 5000;
const HOUR = 3_600_000;

/** Polls until fn holds (bounded: the status job runs on the next turns after the clock moved). */
async function eventually(fn: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`never: ${what}`);
}

describe("Kinesis control plane", () => {
  let server: Mailroom;
  let k: KinesisClient;
  const clock = new ManualClock(T0);
  before(async () => {
    server = await startTestServer({
      clock, kinesisStatusDelayMs: DELAY,
    });
    k = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1, requestHandler: new NodeHttpHandler() });
  });
  after(async () => {
    k.destroy();
    await server.close();
  });

  const status = async (StreamName: string) => (await k.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary!.StreamStatus;
  /** Moves the clock past the status delay once the status job's timer is armed, and waits for the stream to be ACTIVE. */
  async function settle(StreamName: string) {
    await eventually(async () => clock.pending().length > 0, "the status job armed its timer");
    clock.advance(DELAY);
    await eventually(async () => (await status(StreamName)) === "ACTIVE", `${StreamName} ACTIVE`);
  }

  test("CREATING → ACTIVE and ACTIVE → UPDATING → ACTIVE after the configured delay; what each state refuses", async () => {
    await k.send(new CreateStreamCommand({ StreamName: "s", ShardCount: 2, Tags: { team: "data" } }));
    assert.equal(await status("s"), "CREATING");
    await rejectsAws(k.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "p", Data: Buffer.from("x") })), { name: "ResourceNotFoundException" });
    await rejectsAws(k.send(new SplitShardCommand({ StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "5" })), {
      name: "ResourceInUseException", message: `Stream s under account ${ACCOUNT} not ACTIVE, instead in state CREATING`,
    });
    await rejectsAws(k.send(new DeleteStreamCommand({ StreamName: "s" })), { name: "ResourceInUseException" });
    await settle("s");
    await k.send(new UpdateShardCountCommand({ StreamName: "s", TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
    assert.equal(await status("s"), "UPDATING");
    // Reads and writes go on while UPDATING; other changes wait.
    await k.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "p", Data: Buffer.from("during") }));
    await rejectsAws(k.send(new UpdateShardCountCommand({ StreamName: "s", TargetShardCount: 2, ScalingType: "UNIFORM_SCALING" })), { name: "ResourceInUseException", message: /UPDATING/ });
    await rejectsAws(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "s", RetentionPeriodHours: 48 })), { name: "ResourceInUseException" });
    await k.send(new AddTagsToStreamCommand({ StreamName: "s", Tags: { during: "update" } }));
    await settle("s");
    assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: "s" }))).StreamDescriptionSummary!.OpenShardCount, 4);
  });

  test("retention: 24–8,760 hours, increase and decrease only their way; records past it are unreadable and the trim horizon moves", async () => {
    await rejectsAws(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "s", RetentionPeriodHours: 23 })), {
      name: "InvalidArgumentException", message: "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
    });
    await rejectsAws(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "s", RetentionPeriodHours: 8761 })), { name: "InvalidArgumentException" });
    await k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "s", RetentionPeriodHours: 48 }));
    assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: "s" }))).StreamDescriptionSummary!.RetentionPeriodHours, 48);
    await rejectsAws(k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "s", RetentionPeriodHours: 30 })), {
      name: "InvalidArgumentException", message: "Requested retention period (30 hours) for stream s can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.",
    });
    await rejectsAws(k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: "s", RetentionPeriodHours: 72 })), { name: "InvalidArgumentException", message: /can not be longer/ });
    await k.send(new DecreaseStreamRetentionPeriodCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`, RetentionPeriodHours: 24 }));

    await k.send(new CreateStreamCommand({ StreamName: "ret", ShardCount: 1 }));
    await settle("ret");
    await k.send(new PutRecordCommand({ StreamName: "ret", PartitionKey: "p", Data: Buffer.from("old") }));
    clock.advance(20 * HOUR);
    await k.send(new PutRecordCommand({ StreamName: "ret", PartitionKey: "p", Data: Buffer.from("new") }));
    const read = async () => {
      const it = (await k.send(new GetShardIteratorCommand({ StreamName: "ret", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      return (await k.send(new GetRecordsCommand({ ShardIterator: it }))).Records!.map((r) => Buffer.from(r.Data!).toString());
    };
    assert.deepEqual(await read(), ["old", "new"]);
    clock.advance(4 * HOUR + 1);
    assert.deepEqual(await read(), ["new"], "the first record is past 24 hours");
    // A closed shard past retention is gone from the listings (EXPIRED).
    await k.send(new SplitShardCommand({ StreamName: "ret", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "5" }));
    await settle("ret");
    assert.equal((await k.send(new ListShardsCommand({ StreamName: "ret" }))).Shards!.length, 3);
    clock.advance(24 * HOUR + 1);
    assert.deepEqual((await k.send(new ListShardsCommand({ StreamName: "ret" }))).Shards!.map((s) => s.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
    await rejectsAws(k.send(new GetShardIteratorCommand({ StreamName: "ret", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })), { name: "ResourceNotFoundException" });
  });

  test("encryption, shard-level metrics and the maximum record size are kept and reported", async () => {
    await k.send(new StartStreamEncryptionCommand({ StreamName: "s", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    assert.equal(await status("s"), "UPDATING");
    await settle("s");
    let d = (await k.send(new DescribeStreamCommand({ StreamName: "s" }))).StreamDescription!;
    assert.deepEqual([d.EncryptionType, d.KeyId], ["KMS", "alias/aws/kinesis"]);
    const put = await k.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "p", Data: Buffer.from("secret") }));
    assert.equal(put.EncryptionType, "KMS");
    await rejectsAws(k.send(new StopStreamEncryptionCommand({ StreamName: "s", EncryptionType: "KMS", KeyId: "other-key" })), { name: "InvalidArgumentException" });
    await rejectsAws(k.send(new StartStreamEncryptionCommand({ StreamName: "s", EncryptionType: "NONE", KeyId: "k" })), { name: "InvalidArgumentException" });
    await k.send(new StopStreamEncryptionCommand({ StreamName: "s", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    await settle("s");
    d = (await k.send(new DescribeStreamCommand({ StreamName: "s" }))).StreamDescription!;
    assert.deepEqual([d.EncryptionType, d.KeyId], ["NONE", undefined]);

    const e1 = await k.send(new EnableEnhancedMonitoringCommand({ StreamName: "s", ShardLevelMetrics: ["IncomingBytes"] }));
    assert.deepEqual([e1.CurrentShardLevelMetrics, e1.DesiredShardLevelMetrics, e1.StreamName], [[], ["IncomingBytes"], "s"]);
    const e2 = await k.send(new EnableEnhancedMonitoringCommand({ StreamName: "s", ShardLevelMetrics: ["ALL"] }));
    assert.equal(e2.DesiredShardLevelMetrics!.length, 7);
    const e3 = await k.send(new DisableEnhancedMonitoringCommand({ StreamName: "s", ShardLevelMetrics: ["IncomingBytes", "IteratorAgeMilliseconds"] }));
    assert.equal(e3.CurrentShardLevelMetrics!.length, 7);
    assert.deepEqual(e3.DesiredShardLevelMetrics, ["IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded"]);
    assert.deepEqual((await k.send(new DescribeStreamSummaryCommand({ StreamName: "s" }))).StreamDescriptionSummary!.EnhancedMonitoring, [{ ShardLevelMetrics: e3.DesiredShardLevelMetrics }]);
    await rejectsAws(k.send(new EnableEnhancedMonitoringCommand({ StreamName: "s", ShardLevelMetrics: ["Nope" as "ALL"] })), { name: "ValidationException" });

    const big = Buffer.alloc(1536 * 1024, 7);
    await rejectsAws(k.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "p", Data: big })), { name: "InvalidArgumentException", message: /1024 KiB/ });
    await k.send(new UpdateMaxRecordSizeCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`, MaxRecordSizeInKiB: 2048 }));
    await settle("s");
    assert.equal((await k.send(new DescribeStreamSummaryCommand({ StreamName: "s" }))).StreamDescriptionSummary!.MaxRecordSizeInKiB, 2048);
    await k.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "p", Data: big }));
    await rejectsAws(k.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "p", Data: Buffer.alloc(2048 * 1024 + 1) })), { name: "InvalidArgumentException", message: /2048 KiB/ });
    await rejectsAws(k.send(new UpdateMaxRecordSizeCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`, MaxRecordSizeInKiB: 512 })), { name: "ValidationException" });
    await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "small", ShardCount: 1, MaxRecordSizeInKiB: 20000 })), { name: "ValidationException" });
  });

  test("tags on streams and by resource ARN: replace by key, page, remove, at most 50, AWS's characters", async () => {
    const arn = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`;
    await k.send(new AddTagsToStreamCommand({ StreamName: "s", Tags: { team: "platform", env: "test" } }));
    const all = await k.send(new ListTagsForStreamCommand({ StreamName: "s" }));
    assert.deepEqual(all.Tags, [{ Key: "during", Value: "update" }, { Key: "env", Value: "test" }, { Key: "team", Value: "platform" }]);
    assert.equal(all.HasMoreTags, false);
    const p1 = await k.send(new ListTagsForStreamCommand({ StreamName: "s", Limit: 1, ExclusiveStartTagKey: "during" }));
    assert.deepEqual([p1.Tags, p1.HasMoreTags], [[{ Key: "env", Value: "test" }], true]);
    await k.send(new RemoveTagsFromStreamCommand({ StreamARN: arn, TagKeys: ["during", "absent"] }));
    await k.send(new TagResourceCommand({ ResourceARN: arn, Tags: { cost: "42" } }));
    await k.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["env"] }));
    assert.deepEqual((await k.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags, [{ Key: "cost", Value: "42" }, { Key: "team", Value: "platform" }]);
    const many = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));
    await rejectsAws(k.send(new AddTagsToStreamCommand({ StreamName: "s", Tags: many })), { name: "InvalidArgumentException", message: /more than 50 tags/ });
    await rejectsAws(k.send(new AddTagsToStreamCommand({ StreamName: "s", Tags: { "bad#key": "v" } })), { name: "InvalidArgumentException", message: /invalid characters/ });
    await rejectsAws(k.send(new AddTagsToStreamCommand({ StreamName: "s", Tags: { ["k".repeat(129)]: "v" } })), { name: "ValidationException" });
    await rejectsAws(k.send(new TagResourceCommand({ ResourceARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/none`, Tags: { a: "b" } })), { name: "ResourceNotFoundException" });
    await rejectsAws(k.send(new ListTagsForStreamCommand({ StreamName: "s", Limit: 51 })), { name: "ValidationException" });
  });

  test("DescribeLimits; at most 50 on-demand streams per account and region, at CreateStream and UpdateStreamMode", async () => {
    const before = await k.send(new DescribeLimitsCommand({}));
    assert.equal(before.ShardLimit, 20_000);
    assert.equal(before.OnDemandStreamCountLimit, 50);
    const existing = before.OnDemandStreamCount!;
    for (let i = existing; i < 50; i++) await k.send(new CreateStreamCommand({ StreamName: `od-${i}`, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
    await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "od-51", StreamModeDetails: { StreamMode: "ON_DEMAND" } })), { name: "LimitExceededException", message: /50 streams in ON_DEMAND/ });
    await rejectsAws(k.send(new UpdateStreamModeCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`, StreamModeDetails: { StreamMode: "ON_DEMAND" } })), { name: "LimitExceededException" });
    const after = await k.send(new DescribeLimitsCommand({}));
    assert.equal(after.OnDemandStreamCount, 50);
    assert.equal(after.OpenShardCount, before.OpenShardCount! + (50 - existing) * 4);
  });
});
