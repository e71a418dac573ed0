// The Kinesis storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged. Each
// factory opens a Kinesis store on a database without Kinesis rows.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KinesisStore, RecordBatch, StreamRecord } from "../../src/services/kinesis/store.ts";

export interface KinesisStoreFactory {
  open(): Promise<KinesisStore>;
}

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const stream = (name: string, account = ACCT, region = "us-east-1", over: Partial<StreamRecord> = {}): Omit<StreamRecord, "id" | "shardCount"> => ({
  account, region, name, mode: "PROVISIONED", retentionHours: 24, createdAt: T0, status: "ACTIVE", encryptionType: "NONE", shardLevelMetrics: [],
  maxRecordSizeKiB: 1024, tags: {}, scalings: [], modeChanges: [], encryptionStarts: [], encryptionStops: [], ...over,
} as Omit<StreamRecord, "id" | "shardCount">);
const q = (shards: number, onDemandStreams = 50) => ({ shards, onDemandStreams });
const HOUR = 3_600_000;
const ranges = (n: number) => Array.from({ length: n }, (_, i) => ({ startHashKey: String(i * 10), endHashKey: String(i * 10 + 9) }));
const rec = (shardIndex: number, v: string) => ({ shardIndex, partitionKey: `pk-${v}`, data: Buffer.from(v) });

