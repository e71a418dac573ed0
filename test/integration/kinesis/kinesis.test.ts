// Kinesis Data Streams, streams and records, through @aws-sdk/client-kinesis: once with its default HTTP/2 handler and once
// with an HTTP/1.1 handler (@smithy/node-http-handler), on the backend MAILROOM_TEST_BACKEND names; and a CBOR round
// trip as the Java SDK sends it (a hand-built application/x-amz-cbor-1.1 request, signed with the SDK's signer).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import {
  CreateStreamCommand, DeleteStreamCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand,
  GetShardIteratorCommand, KinesisClient, ListShardsCommand, ListStreamsCommand, PutRecordCommand,
  PutRecordsCommand, UpdateStreamWarmThroughputCommand,
} from "@aws-sdk/client-kinesis";
import { tag } from "@smithy/core/cbor";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { kinesisCbor } from "../../helpers/cbor-call.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const ACCOUNT = "000000000000";

function client(endpoint: string, http1: boolean): KinesisClient {
  return new KinesisClient({
    endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1,
    ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

for (const transport of ["HTTP/2 (default handler)", "HTTP/1.1"] as const) {
  describe(`Kinesis over ${transport}`, () => {
    let server: Mailroom;
    let k: KinesisClient;
    const clock = new ManualClock(T0);
    before(async () => {
      server = await startTestServer({ clock });
      k = client(server.endpoint, transport === "HTTP/1.1");
    });
    after(async () => {
      k.destroy();
      await server.close();
    });

    test("CreateStream splits the hash key space evenly; DescribeStream pages shards; summary and ListStreams", async () => {
      await k.send(new CreateStreamCommand({ StreamName: "three", ShardCount: 3 }));
      const d = (await k.send(new DescribeStreamCommand({ StreamName: "three" }))).StreamDescription!;
      assert.equal(d.StreamStatus, "ACTIVE");
      assert.equal(d.StreamARN, `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/three`);
      assert.equal(d.RetentionPeriodHours, 24);
      assert.equal(d.StreamModeDetails?.StreamMode, "PROVISIONED");
      assert.equal(d.StreamCreationTimestamp?.getTime(), T0);
      assert.equal(d.HasMoreShards, false);
      // AWS's ranges for three shards.
      assert.deepEqual(d.Shards!.map((s) => [s.ShardId, s.HashKeyRange!.StartingHashKey, s.HashKeyRange!.EndingHashKey]), [
        ["shardId-000000000000", "0", "113427455640312821154458202477256070484"],
        ["shardId-000000000001", "113427455640312821154458202477256070485", "226854911280625642308916404954512140969"],
        ["shardId-000000000002", "226854911280625642308916404954512140970", "340282366920938463463374607431768211455"],
      ]);
      assert.match(d.Shards![0].SequenceNumberRange!.StartingSequenceNumber!, /^49\d{54}$/);
      const p1 = (await k.send(new DescribeStreamCommand({ StreamName: "three", Limit: 2 }))).StreamDescription!;
      assert.deepEqual(p1.Shards!.map((s) => s.ShardId), ["shardId-000000000000", "shardId-000000000001"]);
      assert.equal(p1.HasMoreShards, true);
      const p2 = (await k.send(new DescribeStreamCommand({ StreamName: "three", Limit: 2, ExclusiveStartShardId: "shardId-000000000001" }))).StreamDescription!;
      assert.deepEqual(p2.Shards!.map((s) => s.ShardId), ["shardId-000000000002"]);
      assert.equal(p2.HasMoreShards, false);
      const sum = (await k.send(new DescribeStreamSummaryCommand({ StreamARN: d.StreamARN }))).StreamDescriptionSummary!;
      assert.equal(sum.OpenShardCount, 3);
      assert.equal(sum.ConsumerCount, 0);
      assert.equal(sum.StreamStatus, "ACTIVE");

      await k.send(new CreateStreamCommand({ StreamName: "od", StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
      const od = (await k.send(new DescribeStreamSummaryCommand({ StreamName: "od" }))).StreamDescriptionSummary!;
      assert.equal(od.StreamModeDetails?.StreamMode, "ON_DEMAND");
      assert.equal(od.OpenShardCount, 4);

      // A name alone makes an on-demand stream of 4 shards.
      await k.send(new CreateStreamCommand({ StreamName: "bare" }));
      const bare = (await k.send(new DescribeStreamSummaryCommand({ StreamName: "bare" }))).StreamDescriptionSummary!;
      assert.deepEqual([bare.StreamModeDetails?.StreamMode, bare.OpenShardCount], ["ON_DEMAND", 4]);
      await k.send(new DeleteStreamCommand({ StreamName: "bare" }));

      const l1 = await k.send(new ListStreamsCommand({ Limit: 1 }));
      assert.deepEqual(l1.StreamNames, ["od"]);
      assert.equal(l1.HasMoreStreams, true);
      assert.equal(l1.StreamSummaries?.[0].StreamARN, `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/od`);
      const l2 = await k.send(new ListStreamsCommand({ NextToken: l1.NextToken }));
      assert.deepEqual(l2.StreamNames, ["three"]);
      assert.equal(l2.HasMoreStreams, false);
      assert.equal(l2.NextToken, undefined);
      assert.deepEqual((await k.send(new ListStreamsCommand({ ExclusiveStartStreamName: "od" }))).StreamNames, ["three"]);
    });

    test("ListShards: paging by NextToken and MaxResults, ExclusiveStartShardId, shard filters", async () => {
      const a = await k.send(new ListShardsCommand({ StreamName: "three", MaxResults: 2 }));
      assert.deepEqual(a.Shards!.map((s) => s.ShardId), ["shardId-000000000000", "shardId-000000000001"]);
      const b = await k.send(new ListShardsCommand({ NextToken: a.NextToken }));
      assert.deepEqual(b.Shards!.map((s) => s.ShardId), ["shardId-000000000002"]);
      assert.equal(b.NextToken, undefined);
      const c = await k.send(new ListShardsCommand({ StreamName: "three", ExclusiveStartShardId: "shardId-000000000000" }));
      assert.equal(c.Shards!.length, 2);
      const f = await k.send(new ListShardsCommand({ StreamName: "three", ShardFilter: { Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000001" } }));
      assert.deepEqual(f.Shards!.map((s) => s.ShardId), ["shardId-000000000002"]);
      for (const Type of ["AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST"] as const) {
        assert.equal((await k.send(new ListShardsCommand({ StreamName: "three", ShardFilter: { Type } }))).Shards!.length, 3);
      }
      assert.equal((await k.send(new ListShardsCommand({ StreamName: "three", ShardFilter: { Type: "AT_TIMESTAMP", Timestamp: new Date(T0) } }))).Shards!.length, 3);
      await rejectsAws(k.send(new ListShardsCommand({ StreamName: "three", ShardFilter: { Type: "AT_TIMESTAMP" } })), { name: "InvalidArgumentException", status: 400 });
      await rejectsAws(k.send(new ListShardsCommand({ StreamName: "three", NextToken: a.NextToken })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new ListShardsCommand({ StreamName: "three", StreamCreationTimestamp: new Date(T0 - 60_000) })), { name: "ResourceNotFoundException" });
      clock.advance(301_000);
      await rejectsAws(k.send(new ListShardsCommand({ NextToken: a.NextToken })), { name: "ExpiredNextTokenException" });
    });

    test("PutRecord routes by MD5 of the partition key or ExplicitHashKey; sequence numbers increase per shard", async () => {
      const keys = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
      const bounds = [113427455640312821154458202477256070484n, 226854911280625642308916404954512140969n];
      const seqs = new Map<string, string>();
      for (const key of keys) {
        const h = BigInt(`0x${createHash("md5").update(key).digest("hex")}`);
        const expected = h <= bounds[0] ? 0 : h <= bounds[1] ? 1 : 2;
        const r = await k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: key, Data: Buffer.from(`v-${key}`) }));
        assert.equal(r.ShardId, `shardId-00000000000${expected}`, key);
        const prev = seqs.get(r.ShardId!);
        if (prev) assert.ok(BigInt(r.SequenceNumber!) > BigInt(prev));
        seqs.set(r.ShardId!, r.SequenceNumber!);
      }
      const e = await k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: "x", Data: Buffer.from("e"), ExplicitHashKey: "340282366920938463463374607431768211455" }));
      assert.equal(e.ShardId, "shardId-000000000002");
      const o = await k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: "x", Data: Buffer.from("o"), ExplicitHashKey: "0", SequenceNumberForOrdering: e.SequenceNumber }));
      assert.equal(o.ShardId, "shardId-000000000000");
      await rejectsAws(k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: "x", Data: Buffer.from("e"), ExplicitHashKey: "340282366920938463463374607431768211456" })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: "k".repeat(257), Data: Buffer.from("e") })), { name: "ValidationException" });
      await rejectsAws(k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: "k", Data: Buffer.alloc(1024 * 1024 + 1) })), { name: "InvalidArgumentException" });
      await k.send(new PutRecordCommand({ StreamName: "three", PartitionKey: "k", Data: Buffer.alloc(1024 * 1024) }));
      await rejectsAws(k.send(new PutRecordCommand({ StreamName: "nope", PartitionKey: "k", Data: Buffer.from("e") })), {
        name: "ResourceNotFoundException", status: 400, message: `Stream nope under account ${ACCOUNT} not found.`,
      });
    });

    test("PutRecords: per-record results, limits of 500 records and 5 MiB", async () => {
      await k.send(new CreateStreamCommand({ StreamName: "batch", ShardCount: 2 }));
      const r = await k.send(new PutRecordsCommand({
        StreamName: "batch",
        Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `pk${i}`, Data: Buffer.from(`d${i}`) })),
      }));
      assert.equal(r.FailedRecordCount, 0);
      assert.equal(r.Records!.length, 500);
      assert.ok(r.Records!.every((x) => /^shardId-00000000000[01]$/.test(x.ShardId!) && /^49\d{54}$/.test(x.SequenceNumber!)));
      await rejectsAws(k.send(new PutRecordsCommand({ StreamName: "batch", Records: Array.from({ length: 501 }, () => ({ PartitionKey: "p", Data: Buffer.from("d") })) })), { name: "ValidationException" });
      await rejectsAws(k.send(new PutRecordsCommand({ StreamName: "batch", Records: Array.from({ length: 6 }, () => ({ PartitionKey: "p", Data: Buffer.alloc(1024 * 1024) })) })), {
        name: "InvalidArgumentException", message: /5 MB/,
      });
      // Read it all back, in order per shard, with Limit paging.
      let total = 0;
      for (const ShardId of ["shardId-000000000000", "shardId-000000000001"]) {
        let it = (await k.send(new GetShardIteratorCommand({ StreamName: "batch", ShardId, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
        let last = -1n;
        for (;;) {
          const g = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 100 }));
          for (const rec of g.Records!) {
            assert.ok(BigInt(rec.SequenceNumber!) > last);
            last = BigInt(rec.SequenceNumber!);
          }
          total += g.Records!.length;
          it = g.NextShardIterator;
          if (g.Records!.length === 0) break;
        }
      }
      assert.equal(total, 500);
    });

    test("GetShardIterator types and GetRecords: Limit, MillisBehindLatest, NextShardIterator, expiry", async () => {
      await k.send(new CreateStreamCommand({ StreamName: "read", ShardCount: 1 }));
      const put = async (v: string) => (await k.send(new PutRecordCommand({ StreamName: "read", PartitionKey: "p", Data: Buffer.from(v) }))).SequenceNumber!;
      const s1 = await put("one");
      clock.advance(1000);
      const s2 = await put("two");
      clock.advance(1000);
      const s3 = await put("three");
      const iter = async (ShardIteratorType: "TRIM_HORIZON" | "LATEST" | "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" | "AT_TIMESTAMP", extra = {}) =>
        (await k.send(new GetShardIteratorCommand({ StreamName: "read", ShardId: "shardId-000000000000", ShardIteratorType, ...extra }))).ShardIterator!;
      const data = async (it: string, Limit?: number) => {
        const g = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit }));
        return { values: g.Records!.map((r) => Buffer.from(r.Data!).toString()), g };
      };
      clock.advance(5000);
      const first = await data(await iter("TRIM_HORIZON"), 1);
      assert.deepEqual(first.values, ["one"]);
      assert.equal(first.g.Records![0].SequenceNumber, s1);
      assert.equal(first.g.Records![0].PartitionKey, "p");
      assert.equal(first.g.Records![0].ApproximateArrivalTimestamp?.getTime(), clock.now() - 7000);
      assert.equal(first.g.MillisBehindLatest, 7000);
      const rest = await data(first.g.NextShardIterator!);
      assert.deepEqual(rest.values, ["two", "three"]);
      assert.equal(rest.g.MillisBehindLatest, 0);
      assert.deepEqual((await data(await iter("AT_SEQUENCE_NUMBER", { StartingSequenceNumber: s2 }))).values, ["two", "three"]);
      assert.deepEqual((await data(await iter("AFTER_SEQUENCE_NUMBER", { StartingSequenceNumber: s2 }))).values, ["three"]);
      assert.deepEqual((await data(await iter("AT_TIMESTAMP", { Timestamp: new Date(clock.now() - 6000) }))).values, ["two", "three"]);
      assert.deepEqual((await data(await iter("AT_TIMESTAMP", { Timestamp: new Date(clock.now() + 60_000) }))).values, []);
      const latest = await iter("LATEST");
      assert.deepEqual((await data(latest)).values, []);
      await put("four");
      const after = await data(latest);
      assert.deepEqual(after.values, ["four"]);
      assert.ok(after.g.NextShardIterator);
      assert.ok(BigInt(s3) < BigInt(after.g.Records![0].SequenceNumber!));

      await rejectsAws(k.send(new GetShardIteratorCommand({ StreamName: "read", ShardId: "shardId-000000000007", ShardIteratorType: "LATEST" })), { name: "ResourceNotFoundException" });
      await rejectsAws(k.send(new GetShardIteratorCommand({ StreamName: "read", ShardId: "shardId-000000000000", ShardIteratorType: "AT_SEQUENCE_NUMBER" })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new GetShardIteratorCommand({ StreamName: "read", ShardId: "shardId-000000000000", ShardIteratorType: "AT_SEQUENCE_NUMBER", StartingSequenceNumber: "12345" })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new GetShardIteratorCommand({ StreamName: "read", ShardId: "shardId-000000000000", ShardIteratorType: "NEWEST" as "LATEST" })), { name: "ValidationException" });
      await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: "not-an-iterator" })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: latest, Limit: 10_001 })), { name: "ValidationException" });

      const old = await iter("TRIM_HORIZON");
      clock.advance(5 * 60_000 + 1);
      await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: old })), { name: "ExpiredIteratorException", message: /Iterator expired/ });
    });

    test("names, duplicates, deletion, and pending operations answer AWS's errors", async () => {
      await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "read", ShardCount: 1 })), {
        name: "ResourceInUseException", message: `Stream read under account ${ACCOUNT} already exists.`,
      });
      await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "bad name", ShardCount: 1 })), { name: "ValidationException" });
      await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "zero", ShardCount: 0 })), { name: "ValidationException" });
      await rejectsAws(k.send(new CreateStreamCommand({ StreamName: "huge", ShardCount: 20_001 })), { name: "LimitExceededException" });
      await rejectsAws(k.send(new DescribeStreamCommand({})), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new DescribeStreamCommand({ StreamARN: "arn:aws:kinesis:us-east-1:111111111111:stream/read" })), { name: "AccessDeniedException" });
      await rejectsAws(k.send(new DescribeStreamCommand({ StreamARN: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/read` })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new DescribeStreamCommand({ StreamName: "other", StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/read` })), { name: "InvalidArgumentException" });
      await rejectsAws(k.send(new DescribeStreamCommand({ StreamId: "abc" } as never)), { name: "InvalidArgumentException", message: /StreamId is not supported/ });
      await rejectsAws(k.send(new DescribeStreamCommand({ StreamName: "read", ExclusiveStartShardId: "bad id" })), { name: "ValidationException" });
      await rejectsAws(k.send(new PutRecordsCommand({ StreamName: "read", Records: [{ Data: Buffer.from("x") } as never] })), {
        name: "ValidationException", message: "1 validation error detected: Value 'null' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must not be null",
      });
      const it = (await k.send(new GetShardIteratorCommand({ StreamName: "read", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator!;
      await k.send(new DeleteStreamCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/read`, EnforceConsumerDeletion: true }));
      await rejectsAws(k.send(new DescribeStreamCommand({ StreamName: "read" })), { name: "ResourceNotFoundException" });
      await rejectsAws(k.send(new DeleteStreamCommand({ StreamName: "read" })), { name: "ResourceNotFoundException" });
      await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: it })), { name: "ResourceNotFoundException" });
      // A new stream of the same name starts empty; the old iterator does not reach it.
      await k.send(new CreateStreamCommand({ StreamName: "read", ShardCount: 1 }));
      await rejectsAws(k.send(new GetRecordsCommand({ ShardIterator: it })), { name: "ResourceNotFoundException" });
      await rejectsAws(k.send(new UpdateStreamWarmThroughputCommand({ StreamName: "read", WarmThroughputMiBps: 10 })), {
        name: "UnsupportedOperation", message: /UpdateStreamWarmThroughput is not supported/,
      });
    });
  });
}

describe("Kinesis over CBOR (application/x-amz-cbor-1.1), as the Java SDK sends it", () => {
  let server: Mailroom;
  before(async () => {
    server = await startTestServer({ clock: new ManualClock(T0) });
  });
  after(() => server.close());

  const call = (operation: string, body: unknown) => kinesisCbor(server.endpoint, operation, body);

  test("create, put and read back bytes and timestamps; errors are CBOR maps", async () => {
    assert.equal((await call("CreateStream", { StreamName: "c", ShardCount: 1 })).status, 200);
    const put = await call("PutRecord", { StreamName: "c", PartitionKey: "k", Data: new Uint8Array([0, 1, 2, 255]) });
    assert.equal(put.status, 200);
    assert.equal(put.type, "application/x-amz-cbor-1.1");
    assert.equal(put.value.ShardId, "shardId-000000000000");
    const it = await call("GetShardIterator", { StreamName: "c", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" });
    const got = await call("GetRecords", { ShardIterator: it.value.ShardIterator });
    const [rec] = got.value.Records as Record<string, unknown>[];
    assert.deepEqual([...(rec.Data as Uint8Array)], [0, 1, 2, 255]);
    assert.equal(rec.SequenceNumber, put.value.SequenceNumber);
    // Timestamps are tag 1 with epoch milliseconds, as the Java SDK v2 reads them (src/protocol/cbor/codec.ts).
    const at = rec.ApproximateArrivalTimestamp as { tag: number; value: number };
    assert.deepEqual([at.tag, at.value], [1, T0]);
    // Resharding through CBOR: a closed shard read to its end has no NextShardIterator and lists its ChildShards.
    assert.equal((await call("SplitShard", { StreamName: "c", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" })).status, 200);
    const end = await call("GetRecords", { ShardIterator: got.value.NextShardIterator });
    assert.equal(end.status, 200);
    assert.equal(end.value.NextShardIterator, undefined);
    assert.deepEqual((end.value.ChildShards as { ShardId: string; ParentShards: string[] }[]).map((c) => [c.ShardId, c.ParentShards]), [
      ["shardId-000000000001", ["shardId-000000000000"]], ["shardId-000000000002", ["shardId-000000000000"]],
    ]);
    // A timestamp member in: tag 1 with epoch seconds, as the Java SDK writes it (src/protocol/cbor/codec.ts).
    const listed = await call("ListShards", { StreamName: "c", ShardFilter: { Type: "AT_TIMESTAMP", Timestamp: tag({ tag: 1, value: T0 / 1000 }) } });
    assert.deepEqual((listed.value.Shards as { ShardId: string }[]).map((x) => x.ShardId), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
    assert.equal((await call("AddTagsToStream", { StreamName: "c", Tags: { via: "cbor" } })).status, 200);
    assert.deepEqual((await call("ListTagsForStream", { StreamName: "c" })).value.Tags, [{ Key: "via", Value: "cbor" }]);
    const missing = await call("DescribeStream", { StreamName: "none" });
    assert.equal(missing.status, 400);
    assert.equal(missing.value.__type, "ResourceNotFoundException");
  });
});
