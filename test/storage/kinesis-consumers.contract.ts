// The Kinesis storage contract for enhanced fan-out and the record log's read cut, apart from the stream contract
// (kinesis-store.contract.ts) so the two can grow independently: consumers (limit, names, deregistration), the one
// subscription per consumer and shard with AWS's 5-second takeover, and GetRecords' byte cut in its one range scan.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KinesisStore, StreamRecord } from "../../src/services/kinesis/store.ts";
import type { KinesisStoreFactory } from "./kinesis-store.contract.ts";

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const stream = (name: string): Omit<StreamRecord, "id" | "shardCount"> => ({
  account: ACCT, region: "us-east-1", name, mode: "PROVISIONED", retentionHours: 24, createdAt: T0, status: "ACTIVE", encryptionType: "NONE",
  shardLevelMetrics: [], maxRecordSizeKiB: 1024, tags: {}, scalings: [], modeChanges: [], encryptionStarts: [], encryptionStops: [],
} as Omit<StreamRecord, "id" | "shardCount">);

export function kinesisConsumersContract(name: string, factory: KinesisStoreFactory): void {
  describe(`KinesisStore consumers and record log: ${name}`, () => {
    const withStore = (fn: (s: KinesisStore) => Promise<void>) => async () => {
      const s = await factory.open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    };
    const make = async (s: KinesisStore, n: string) => {
      const st = await s.createStream(stream(n), [{ startHashKey: "0", endHashKey: "9" }, { startHashKey: "10", endHashKey: "19" }], { shards: 100, onDemandStreams: 50 });
      assert.ok(typeof st === "object");
      return st;
    };

    test("registerConsumer: a name once per stream, at most `max`, none on a deleted stream; deregistered ones are gone once their time passes", withStore(async (s) => {
      const st = await make(s, "a");
      const c = await s.registerConsumer(st.id, "one", T0, T0 + 10, 2);
      assert.ok(typeof c === "object");
      assert.deepEqual(await s.getConsumer(st.id, "one", T0), c);
      assert.equal(await s.registerConsumer(st.id, "one", T0, T0, 2), "exists");
      assert.ok(typeof (await s.registerConsumer(st.id, "two", T0, T0, 2)) === "object");
      assert.equal(await s.registerConsumer(st.id, "three", T0, T0, 2), "limit");
      assert.deepEqual((await s.listConsumers(st.id, T0, "", 10)).map((x) => x.name), ["one", "two"]);
      assert.deepEqual((await s.listConsumers(st.id, T0, "one", 10)).map((x) => x.name), ["two"]);
      assert.equal(await s.deregisterConsumer(c.id, T0 + 1, T0 + 5), true);
      assert.equal(await s.deregisterConsumer(c.id, T0 + 1, T0 + 5), false);
      // DELETING until gone: still found (and counted), then not.
      assert.equal((await s.getConsumer(st.id, "one", T0 + 2))?.deletingAt, T0 + 1);
      assert.equal(await s.registerConsumer(st.id, "three", T0 + 2, T0 + 2, 2), "limit");
      assert.equal(await s.getConsumer(st.id, "one", T0 + 5), undefined);
      assert.ok(typeof (await s.registerConsumer(st.id, "three", T0 + 5, T0 + 5, 2)) === "object");
      assert.ok(typeof (await s.registerConsumer(st.id, "one", T0 + 6, T0 + 6, 3)) === "object", "the name is free again");
      assert.equal(await s.deleteStream(st.id), true);
      assert.equal(await s.registerConsumer(st.id, "x", T0, T0, 2), "gone");
      assert.equal(await s.getConsumer(st.id, "three", T0 + 6), undefined);
    }));

    test("takeSubscription: busy within minAgeMs of the holder's start, taken over after; released; gone with the consumer", withStore(async (s) => {
      const st = await make(s, "b");
      const c = await s.registerConsumer(st.id, "c", T0, T0, 20);
      assert.ok(typeof c === "object");
      assert.equal(await s.takeSubscription(c.id, 0, "t1", T0, 5000), "taken");
      assert.equal(await s.takeSubscription(c.id, 1, "u1", T0, 5000), "taken", "another shard is another subscription");
      assert.equal(await s.takeSubscription(c.id, 0, "t2", T0 + 4999, 5000), "busy");
      assert.equal(await s.holdsSubscription(c.id, 0, "t1"), true);
      assert.equal(await s.takeSubscription(c.id, 0, "t3", T0 + 5000, 5000), "taken");
      assert.equal(await s.holdsSubscription(c.id, 0, "t1"), false);
      await s.releaseSubscription(c.id, 0, "t1"); // not the holder: nothing
      assert.equal(await s.holdsSubscription(c.id, 0, "t3"), true);
      await s.releaseSubscription(c.id, 0, "t3");
      assert.equal(await s.takeSubscription(c.id, 0, "t4", T0 + 5001, 5000), "taken", "free again at once");
      assert.equal(await s.deregisterConsumer(c.id, T0 + 6000, T0 + 6000), true);
      assert.equal(await s.holdsSubscription(c.id, 0, "t4"), false);
      assert.equal(await s.holdsSubscription(c.id, 1, "u1"), false);
      assert.equal(await s.takeSubscription(c.id, 0, "t5", T0 + 7000, 5000), "gone");
    }));

    test("concurrent appends to the same shards number every record once, without gaps, in commit order", withStore(async (s) => {
      const st = await make(s, "race");
      const results = await Promise.all(Array.from({ length: 20 }, (_, call) =>
        s.append(st.id, Array.from({ length: 50 }, (_, i) => ({ shardIndex: i % 2, partitionKey: `c${call}`, data: Buffer.from(`${call}:${i}`) })), T0 + call)));
      const all = results.flatMap((c) => (Array.isArray(c) ? c : assert.fail(`append answered ${String(c)}`)));
      assert.equal(new Set(all.map((c, i) => `${i % 2}:${c}`)).size, 1000);
      for (const shard of [0, 1]) {
        const rows = await s.read(st.id, shard, 0, 10_000, 1e9);
        assert.deepEqual(rows.map((r) => r.counter), Array.from({ length: 500 }, (_, i) => i + 1));
        // Each call's records of a shard are consecutive and in call order.
        for (let call = 0; call < 20; call++) {
          const mine = rows.filter((r) => r.partitionKey === `c${call}`).map((r) => r.counter);
          assert.equal(mine[mine.length - 1] - mine[0], mine.length - 1);
          assert.deepEqual(mine.map((c) => Buffer.from(rows.find((r) => r.counter === c)!.data).toString().split(":")[1]), Array.from({ length: 25 }, (_, i) => String(i * 2 + shard)));
        }
      }
    }));

    test("read cuts at maxBytes (the first record always) within its limit, in one range scan", withStore(async (s) => {
      const st = await make(s, "c");
      const big = Buffer.alloc(1000, 1);
      await s.append(st.id, Array.from({ length: 10 }, (_, i) => ({ shardIndex: 0, partitionKey: `k${i}`, data: big })), T0);
      assert.deepEqual((await s.read(st.id, 0, 0, 100, 3500)).map((r) => r.counter), [1, 2, 3]);
      assert.deepEqual((await s.read(st.id, 0, 3, 100, 10)).map((r) => r.counter), [4]);
      assert.deepEqual((await s.read(st.id, 0, 3, 2, 1e9)).map((r) => r.counter), [4, 5]);
      assert.deepEqual((await s.read(st.id, 0, 10, 100, 1e9)).map((r) => r.counter), []);
      // 500 records of one PutRecords in one append, numbered in order across chunks.
      const counters = await s.append(st.id, Array.from({ length: 500 }, (_, i) => ({ shardIndex: i % 2, partitionKey: `p${i}`, data: Buffer.from([i & 255]) })), T0 + 1);
      assert.ok(Array.isArray(counters));
      assert.deepEqual(counters.slice(0, 4), [11, 1, 12, 2]);
      const all = await s.read(st.id, 1, 0, 10_000, 1e9);
      assert.equal(all.length, 250);
      assert.deepEqual(all.slice(0, 3).map((r) => [...r.data]), [[1], [3], [5]]);
    }));
  });
}
