// The CloudWatch storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged. Each
// factory opens a CloudWatch store (and the outbox its transitions write to) on a database without their rows.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OutboxStore } from "../../src/delivery/store.ts";
import type { AlarmRecord, CloudWatchStore, HistoryItem, NewDatapoint } from "../../src/services/cloudwatch/store.ts";

export interface CloudWatchStoreFactory {
  open(): Promise<{ cw: CloudWatchStore; outbox: OutboxStore; close(): Promise<void> }>;
}

const T0 = Date.UTC(2026, 0, 1);
const A = "000000000000";
const key = { account: A, region: "us-east-1", namespace: "App", metric: "Latency", dims: '[["Api","get"]]' };
const point = (ts: number, v: number, extra: Partial<NewDatapoint> = {}): NewDatapoint =>
  ({ ...key, ts, unit: "None", sum: v, count: 1, min: v, max: v, values: [v], ...extra });
const alarm = (name: string, extra: Partial<AlarmRecord> = {}): Omit<AlarmRecord, "version"> => ({
  account: A, region: "us-east-1", name, config: { AlarmName: name, Threshold: 1 }, state: "INSUFFICIENT_DATA", stateReason: "Unchecked",
  stateUpdatedAt: T0, configUpdatedAt: T0, actionsEnabled: true, ...extra,
});
const hist = (name: string, ts: number, type: HistoryItem["type"] = "ConfigurationUpdate"): HistoryItem =>
  ({ account: A, region: "us-east-1", name, ts, type, summary: `${type} ${ts}`, data: "{}" });