export function kinesisStoreContract(name: string, factory: KinesisStoreFactory): void {
  describe(`KinesisStore contract: ${name}`, () => {
    const withStore = (fn: (s: KinesisStore) => Promise<void>) => async () => {
      const s = await factory.open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };

    test("createStream stores the stream and its shards; a taken name and the shard quota are refused", withStore(async (s) => {
      const made = await s.createStream(stream("a"), ranges(3), q(10));
      assert.ok(typeof made === "object");
      assert.equal(made.shardCount, 3);
      assert.equal(made.status, "ACTIVE");
      assert.deepEqual(await s.getStream(ACCT, "us-east-1", "a"), made);
      assert.deepEqual(await s.getStreamById(made.id), made);
      assert.deepEqual((await s.shards(made.id)).map((x) => [x.index, x.startHashKey, x.endHashKey, x.lastCounter]), [
        [0, "0", "9", 0], [1, "10", "19", 0], [2, "20", "29", 0],
      ]);
      assert.equal(await s.createStream(stream("a"), ranges(1), q(10)), "exists");
      assert.equal(await s.createStream(stream("b"), ranges(8), q(10)), "quota");
      // Quotas and names are per account and region.
      assert.ok(typeof (await s.createStream(stream("a", "111111111111"), ranges(8), q(10))) === "object");
      assert.ok(typeof (await s.createStream(stream("a", ACCT, "eu-west-1"), ranges(8), q(10))) === "object");
      assert.equal(await s.getStream(ACCT, "us-east-1", "nope"), undefined);
    }));

    test("usage counts open shards and on-demand streams; the on-demand stream quota is kept", withStore(async (s) => {
      await s.createStream(stream("p1"), ranges(3), q(100, 1));
      assert.equal(typeof (await s.createStream(stream("d1", ACCT, "us-east-1", { mode: "ON_DEMAND" }), ranges(4), q(100, 1))), "object");
      assert.equal(await s.createStream(stream("d2", ACCT, "us-east-1", { mode: "ON_DEMAND" }), ranges(4), q(100, 1)), "onDemandQuota");
      assert.equal(typeof (await s.createStream(stream("p2"), ranges(1), q(100, 1))), "object");
      assert.deepEqual(await s.usage(ACCT, "us-east-1"), { openShards: 8, onDemandStreams: 1 });
      assert.deepEqual(await s.usage(ACCT, "eu-west-1"), { openShards: 0, onDemandStreams: 0 });
    }));

    test("listStreams pages by name within an account and region", withStore(async (s) => {
      for (const n of ["c", "a", "b"]) await s.createStream(stream(n), ranges(1), q(100));
      await s.createStream(stream("z", "111111111111"), ranges(1), q(100));
      assert.deepEqual((await s.listStreams(ACCT, "us-east-1", "", 2)).map((x) => x.name), ["a", "b"]);
      assert.deepEqual((await s.listStreams(ACCT, "us-east-1", "b", 2)).map((x) => x.name), ["c"]);
      assert.deepEqual((await s.listStreams(ACCT, "eu-west-1", "", 2)).map((x) => x.name), []);
    }));

    test("append numbers records per shard in order, in one write; read is a range scan after a counter", withStore(async (s) => {
      const st = (await s.createStream(stream("log"), ranges(2), q(10))) as StreamRecord;
      assert.deepEqual(await s.append(st.id, [rec(0, "a"), rec(1, "b"), rec(0, "c")], T0), [1, 1, 2]);
      const [x, y] = await Promise.all([s.append(st.id, [rec(0, "d")], T0 + 10), s.append(st.id, [rec(0, "e"), rec(1, "f")], T0 + 10)]);
      assert.ok(x && y);
      assert.deepEqual(new Set([x[0], y[0]]), new Set([3, 4]));
      assert.equal(y[1], 2);
      const shards = await s.shards(st.id);
      assert.deepEqual(shards.map((sh) => sh.lastCounter), [4, 2]);
      const all = await s.read(st.id, 0, 0, 100, 1 << 20);
      assert.deepEqual(all.map((r) => r.counter), [1, 2, 3, 4]);
      assert.deepEqual(all.slice(0, 2).map((r) => [r.data.toString(), r.partitionKey, r.arrivedAt]), [["a", "pk-a", T0], ["c", "pk-c", T0]]);
      assert.deepEqual((await s.read(st.id, 0, 2, 1, 1 << 20)).map((r) => r.counter), [3]);
      // The byte budget stops a read early, but it always returns at least one record.
      assert.deepEqual((await s.read(st.id, 0, 0, 100, 1)).map((r) => r.counter), [1]);
      assert.deepEqual((await s.read(st.id, 0, 0, 100, 2)).map((r) => r.counter), [1, 2]);
      assert.deepEqual(await s.read(st.id, 1, 2, 100, 1 << 20), []);
      assert.equal(await s.counterBefore(st.id, 0, T0), 0);
      assert.equal(await s.counterBefore(st.id, 0, T0 + 1), 2);
      assert.equal(await s.counterBefore(st.id, 0, T0 + 1_000), 4);
    }));

    test("a PutRecords-sized append (500 records) and binary data round-trip", withStore(async (s) => {
      const st = (await s.createStream(stream("big"), ranges(1), q(10))) as StreamRecord;
      const data = Buffer.from([0, 255, 1, 254]);
      const counters = await s.append(st.id, Array.from({ length: 500 }, () => ({ shardIndex: 0, partitionKey: "p", data })), T0);
      assert.deepEqual(counters, Array.from({ length: 500 }, (_, i) => i + 1));
      const got = await s.read(st.id, 0, 0, 10_000, 1 << 20);
      assert.equal(got.length, 500);
      assert.deepEqual([...got[499].data], [0, 255, 1, 254]);
    }));

    test("readBatch returns what read returns, as columns with the data back to back (ADR 0033)", withStore(async (s) => {
      const st = (await s.createStream(stream("batch"), ranges(2), q(10))) as StreamRecord;
      // Every byte value, NUL bytes, invalid UTF-8, empty data, a multi-byte partition key, and a record on another shard.
      const datas = [Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(0), Buffer.from([0, 0, 0xff, 0xfe, 0xc3]), Buffer.from("x"), Buffer.alloc(0), Buffer.alloc(3000, 7)];
      const keys = ['q"uote\\', "clé-€-😀", "ctl\u0001\n\u2028", "[1,2]", "null", "p"];
      await s.append(st.id, datas.map((data, i) => ({ shardIndex: 0, partitionKey: keys[i], data })), T0);
      await s.append(st.id, [rec(1, "other")], T0 + 5);
      await s.append(st.id, [rec(0, "later")], T0 + 7);
      const same = async (after: number, limit: number, maxBytes: number, shard = 0) => {
        const rows = await s.read(st.id, shard, after, limit, maxBytes);
        const b = await s.readBatch(st.id, shard, after, limit, maxBytes);
        assert.equal(b.length, rows.length);
        assert.deepEqual(b.counters, rows.map((r) => r.counter));
        assert.deepEqual(b.partitionKeys, rows.map((r) => r.partitionKey));
        assert.deepEqual(b.arrivedAt, rows.map((r) => r.arrivedAt));
        assert.equal(b.offsets.length, rows.length + 1);
        assert.equal(b.offsets[rows.length], b.data.length);
        for (let i = 0; i < rows.length; i++) assert.deepEqual(b.data.subarray(b.offsets[i], b.offsets[i + 1]), rows[i].data, `record ${i}`);
        // The adapters' fallback paths (rows one by one) answer the same.
        for (const fallback of ["readRows", "readCut"]) {
          const f = (s as unknown as Record<string, (...a: number[]) => Promise<RecordBatch> | RecordBatch>)[fallback];
          if (typeof f === "function") assert.deepEqual(await f.call(s, st.id, shard, after, limit, maxBytes), b, fallback);
        }
        return b;
      };
      assert.equal((await same(0, 100, 1 << 20)).length, 7);
      assert.equal((await same(2, 3, 1 << 20)).length, 3);
      // The byte budget: at least one record, then up to the budget (empty records cost nothing).
      assert.deepEqual((await same(0, 100, 1)).counters, [1]);
      assert.deepEqual((await same(0, 100, 256)).counters, [1, 2]);
      assert.deepEqual((await same(0, 100, 261)).counters, [1, 2, 3]);
      assert.deepEqual((await same(5, 100, 10)).counters, [6]);
      assert.deepEqual((await same(4, 100, 10)).counters, [5]);
      // Nothing after the counter, an empty shard range, and only empty records.
      assert.equal((await same(7, 100, 1 << 20)).length, 0);
      assert.equal((await same(7, 100, 1 << 20)).data.length, 0);
      assert.deepEqual((await same(0, 100, 1 << 20, 1)).counters, [1]);
      const empty = await same(1, 1, 1 << 20);
      assert.deepEqual([empty.counters, empty.data.length, empty.offsets], [[2], 0, [0, 0]]);
    }));

    test("a partition key is any Unicode string: U+0000, every other control character, astral and multi-byte ones (ADR 0038)", withStore(async (s) => {
      const st = (await s.createStream(stream("keys"), ranges(1), q(10))) as StreamRecord;
      const controls = String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i), 0x7f, ...Array.from({ length: 32 }, (_, i) => 0x80 + i));
      const keys = ["\u0000", "\u0000nul", `a${controls}z`, "😀", "𝄞 clé € 😀\u0000", "\u0000".repeat(256), "😀".repeat(128), "plain", "é", "\uffff\u{10ffff}"];
      await s.append(st.id, keys.map((partitionKey, i) => ({ shardIndex: 0, partitionKey, data: Buffer.from([i, 0]) })), T0);
      // One ASCII-only page as well (the batch decoder's fast path), after the others.
      await s.append(st.id, [{ shardIndex: 0, partitionKey: "\u0000\u0001ascii\u007f", data: Buffer.from("z") }], T0 + 1);
      const all = [...keys, "\u0000\u0001ascii\u007f"];
      assert.deepEqual((await s.read(st.id, 0, 0, 100, 1 << 20)).map((r) => r.partitionKey), all);
      for (const [after, limit] of [[0, 100], [0, 1], [3, 4], [all.length - 1, 100]]) {
        const b = await s.readBatch(st.id, 0, after, limit, 1 << 20);
        assert.deepEqual(b.partitionKeys, all.slice(after, after + limit), `readBatch after ${after} limit ${limit}`);
        for (const fallback of ["readRows", "readCut"]) {
          const f = (s as unknown as Record<string, (...a: number[]) => Promise<RecordBatch> | RecordBatch>)[fallback];
          if (typeof f === "function") assert.deepEqual((await f.call(s, st.id, 0, after, limit, 1 << 20)).partitionKeys, b.partitionKeys, fallback);
        }
      }
    }));

    test("changeStream applies settings, closes and adds shards in one transaction; a throwing decision changes nothing", withStore(async (s) => {
      const st = (await s.createStream(stream("rs", ACCT, "us-east-1", { tags: { a: "1" } }), ranges(2), q(10))) as StreamRecord;
      await s.append(st.id, [rec(0, "a"), rec(0, "b")], T0);
      const changed = await s.changeStream(st.id, T0 + 5, (cur, shards, usage) => {
        assert.deepEqual(usage, { openShards: 2, onDemandStreams: 0 });
        assert.deepEqual(cur.tags, { a: "1" });
        assert.equal(shards.length, 2);
        return {
          settings: { status: "UPDATING", statusUntil: T0 + 100, tags: { a: "1", b: "2" }, shardLevelMetrics: ["IncomingBytes"], encryptionType: "KMS", keyId: "k" },
          close: [0],
          add: [
            { index: 2, startHashKey: "0", endHashKey: "4", parentIndex: 0 },
            { index: 3, startHashKey: "5", endHashKey: "9", parentIndex: 0, closed: true },
          ],
        };
      });
      assert.ok(changed);
      assert.equal(changed.shardCount, 2);
      assert.deepEqual(await s.getStreamById(st.id), changed);
      const shards = await s.shards(st.id);
      assert.deepEqual(shards.map((x) => [x.index, x.parentIndex, x.closedAt, x.lastCounter, x.openedAt]), [
        [0, undefined, T0 + 5, 2, T0], [1, undefined, undefined, 0, T0], [2, 0, undefined, 0, T0 + 5], [3, 0, T0 + 5, 0, T0 + 5],
      ]);
      // An append to a shard closed meanwhile appends nothing (the caller routes again).
      assert.equal(await s.append(st.id, [rec(1, "ok"), rec(0, "late")], T0 + 6), "closed");
      assert.deepEqual((await s.shards(st.id)).map((x) => x.lastCounter), [2, 0, 0, 0]);
      assert.deepEqual(await s.append(st.id, [rec(2, "child")], T0 + 6), [1]);
      await assert.rejects(s.changeStream(st.id, T0 + 7, () => {
        throw new Error("refused");
      }), /refused/);
      assert.deepEqual(await s.getStreamById(st.id), changed);
      assert.equal(await s.changeStream(999_999, T0, () => ({})), undefined);
      // Status changes come due and finish.
      assert.equal(await s.nextStatusChange(), T0 + 100);
      assert.equal(await s.finishStatusChanges(T0 + 99), 0);
      assert.equal(await s.finishStatusChanges(T0 + 100), 1);
      assert.equal((await s.getStreamById(st.id))?.status, "ACTIVE");
      assert.equal(await s.nextStatusChange(), undefined);
    }));

    test("trim deletes records past retention in batches and closed shards whose close is past it", withStore(async (s) => {
      const st = (await s.createStream(stream("old"), ranges(2), q(10))) as StreamRecord;
      await s.append(st.id, Array.from({ length: 7 }, (_, i) => rec(0, `old${i}`)), T0);
      await s.append(st.id, [rec(1, "x")], T0);
      await s.append(st.id, [rec(0, "new")], T0 + 2 * HOUR);
      await s.changeStream(st.id, T0 + HOUR, () => ({ close: [1], add: [{ index: 2, startHashKey: "10", endHashKey: "19", parentIndex: 1 }] }));
      assert.equal(await s.trim(T0 + 24 * HOUR, 3), 0, "nothing is past 24 hours yet");
      assert.equal(await s.trim(T0 + 25 * HOUR + 1, 3), 8, "the 7 old records of shard 0 (3 batches), and shard 1 with its record");
      assert.deepEqual((await s.read(st.id, 0, 0, 100, 1 << 20)).map((r) => r.data.toString()), ["new"]);
      assert.deepEqual((await s.shards(st.id)).map((x) => x.index), [0, 2]);
      assert.equal(await s.trim(T0 + 25 * HOUR + 1, 3), 0);
      // The shard keeps its counter: new records continue the numbering.
      assert.deepEqual(await s.append(st.id, [rec(0, "next")], T0 + 26 * HOUR), [9]);
    }));

    test("resource policies are kept per ARN and go with their stream", withStore(async (s) => {
      const st = (await s.createStream(stream("pol"), ranges(1), q(10))) as StreamRecord;
      const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/pol";
      assert.equal(await s.getPolicy(arn), undefined);
      assert.equal(await s.putPolicy(st.id, arn, '{"Statement":[]}'), true);
      assert.equal(await s.putPolicy(st.id, arn, '{"Statement":[1]}'), true);
      assert.equal(await s.getPolicy(arn), '{"Statement":[1]}');
      assert.equal(await s.deletePolicy(arn), true);
      assert.equal(await s.deletePolicy(arn), false);
      await s.putPolicy(st.id, arn, "{}");
      await s.deleteStream(st.id);
      assert.equal(await s.getPolicy(arn), undefined);
      assert.equal(await s.putPolicy(st.id, arn, "{}"), false);
    }));

    test("deleteStream removes the stream, shards and records; a new stream of the same name gets a new id", withStore(async (s) => {
      const st = (await s.createStream(stream("gone"), ranges(1), q(10))) as StreamRecord;
      await s.append(st.id, [rec(0, "a")], T0);
      assert.equal(await s.deleteStream(st.id), true);
      assert.equal(await s.append(st.id, [rec(0, "late")], T0), undefined, "an append to a deleted stream changes nothing");
      assert.equal(await s.deleteStream(st.id), false);
      assert.equal(await s.getStreamById(st.id), undefined);
      assert.deepEqual(await s.shards(st.id), []);
      assert.deepEqual(await s.read(st.id, 0, 0, 10, 1 << 20), []);
      const again = (await s.createStream(stream("gone"), ranges(1), q(10))) as StreamRecord;
      assert.notEqual(again.id, st.id);
      assert.deepEqual(await s.read(again.id, 0, 0, 10, 1 << 20), []);
    }));
  });
}
