// GetRecords' pre-encoded bodies (ADR 0033) as the SDKs read them: records with every byte value, empty data,
// partition keys that JSON escapes, multi-byte and astral ones, U+0000 and every other control character, read back
// through @aws-sdk/client-kinesis over HTTP/2 and HTTP/1.1 (JSON 1.1), and as the Java SDK's CBOR (a signed
// application/x-amz-cbor-1.1 request), with a page cut by Limit (MillisBehindLatest), KMS fields, and a closed shard's
// end (ChildShards), and the odd keys through SubscribeToShard as well; on the backend MAILROOM_TEST_BACKEND names.
// test/services/kinesis-record-page.test.ts compares the bodies with the generic encoders byte for byte.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand, PutRecordsCommand, RegisterStreamConsumerCommand,
  SplitShardCommand, StartStreamEncryptionCommand, SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { kinesisCbor } from "../../helpers/cbor-call.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const T0 = Date.UTC(2026, 11, 7, 2, 0, 0) + 123;
// A NUL in a partition key is valid Unicode for AWS; PostgreSQL's text cannot hold it, so keys are stored as UTF-8
// bytes there (ADR 0038).
const NUL_KEY = "\u0000nul";
const KEYS = ['q"uote\\', "ctl\u0001\n\t\u007f", "clé-€", "😀 astral", "\u2028\u2029", "k".repeat(256), NUL_KEY];
/** Every C0 control character (U+0000 included), DEL, and every C1 control character. */
const CONTROLS = String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i), 0x7f, ...Array.from({ length: 32 }, (_, i) => 0x80 + i));
/** Keys with U+0000 and the other control characters, alone and among multi-byte and astral (4-byte UTF-8) ones. */
const ODD_KEYS = [
  NUL_KEY, "\u0000", CONTROLS, ...Array.from(CONTROLS, (c) => `${c}|${c}`), "😀", "🏳️‍🌈 𝄞 𠜎", "a\u0000😀\u0000é€b", "\u0000".repeat(256), "😀".repeat(128),
];
const DATAS = [Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(0), Buffer.from("a"), Buffer.from("ab"), Buffer.alloc(300, 0xff), Buffer.alloc(70_000, 0x80), Buffer.from([0])];

