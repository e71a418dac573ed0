// The Kinesis storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged. Each
// factory opens a Kinesis store on a database without Kinesis rows.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KinesisStore, StreamRecord } from "../../src/services/kinesis/store.ts";

export interface KinesisStoreFactory {
  open(): Promise<KinesisStore>;
}

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const stream = (name: string, account = ACCT, region = "us-east-1"): Omit<StreamRecord, "id" | "status"> =>
  ({ account, region, name, mode: "PROVISIONED", retentionHours: 24, shardCount: 0, createdAt: T0 });
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
      const made = await s.createStream(stream("a"), ranges(3), 10);
      assert.ok(typeof made === "object");
      assert.equal(made.shardCount, 3);
      assert.equal(made.status, "ACTIVE");
      assert.deepEqual(await s.getStream(ACCT, "us-east-1", "a"), made);
      assert.deepEqual(await s.getStreamById(made.id), made);
      assert.deepEqual((await s.shards(made.id)).map((x) => [x.index, x.startHashKey, x.endHashKey, x.lastCounter]), [
        [0, "0", "9", 0], [1, "10", "19", 0], [2, "20", "29", 0],
      ]);
      assert.equal(await s.createStream(stream("a"), ranges(1), 10), "exists");
      assert.equal(await s.createStream(stream("b"), ranges(8), 10), "quota");
      // Quotas and names are per account and region.
      assert.ok(typeof (await s.createStream(stream("a", "111111111111"), ranges(8), 10)) === "object");
      assert.ok(typeof (await s.createStream(stream("a", ACCT, "eu-west-1"), ranges(8), 10)) === "object");
      assert.equal(await s.getStream(ACCT, "us-east-1", "nope"), undefined);
    }));

    test("listStreams pages by name within an account and region", withStore(async (s) => {
      for (const n of ["c", "a", "b"]) await s.createStream(stream(n), ranges(1), 100);
      await s.createStream(stream("z", "111111111111"), ranges(1), 100);
      assert.deepEqual((await s.listStreams(ACCT, "us-east-1", "", 2)).map((x) => x.name), ["a", "b"]);
      assert.deepEqual((await s.listStreams(ACCT, "us-east-1", "b", 2)).map((x) => x.name), ["c"]);
      assert.deepEqual((await s.listStreams(ACCT, "eu-west-1", "", 2)).map((x) => x.name), []);
    }));

    test("append numbers records per shard in order, in one write; read is a range scan after a counter", withStore(async (s) => {
      const st = (await s.createStream(stream("log"), ranges(2), 10)) as StreamRecord;
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
      const st = (await s.createStream(stream("big"), ranges(1), 10)) as StreamRecord;
      const data = Buffer.from([0, 255, 1, 254]);
      const counters = await s.append(st.id, Array.from({ length: 500 }, () => ({ shardIndex: 0, partitionKey: "p", data })), T0);
      assert.deepEqual(counters, Array.from({ length: 500 }, (_, i) => i + 1));
      const got = await s.read(st.id, 0, 0, 10_000, 1 << 20);
      assert.equal(got.length, 500);
      assert.deepEqual([...got[499].data], [0, 255, 1, 254]);
    }));

    test("deleteStream removes the stream, shards and records; a new stream of the same name gets a new id", withStore(async (s) => {
      const st = (await s.createStream(stream("gone"), ranges(1), 10)) as StreamRecord;
      await s.append(st.id, [rec(0, "a")], T0);
      assert.equal(await s.deleteStream(st.id), true);
      assert.equal(await s.append(st.id, [rec(0, "late")], T0), undefined, "an append to a deleted stream changes nothing");
      assert.equal(await s.deleteStream(st.id), false);
      assert.equal(await s.getStreamById(st.id), undefined);
      assert.deepEqual(await s.shards(st.id), []);
      assert.deepEqual(await s.read(st.id, 0, 0, 10, 1 << 20), []);
      const again = (await s.createStream(stream("gone"), ranges(1), 10)) as StreamRecord;
      assert.notEqual(again.id, st.id);
      assert.deepEqual(await s.read(again.id, 0, 0, 10, 1 << 20), []);
    }));
  });
}
