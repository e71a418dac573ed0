// GetRecords' pre-encoded answer (ADR 0033) against the generic encoders, byte for byte: for the same read, the JSON
// 1.1 body written from the record batch must equal JSON.stringify(toJsonValue(plain)) and the CBOR body must equal
// the CBOR codec's encoding of plain, where plain is the answer as ordinary objects (what in-process callers get).
// Cases: no records, records put with explicit hash keys, every byte value, empty data, base64 padding, sizes at the
// CBOR header boundaries, partition keys that JSON escapes and multi-byte ones, KMS encryption fields,
// MillisBehindLatest of a partial read, records past retention skipped, a closed shard's end with ChildShards, and
// small timestamps. On SQLite, and on PostgreSQL when it answers (required with MAILROOM_TEST_POSTGRES=on).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { cbor } from "@smithy/core/cbor";
import { ManualClock } from "../../src/engine/clock.ts";
import { encodeCborValue } from "../../src/protocol/cbor/codec.ts";
import { preEncodedOf } from "../../src/protocol/codec.ts";
import { toJsonValue } from "../../src/protocol/shapes.ts";
import { recordPage } from "../../src/services/kinesis/domain/record-page.ts";
import { createKinesisService } from "../../src/services/kinesis/index.ts";
import type { KinesisStore } from "../../src/services/kinesis/store.ts";
import type { RequestContext } from "../../src/services/types.ts";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgKinesisStore } from "../../src/storage/postgres/kinesis-store.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteKinesisStore } from "../../src/storage/sqlite/kinesis-store.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 7, 1, 2, 3) + 456;

type Out = Record<string, any>;

function harness(store: KinesisStore, clock: ManualClock) {
  const kinesis = createKinesisService({ store, clock, statusDelayMs: 0, statusChanged: () => {} });
  const ctx = (operation: string): RequestContext => ({
    requestId: "r", accountId: "000000000000", region: "us-east-1", accessKeyId: "AKID", baseUrl: "http://localhost:4566",
    operation, signal: new AbortController().signal,
  });
  const call = async (op: string, input: Record<string, unknown>) => (await kinesis.operations[op](ctx(op), input)) as Out;
  /** A GetRecords through the fast path, checked against the generic encodings; returns the plain answer. */
  const getRecords = async (input: Record<string, unknown>): Promise<Out> => {
    const out = await call("GetRecords", input);
    const pre = preEncodedOf(out);
    assert.ok(pre, "GetRecords answers a pre-encoded output");
    const plain = pre.plain() as Out;
    const json = pre.body("json") as Buffer;
    assert.ok(Buffer.isBuffer(json));
    assert.equal(json.toString("hex"), Buffer.from(JSON.stringify(toJsonValue(plain)), "utf8").toString("hex"));
    const body = pre.body("cbor") as Buffer;
    const generic = encodeCborValue(plain);
    assert.ok(Buffer.isBuffer(body));
    assert.equal(body.toString("hex"), generic.toString("hex"));
    // Both decode as what they say (smithy's decoder, as the SDKs read them).
    const decoded = cbor.deserialize(body) as Out;
    assert.equal(decoded.Records.length, plain.Records.length);
    assert.equal(JSON.parse(json.toString("utf8")).Records.length, plain.Records.length);
    // No fast path for other codecs: they encode the plain form.
    assert.equal(pre.body("query"), undefined);
    return plain;
  };
  const iterator = async (StreamName: string, ShardId = "shardId-000000000000", type = "TRIM_HORIZON") =>
    (await call("GetShardIterator", { StreamName, ShardId, ShardIteratorType: type })).ShardIterator as string;
  return { call, getRecords, iterator };
}