export function cloudWatchStoreContract(name: string, factory: CloudWatchStoreFactory): void {
  describe(`CloudWatchStore contract: ${name}`, () => {
    const withStore = (fn: (s: CloudWatchStore, outbox: OutboxStore) => Promise<void>) => async () => {
      const { cw, outbox, close } = await factory.open();
      try {
        await fn(cw, outbox);
      } finally {
        await close();
      }
    };

    test("datapoints of one timestamp merge as statistic sets; a sampled gauge replaces; reads are by range", withStore(async (s) => {
      await s.putDatapoints([point(T0, 5), point(T0, 1), point(T0 + 60_000, 7)]);
      await s.putDatapoints([point(T0, 9)]);
      await s.putDatapoints([point(T0 + 120_000, 3, { replace: true }), point(T0 + 120_000, 4, { replace: true })]);
      const got = await s.datapoints(key, T0, T0 + 180_000);
      assert.deepEqual(got.map((p) => [p.ts, p.sum, p.count, p.min, p.max]), [[T0, 15, 3, 1, 9], [T0 + 60_000, 7, 1, 7, 7], [T0 + 120_000, 4, 1, 4, 4]]);
      assert.deepEqual([...got[0].values].sort((a, b) => a - b), [1, 5, 9]);
      assert.deepEqual((await s.datapoints(key, T0 + 60_000, T0 + 120_000)).map((p) => p.ts), [T0 + 60_000]);
      assert.deepEqual(await s.datapoints({ ...key, dims: "[]" }, T0, T0 + 180_000), []);
      // Units are kept apart.
      await s.putDatapoints([point(T0, 2, { unit: "Seconds" })]);
      assert.deepEqual((await s.datapoints(key, T0, T0 + 1)).map((p) => [p.unit, p.sum]).sort(), [["None", 15], ["Seconds", 2]]);
    }));

    test("kept raw values stop at 1,000 per datapoint", withStore(async (s) => {
      const many = Array.from({ length: 700 }, (_, i) => i);
      await s.putDatapoints([point(T0, 0, { values: many, count: 700 }), point(T0, 0, { values: many, count: 700 })]);
      const [p] = await s.datapoints(key, T0, T0 + 1);
      assert.equal(p.count, 1400);
      assert.equal(p.values.length, 1000);
    }));

    test("listMetrics: distinct metrics since a time, by namespace and name, after a cursor", withStore(async (s) => {
      await s.putDatapoints([
        point(T0, 1), point(T0 + 60_000, 1),
        { ...point(T0, 1), metric: "Errors" }, { ...point(T0, 1), namespace: "Other" }, { ...point(T0 - 86_400_000, 1), metric: "Old" },
        { ...point(T0, 1), account: "111111111111" },
      ]);
      const all = await s.listMetrics(A, "us-east-1", T0 - 1000, undefined, undefined, undefined, 10);
      assert.deepEqual(all.map((m) => `${m.namespace}/${m.metric}`), ["App/Errors", "App/Latency", "Other/Latency"]);
      assert.deepEqual((await s.listMetrics(A, "us-east-1", 0, "App", undefined, undefined, 10)).map((m) => m.metric), ["Errors", "Latency", "Old"]);
      assert.deepEqual((await s.listMetrics(A, "us-east-1", 0, undefined, "Latency", undefined, 10)).map((m) => m.namespace), ["App", "Other"]);
      assert.deepEqual((await s.listMetrics(A, "us-east-1", T0 - 1000, undefined, undefined, all[0], 1)).map((m) => m.metric), ["Latency"]);
    }));

    test("alarms: create, replace keeping the state, list, page, delete", withStore(async (s) => {
      await s.putAlarm(alarm("b"), hist("b", T0));
      await s.putAlarm(alarm("a"), hist("a", T0));
      await s.putAlarm(alarm("a", { config: { AlarmName: "a", Threshold: 2 }, state: "OK", actionsEnabled: false, configUpdatedAt: T0 + 5 }), hist("a", T0 + 5));
      const a = await s.getAlarm({ account: A, region: "us-east-1", name: "a" });
      assert.equal(a?.state, "INSUFFICIENT_DATA");
      assert.deepEqual(a?.config, { AlarmName: "a", Threshold: 2 });
      assert.equal(a?.actionsEnabled, false);
      assert.equal(a?.configUpdatedAt, T0 + 5);
      assert.deepEqual((await s.listAlarms(A, "us-east-1", "", 10)).map((x) => x.name), ["a", "b"]);
      assert.deepEqual((await s.listAlarms(A, "us-east-1", "a", 10)).map((x) => x.name), ["b"]);
      assert.deepEqual((await s.alarmsPage(undefined, 1)).map((x) => x.name), ["a"]);
      assert.deepEqual((await s.alarmsPage(a, 5)).map((x) => x.name), ["b"]);
      await s.setActionsEnabled(A, "us-east-1", ["a", "b"], true, []);
      assert.equal((await s.getAlarm({ account: A, region: "us-east-1", name: "a" }))?.actionsEnabled, true);
      await s.deleteAlarms(A, "us-east-1", ["a"]);
      assert.deepEqual((await s.listAlarms(A, "us-east-1", "", 10)).map((x) => x.name), ["b"]);
    }));

    test("transition: compare-and-set on the version, with history and outbox rows in the same write", withStore(async (s, outbox) => {
      await s.putAlarm(alarm("x"), hist("x", T0));
      const a = (await s.getAlarm({ account: A, region: "us-east-1", name: "x" }))!;
      const to = { state: "ALARM" as const, reason: "Threshold Crossed", reasonData: "{}", at: T0 + 60_000 };
      const row = { kind: "sns.topic", target: "arn:aws:sns:us-east-1:000000000000:t", payload: "{}", dueAt: T0 + 60_000 };
      assert.equal(await s.transition(a, a.version, to, [hist("x", T0 + 60_000, "StateUpdate")], [row]), true);
      // The same version again: another change came first; nothing written.
      assert.equal(await s.transition(a, a.version, { ...to, state: "OK" }, [hist("x", T0 + 60_001, "StateUpdate")], [row]), false);
      const now = (await s.getAlarm(a))!;
      assert.deepEqual([now.state, now.stateReason, now.stateReasonData, now.stateUpdatedAt], ["ALARM", "Threshold Crossed", "{}", T0 + 60_000]);
      assert.ok(now.version > a.version);
      const claimed = await outbox.claim(T0 + 60_000, 1000, 10);
      assert.deepEqual(claimed.map((r) => [r.kind, r.target]), [["sns.topic", "arn:aws:sns:us-east-1:000000000000:t"]]);
      const h = await s.history({ account: A, region: "us-east-1", name: "x", from: 0, to: Number.MAX_SAFE_INTEGER, ascending: true, limit: 10 });
      assert.deepEqual(h.map((x) => x.type), ["ConfigurationUpdate", "StateUpdate"]);
    }));

    test("history: filters, both orders, paging by id, sweep", withStore(async (s) => {
      for (let i = 0; i < 5; i++) await s.putAlarm(alarm(i % 2 ? "odd" : "even"), hist(i % 2 ? "odd" : "even", T0 + i, i === 4 ? "StateUpdate" : "ConfigurationUpdate"));
      const q = { account: A, region: "us-east-1", from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 };
      const desc = await s.history({ ...q, ascending: false });
      assert.deepEqual(desc.map((x) => x.ts), [T0 + 4, T0 + 3, T0 + 2, T0 + 1, T0]);
      const page = await s.history({ ...q, ascending: false, after: desc[1].id, limit: 2 });
      assert.deepEqual(page.map((x) => x.ts), [T0 + 2, T0 + 1]);
      assert.deepEqual((await s.history({ ...q, ascending: true, name: "odd" })).map((x) => x.ts), [T0 + 1, T0 + 3]);
      assert.deepEqual((await s.history({ ...q, ascending: true, type: "StateUpdate" })).map((x) => x.ts), [T0 + 4]);
      assert.deepEqual((await s.history({ ...q, ascending: true, from: T0 + 2, to: T0 + 4 })).map((x) => x.ts), [T0 + 2, T0 + 3]);
      await s.putDatapoints([point(T0, 1), point(T0 + 10, 1)]);
      assert.equal(await s.sweep(T0 + 3), 4);
      assert.deepEqual((await s.history({ ...q, ascending: true })).map((x) => x.ts), [T0 + 3, T0 + 4]);
      assert.deepEqual((await s.datapoints(key, 0, T0 + 100)).map((p) => p.ts), [T0 + 10]);
    }));
  });
}