describe("GetRecords' pre-encoded answers through the SDKs", () => {
  let server: Mailroom;
  const clock = new ManualClock(T0);
  const clients: [string, KinesisClient][] = [];
  const sequence: string[] = [];
  before(async () => {
    server = await startTestServer({ clock });
    const base = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
    clients.push(["HTTP/2", new KinesisClient(base)], ["HTTP/1.1", new KinesisClient({ ...base, requestHandler: new NodeHttpHandler() })]);
    const k = clients[1][1];
    await k.send(new CreateStreamCommand({ StreamName: "w", ShardCount: 1 }));
    for (let i = 0; i < DATAS.length; i++) {
      const put = await k.send(new PutRecordCommand({ StreamName: "w", PartitionKey: KEYS[i], Data: DATAS[i], ...(i % 2 ? { ExplicitHashKey: "12345" } : {}) }));
      sequence.push(put.SequenceNumber!);
      clock.advance(1_500);
    }
  });
  after(async () => {
    for (const [, k] of clients) k.destroy();
    await server.close();
  });

  test("JSON 1.1 over HTTP/2 and HTTP/1.1: bytes, keys, sequence numbers, timestamps, a cut page", async () => {
    for (const [name, k] of clients) {
      const it = (await k.send(new GetShardIteratorCommand({ StreamName: "w", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      const all = await k.send(new GetRecordsCommand({ ShardIterator: it }));
      assert.deepEqual(all.Records!.map((r) => r.SequenceNumber), sequence, name);
      assert.deepEqual(all.Records!.map((r) => r.PartitionKey), KEYS.slice(0, DATAS.length), name);
      all.Records!.forEach((r, i) => assert.deepEqual(Buffer.from(r.Data!), DATAS[i], `${name} record ${i}`));
      assert.deepEqual(all.Records!.map((r) => r.ApproximateArrivalTimestamp!.getTime()), DATAS.map((_, i) => T0 + i * 1_500), name);
      assert.equal(all.MillisBehindLatest, 0);
      const cut = await k.send(new GetRecordsCommand({ ShardIterator: it, Limit: 2 }));
      assert.equal(cut.Records!.length, 2);
      assert.equal(cut.MillisBehindLatest, clock.now() - (T0 + 1_500));
      assert.ok(cut.NextShardIterator);
    }
  });

  /** A signed application/x-amz-cbor-1.1 call, as the Java SDK makes it; the decoded answer. */
  const call = async (operation: string, body: unknown) => {
    const r = await kinesisCbor(server.endpoint, operation, body);
    assert.equal(r.status, 200, operation);
    return r.value;
  };

  test("CBOR as the Java SDK reads it; KMS fields; a closed shard's end with ChildShards", async () => {
    const k = clients[1][1];
    await k.send(new StartStreamEncryptionCommand({ StreamName: "w", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    const it = await call("GetShardIterator", { StreamName: "w", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" });
    const got = await call("GetRecords", { ShardIterator: it.ShardIterator });
    assert.deepEqual(got.Records.map((r: any) => r.SequenceNumber), sequence);
    assert.deepEqual(got.Records.map((r: any) => r.PartitionKey), KEYS.slice(0, DATAS.length));
    got.Records.forEach((r: any, i: number) => assert.deepEqual(Buffer.from(r.Data), DATAS[i], `record ${i}`));
    assert.deepEqual(got.Records.map((r: any) => [r.ApproximateArrivalTimestamp.tag, r.ApproximateArrivalTimestamp.value]), DATAS.map((_, i) => [1, T0 + i * 1_500]));
    assert.ok(got.Records.every((r: any) => r.EncryptionType === "KMS"));
    await k.send(new SplitShardCommand({ StreamName: "w", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }));
    const end = await call("GetRecords", { ShardIterator: got.NextShardIterator });
    assert.deepEqual([end.Records, end.NextShardIterator, end.MillisBehindLatest], [[], undefined, 0]);
    assert.deepEqual(end.ChildShards.map((c: any) => c.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
    // Through the SDK's JSON as well.
    const sdkEnd = await k.send(new GetRecordsCommand({ ShardIterator: got.NextShardIterator }));
    assert.deepEqual(sdkEnd.ChildShards!.map((c) => [c.ShardId, c.HashKeyRange!.StartingHashKey]), [["shardId-000000000001", "0"], ["shardId-000000000002", "1000"]]);
  });

  test("partition keys with U+0000, every other control character and astral characters are stored and read back exactly", async () => {
    const k = clients[1][1];
    await k.send(new CreateStreamCommand({ StreamName: "nul", ShardCount: 1 }));
    const { Consumer } = await k.send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/nul", ConsumerName: "odd" }));
    // PutRecord for the first few, PutRecords for the rest.
    const put = await k.send(new PutRecordCommand({ StreamName: "nul", PartitionKey: NUL_KEY, Data: Buffer.from("x") }));
    assert.equal(put.ShardId, "shardId-000000000000");
    for (const key of ODD_KEYS.slice(1, 4)) await k.send(new PutRecordCommand({ StreamName: "nul", PartitionKey: key, Data: Buffer.from(key) }));
    const many = await k.send(new PutRecordsCommand({ StreamName: "nul", Records: ODD_KEYS.slice(4).map((key) => ({ PartitionKey: key, Data: Buffer.from(key) })) }));
    assert.equal(many.FailedRecordCount, 0);
    for (const [name, client] of clients) {
      const it = (await client.send(new GetShardIteratorCommand({ StreamName: "nul", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      const got = await client.send(new GetRecordsCommand({ ShardIterator: it }));
      assert.deepEqual(got.Records!.map((r) => r.PartitionKey), ODD_KEYS, name);
      // A page cut by Limit starts and ends inside the keys.
      const cut = await client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 3 }));
      assert.deepEqual(cut.Records!.map((r) => r.PartitionKey), ODD_KEYS.slice(0, 3), name);
    }
    const it = await call("GetShardIterator", { StreamName: "nul", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" });
    const got = await call("GetRecords", { ShardIterator: it.ShardIterator });
    assert.deepEqual(got.Records.map((r: any) => r.PartitionKey), ODD_KEYS, "CBOR");
    // SubscribeToShard reads through the store's other read path (KinesisStore.read).
    const sub = await k.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
    const keys: string[] = [];
    for await (const e of sub.EventStream!) {
      keys.push(...(e.SubscribeToShardEvent?.Records ?? []).map((r) => r.PartitionKey!));
      if (keys.length >= ODD_KEYS.length) break;
    }
    assert.deepEqual(keys, ODD_KEYS, "SubscribeToShard");
  });
});