function cases(backend: string, open: () => Promise<KinesisStore>) {
  describe(`GetRecords' pre-encoded answer equals the generic encodings (${backend})`, () => {
    test("no records, tricky records, encryption, a partial read, retention and a closed shard's end", async () => {
      const store = await open();
      const clock = new ManualClock(T0);
      const { call, getRecords, iterator } = harness(store, clock);
      try {
        await call("CreateStream", { StreamName: "s", ShardCount: 1 });
        // Empty: Records [], MillisBehindLatest 0, a NextShardIterator.
        const empty = await getRecords({ ShardIterator: await iterator("s") });
        assert.deepEqual(empty.Records, []);
        assert.equal(empty.MillisBehindLatest, 0);
        assert.ok(empty.NextShardIterator);

        const datas = [
          Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(0), Buffer.from("a"), Buffer.from("ab"), Buffer.from("abc"),
          Buffer.alloc(23, 1), Buffer.alloc(24, 2), Buffer.alloc(255, 3), Buffer.alloc(256, 4), Buffer.alloc(65_535, 5), Buffer.alloc(65_536, 6),
        ];
        // A lone surrogate too: both paths write what the store gives back (UTF-8 has no lone surrogates).
        const keys = ['q"uote', "back\\slash", "ctl\u0001\n\t", "clé-€-😀", "\u2028\u2029", "x".repeat(256), "</script>", "lone\ud800", "p"];
        const sequence: string[] = [];
        for (let i = 0; i < datas.length; i++) {
          const put = await call("PutRecord", {
            StreamName: "s", PartitionKey: keys[i % keys.length], Data: datas[i],
            // Explicit hash keys route the record and are not part of the read answer.
            ...(i % 2 === 0 ? { ExplicitHashKey: String(i * 1_000_000_007) } : {}),
          });
          sequence.push(put.SequenceNumber);
          clock.advance(1_001);
        }
        const all = await getRecords({ ShardIterator: await iterator("s") });
        assert.deepEqual(all.Records.map((r: Out) => r.SequenceNumber), sequence);
        assert.deepEqual(all.Records.map((r: Out) => Buffer.compare(r.Data, datas[all.Records.indexOf(r)])), datas.map(() => 0));
        // (The lone surrogate comes back as the driver stored it, replacement characters; the two encodings still agree.)
        assert.deepEqual(all.Records.map((r: Out) => (r.PartitionKey.startsWith("lone") ? "lone" : r.PartitionKey)), datas.map((_, i) => (i % keys.length === 7 ? "lone" : keys[i % keys.length])));
        assert.equal(all.Records[1].ApproximateArrivalTimestamp.getTime(), T0 + 1_001);
        assert.equal(all.MillisBehindLatest, 0);

        // A partial read: MillisBehindLatest is the age of the last record returned.
        clock.advance(5_000);
        const part = await getRecords({ ShardIterator: await iterator("s"), Limit: 3 });
        assert.equal(part.Records.length, 3);
        assert.equal(part.MillisBehindLatest, clock.now() - (T0 + 2 * 1_001));
        const next = await getRecords({ ShardIterator: part.NextShardIterator, Limit: 2 });
        assert.deepEqual(next.Records.map((r: Out) => r.SequenceNumber), sequence.slice(3, 5));

        // KMS: every record says EncryptionType KMS.
        await call("StartStreamEncryption", { StreamName: "s", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });
        await call("PutRecord", { StreamName: "s", PartitionKey: "enc", Data: Buffer.from("secret") });
        const enc = await getRecords({ ShardIterator: await iterator("s") });
        assert.ok(enc.Records.every((r: Out) => r.EncryptionType === "KMS"));
        await call("StopStreamEncryption", { StreamName: "s", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });

        // Retention: records past 24 hours are skipped before the trim job deletes them; the rest are returned.
        // The horizon falls between the fifth and sixth records (put 1,001 ms apart from T0).
        clock.set(T0 + 24 * HOUR + 4_500);
        await call("PutRecord", { StreamName: "s", PartitionKey: "fresh", Data: Buffer.from("fresh") });
        const kept = await getRecords({ ShardIterator: await iterator("s") });
        assert.deepEqual(kept.Records.map((r: Out) => r.SequenceNumber).slice(0, datas.length - 5), sequence.slice(5));
        assert.equal(kept.Records.at(-1).PartitionKey, "fresh");
        assert.ok(kept.Records.every((r: Out) => r.ApproximateArrivalTimestamp.getTime() >= clock.now() - 24 * HOUR));

        // A closed shard: its last page names the ChildShards and has no NextShardIterator; so does an empty read at its end.
        await call("CreateStream", { StreamName: "r", ShardCount: 1 });
        await call("PutRecord", { StreamName: "r", PartitionKey: "k", Data: Buffer.from("before split") });
        const before = await iterator("r");
        await call("SplitShard", { StreamName: "r", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" });
        const end = await getRecords({ ShardIterator: before });
        assert.equal(end.Records.length, 1);
        assert.equal(end.NextShardIterator, undefined);
        assert.deepEqual(end.ChildShards.map((c: Out) => c.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
        const partial = await getRecords({ ShardIterator: before, Limit: 1 });
        assert.equal(partial.NextShardIterator, undefined);
        const child = await getRecords({ ShardIterator: await iterator("r", "shardId-000000000001") });
        assert.deepEqual([child.Records, child.ChildShards], [[], undefined]);
      } finally {
        await store.close();
      }
    });

    test("small and fractional timestamps (CBOR headers of every size) and a large page", async () => {
      const store = await open();
      const clock = new ManualClock(0);
      const { call, getRecords, iterator } = harness(store, clock);
      try {
        await call("CreateStream", { StreamName: "t", ShardCount: 1 });
        // All within the 24 hours of retention of the last (epoch ms past 2^32 are in the other test).
        for (const at of [0, 23, 255, 1_234, 65_536, 86_000_000]) {
          clock.set(at);
          await call("PutRecord", { StreamName: "t", PartitionKey: `at-${at}`, Data: Buffer.from(String(at)) });
        }
        const page = await getRecords({ ShardIterator: await iterator("t") });
        assert.deepEqual(page.Records.map((r: Out) => r.ApproximateArrivalTimestamp.getTime()), [0, 23, 255, 1_234, 65_536, 86_000_000]);
        // 1,200 records in one page: the Records array's header takes 3 bytes in CBOR.
        await call("CreateStream", { StreamName: "big", ShardCount: 1 });
        for (let i = 0; i < 3; i++) {
          await call("PutRecords", { StreamName: "big", Records: Array.from({ length: 400 }, (_, j) => ({ PartitionKey: `k${j}`, Data: Buffer.alloc(j % 7, j) })) });
        }
        const big = await getRecords({ ShardIterator: await iterator("big") });
        assert.equal(big.Records.length, 1_200);
      } finally {
        await store.close();
      }
    });
  });
}

test("the JSON body's seconds and base64 written by hand equal Number-to-text and Buffer's base64 (random times, every size to 400 B)", () => {
  const times: number[] = [0, 1, 999, 1_000, 1_010, 1_100, T0, 4e15 - 1, 4e15, 8.64e15];
  for (let i = 0; i < 20_000; i++) times.push(Math.floor(Math.random() * 4e15), Math.floor(Math.random() * 1e13), 10 ** Math.floor(Math.random() * 15) * Math.floor(Math.random() * 10));
  const datas = Array.from({ length: 401 }, (_, len) => Buffer.from(Array.from({ length: len }, () => Math.floor(Math.random() * 256))));
  const n = times.length;
  const data = Buffer.concat(datas);
  const offsets = [0];
  for (let i = 0; i < n; i++) offsets.push(offsets[i] + (i < datas.length ? datas[i].length : 0));
  const batch = { length: n, counters: times.map((_, i) => i + 1), partitionKeys: times.map((_, i) => `k${i}`), arrivedAt: times, offsets, data };
  const pre = recordPage({ streamCreatedAt: T0, shardIndex: 3, batch, millisBehindLatest: 7, nextShardIterator: "it" });
  assert.equal((pre.body("json") as Buffer).toString("utf8"), JSON.stringify(toJsonValue(pre.plain())));
  assert.equal((pre.body("cbor") as Buffer).toString("hex"), encodeCborValue(pre.plain()).toString("hex"));
});

cases("SQLite", async () => new SqliteKinesisStore(new SqliteDb(":memory:")));

const required = process.env.MAILROOM_TEST_POSTGRES === "on";
if (await postgresAvailable()) {
  const db = await freshDatabase("page");
  after(() => db.drop());
  cases("PostgreSQL", async () => {
    const pg = await PgDb.open(db.url, 2);
    await pg.query("TRUNCATE kinesis_records, kinesis_shards, kinesis_streams RESTART IDENTITY CASCADE");
    return new PgKinesisStore(pg);
  });
} else {
  test("GetRecords' pre-encoded answer on PostgreSQL", { skip: required ? false : "no PostgreSQL at 127.0.0.1:5432" }, () => {
    assert.fail("PostgreSQL is required (MAILROOM_TEST_POSTGRES=on) but does not answer");
  });
}
