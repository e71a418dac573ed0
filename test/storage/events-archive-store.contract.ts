// The contract of EventBridge's archive, replay, schedule and tag port (EventsStore.archives) and of the extras that
// commit with a delivery: one body of tests the SQLite and PostgreSQL adapters must pass unchanged.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { EventsStore } from "../../src/services/events/store.ts";
import type { QueueWrite, SqsStore } from "../../src/services/sqs/store.ts";
import type { EventsStoreFactory } from "./events-store.contract.ts";

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const R = "us-east-1";
const DAY = 86_400_000;
/** A delivery of SQS messages only. */
const W = (queues: QueueWrite[]) => ({ queues, topics: [], outbox: [] });

export function eventsArchiveStoreContract(name: string, factory: EventsStoreFactory): void {
  describe(`EventsArchiveStore contract: ${name}`, () => {
    const withStore = (fn: (s: EventsStore, q: SqsStore) => Promise<void>) => async () => {
      const h = await factory.open();
      try {
        await fn(h.events, h.sqs);
      } finally {
        await h.close();
      }
    };
    const archive = (name: string, retentionDays = 0, eventPattern?: string) =>
      ({ account: ACCT, region: R, name, bus: "default", eventPattern, retentionDays, state: "ENABLED", createdAt: T0 });

    test("archives: create once, describe, list by prefix, bus and state, update, delete", withStore(async (s) => {
      const a = await s.archives.createArchive(archive("a1", 1, "{\"source\":[\"x\"]}"));
      assert.ok(a);
      assert.equal(await s.archives.createArchive(archive("a1")), undefined);
      await s.archives.createArchive({ ...archive("b_1"), bus: "other" });
      await s.archives.createArchive(archive("a2"));
      assert.deepEqual((await s.archives.listArchives(ACCT, R, { prefix: "a" }, "", 10)).map((x) => x.name), ["a1", "a2"]);
      assert.deepEqual((await s.archives.listArchives(ACCT, R, { prefix: "" , bus: "other" }, "", 10)).map((x) => x.name), ["b_1"]);
      assert.deepEqual((await s.archives.listArchives(ACCT, R, { prefix: "b_" }, "", 10)).map((x) => x.name), ["b_1"]);
      assert.deepEqual((await s.archives.listArchives(ACCT, R, { prefix: "", state: "DISABLED" }, "", 10)), []);
      assert.deepEqual((await s.archives.listArchives(ACCT, R, { prefix: "" }, "a1", 1)).map((x) => x.name), ["a2"]);
      const u = await s.archives.updateArchive(a!.id, { retentionDays: 3, description: "d" });
      assert.equal(u?.retentionDays, 3);
      assert.equal(u?.description, "d");
      assert.equal(u?.eventPattern, "{\"source\":[\"x\"]}");
      assert.deepEqual((await s.archives.busArchives(ACCT, R, "default")).map((x) => x.name), ["a1", "a2"]);
      // Archive changes move the bus's change counter (PutEvents reloads its cached index).
      const v = await s.busVersion({ account: ACCT, region: R, name: "default" });
      assert.equal(await s.archives.deleteArchive(a!.id), true);
      assert.equal(await s.archives.deleteArchive(a!.id), false);
      assert.ok((await s.busVersion({ account: ACCT, region: R, name: "default" })) > v);
      // Creating and updating one move it too, read right after each (a store caching counters must not lag).
      const v2 = await s.busVersion({ account: ACCT, region: R, name: "default" });
      const again = (await s.archives.createArchive(archive("a3", 1)))!;
      const v3 = await s.busVersion({ account: ACCT, region: R, name: "default" });
      assert.ok(v3 > v2);
      await s.archives.updateArchive(again.id, { description: "x" });
      assert.ok((await s.busVersion({ account: ACCT, region: R, name: "default" })) > v3);
    }));

    test("archived events: written by deliver's extras, counted, paged by time window and archive time, trimmed by retention", withStore(async (s) => {
      const a = (await s.archives.createArchive(archive("w", 1)))!;
      const keep = (await s.archives.createArchive(archive("forever", 0)))!;
      const ev = (at: number, n: number) => ({ archiveId: a.id, at, size: 10 + n, event: JSON.stringify({ n }) });
      assert.equal(await s.deliver(W([]), T0, { archive: [ev(T0 - 5000, 1), ev(T0 - 3000, 2), ev(T0 - 3000, 3), { ...ev(T0, 4), archiveId: keep.id }] }), true);
      assert.equal(await s.deliver(W([]), T0 + 10, { archive: [ev(T0 - 3000, 5)] }), true);
      assert.deepEqual(await s.archives.archiveStats(a.id), { eventCount: 4, sizeBytes: 11 + 12 + 13 + 15 });
      const page1 = await s.archives.archivedPage(a.id, T0 - 4000, T0, T0 + 100, undefined, 2);
      assert.deepEqual(page1.map((e) => JSON.parse(e.event).n), [2, 3]);
      const page2 = await s.archives.archivedPage(a.id, T0 - 4000, T0, T0 + 100, { at: page1[1].at, id: page1[1].id }, 2);
      assert.deepEqual(page2.map((e) => JSON.parse(e.event).n), [5]);
      // Only what was archived by the given time.
      assert.deepEqual((await s.archives.archivedPage(a.id, T0 - 4000, T0, T0, undefined, 10)).map((e) => JSON.parse(e.event).n), [2, 3]);
      assert.equal(await s.archives.trimArchives(T0 + DAY, 100), 0);
      assert.equal(await s.archives.trimArchives(T0 + DAY + 1, 100), 3);
      assert.equal(await s.archives.trimArchives(T0 + DAY + 11, 100), 1);
      assert.deepEqual(await s.archives.archiveStats(a.id), { eventCount: 0, sizeBytes: 0 });
      assert.equal((await s.archives.archiveStats(keep.id)).eventCount, 1);
      // An archive deleted after the caller matched it: its copies are skipped, the delivery still commits.
      assert.equal(await s.archives.deleteArchive(keep.id), true);
      assert.equal(await s.deliver(W([]), T0, { archive: [{ ...ev(T0, 6), archiveId: keep.id }, ev(T0, 7)] }), true);
      assert.deepEqual(await s.archives.archiveStats(a.id), { eventCount: 1, sizeBytes: 17 });
    }));

    test("replays: start once, cancel only while running, steps guarded by RUNNING", withStore(async (s) => {
      const base = { account: ACCT, region: R, archive: "w", bus: "default", eventStart: T0, eventEnd: T0 + 1000, startedAt: T0 + 2000, baseUrl: "http://x" };
      const r = (await s.archives.startReplay({ ...base, name: "r1", state: "STARTING", filterArns: ["arn:x"] }))!;
      assert.deepEqual(r.filterArns, ["arn:x"]);
      assert.equal(await s.archives.startReplay({ ...base, name: "r1", state: "STARTING" }), undefined);
      assert.deepEqual((await s.archives.activeReplays(10)).map((x) => x.name), ["r1"]);
      // A step before RUNNING writes nothing, and nothing else of its delivery.
      assert.equal(await s.deliver(W([]), T0, { replay: { id: r.id, cursorAt: T0, cursorId: 1, lastReplayed: T0 } }), false);
      assert.equal(await s.archives.setReplayState(r.id, ["STARTING"], "RUNNING", T0), true);
      assert.equal(await s.archives.setReplayState(r.id, ["STARTING"], "RUNNING", T0), false);
      assert.equal(await s.deliver(W([]), T0, { replay: { id: r.id, cursorAt: T0 + 5, cursorId: 7, lastReplayed: T0 + 5 } }), true);
      let got = (await s.archives.getReplay(ACCT, R, "r1"))!;
      assert.deepEqual([got.cursorAt, got.cursorId, got.lastReplayed], [T0 + 5, 7, T0 + 5]);
      assert.equal((await s.archives.cancelReplay(r.id))?.state, "CANCELLING");
      assert.equal(await s.deliver(W([]), T0, { replay: { id: r.id, cursorAt: T0 + 9, cursorId: 9, lastReplayed: T0 + 9 } }), false);
      assert.equal(await s.archives.setReplayState(r.id, ["CANCELLING"], "CANCELLED", T0 + 3000), true);
      got = (await s.archives.getReplay(ACCT, R, "r1"))!;
      assert.deepEqual([got.state, got.endedAt, got.cursorId], ["CANCELLED", T0 + 3000, 7]);
      assert.equal((await s.archives.cancelReplay(r.id))?.state, "CANCELLED");
      const r2 = (await s.archives.startReplay({ ...base, name: "r2", state: "RUNNING" }))!;
      assert.equal(await s.deliver(W([]), T0, { replay: { id: r2.id, cursorAt: T0, cursorId: 0, lastReplayed: T0 + 1000, done: { at: T0 + 4000 } } }), true);
      got = (await s.archives.getReplay(ACCT, R, "r2"))!;
      assert.deepEqual([got.state, got.endedAt], ["COMPLETED", T0 + 4000]);
      assert.deepEqual((await s.archives.listReplays(ACCT, R, { prefix: "r", state: "COMPLETED" }, "", 10)).map((x) => x.name), ["r2"]);
      assert.deepEqual(await s.archives.activeReplays(10), []);
    }));

    test("schedules: set, replace, remove with the rule; due ones in order; a firing's advance is guarded and rolls back its messages", withStore(async (s, q) => {
      const key = { account: ACCT, region: R, name: "default" };
      const r1 = await s.putRule({ ...key, rule: "s1" }, { eventPattern: "", state: "ENABLED" }, T0);
      const r2 = await s.putRule({ ...key, rule: "s2" }, { eventPattern: "", state: "ENABLED" }, T0);
      const sched = (rule: string, nextAt?: number) => ({ account: ACCT, region: R, bus: "default", rule, expression: "rate(1 minute)", anchorAt: T0, nextAt, baseUrl: "http://x" });
      await s.archives.setSchedule(r1.id, sched("s1", T0 + 60_000));
      await s.archives.setSchedule(r2.id, sched("s2", T0 + 30_000));
      assert.equal(await s.archives.nextScheduleDue(), T0 + 30_000);
      assert.deepEqual((await s.archives.dueSchedules(T0 + 60_000, 10)).map((x) => x.rule), ["s2", "s1"]);
      assert.deepEqual([...(await s.archives.schedulesOf([r1.id, r2.id, 999])).keys()].sort(), [r1.id, r2.id].sort());
      const { queue } = await q.createQueue({ account: ACCT, region: R, name: "sched-q" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      const msg = { messageId: "m1", body: "b", md5OfBody: "x", senderId: ACCT, visibleAt: T0 };
      assert.equal(await s.deliver(W([{ queueId: queue.id, message: msg }]), T0 + 30_000, { schedule: { ruleId: r2.id, due: T0 + 30_000, next: T0 + 90_000 } }), true);
      // The same occurrence again (another node): nothing is written, its message neither.
      assert.equal(await s.deliver(W([{ queueId: queue.id, message: { ...msg, messageId: "m2" } }]), T0 + 30_000, { schedule: { ruleId: r2.id, due: T0 + 30_000, next: T0 + 90_000 } }), false);
      assert.equal((await q.counts(queue.id, T0 + 30_000, 0)).visible, 1);
      assert.equal(await s.archives.nextScheduleDue(), T0 + 60_000);
      await s.archives.setSchedule(r1.id, sched("s1", undefined));
      assert.equal(await s.archives.nextScheduleDue(), T0 + 90_000);
      await s.archives.setSchedule(r2.id, undefined);
      assert.equal(await s.archives.nextScheduleDue(), undefined);
      await s.archives.setSchedule(r2.id, sched("s2", T0));
      assert.equal(await s.deleteRule({ ...key, rule: "s2" }), "deleted");
      assert.equal(await s.archives.nextScheduleDue(), undefined);
      // A schedule for a rule deleted meanwhile is not stored (and does not fail).
      await s.archives.setSchedule(r2.id, sched("s2", T0));
      assert.equal(await s.archives.nextScheduleDue(), undefined);
    }));

    test("tags: in order, replaced by key, limited, removed, and gone with their rule or bus", withStore(async (s) => {
      const rule = await s.putRule({ account: ACCT, region: R, name: "default", rule: "t" }, { eventPattern: "{\"source\":[\"a\"]}", state: "ENABLED" }, T0);
      const owner = { arn: "arn:rule/t", ruleId: rule.id };
      assert.equal(await s.archives.tag(owner, [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }], 3), "ok");
      assert.equal(await s.archives.tag(owner, [{ Key: "a", Value: "3" }, { Key: "c", Value: "" }], 3), "ok");
      assert.deepEqual(await s.archives.listTags(owner.arn), [{ Key: "a", Value: "3" }, { Key: "b", Value: "2" }, { Key: "c", Value: "" }]);
      assert.equal(await s.archives.tag(owner, [{ Key: "d", Value: "4" }], 3), "limit");
      await s.archives.untag(owner.arn, ["b", "zz"]);
      assert.deepEqual((await s.archives.listTags(owner.arn)).map((t) => t.Key), ["a", "c"]);
      await s.deleteRule({ account: ACCT, region: R, name: "default", rule: "t" });
      assert.deepEqual(await s.archives.listTags(owner.arn), []);
      // Tagging a rule deleted after the caller found it writes nothing.
      assert.equal(await s.archives.tag(owner, [{ Key: "late", Value: "1" }], 3), "missing");
      assert.deepEqual(await s.archives.listTags(owner.arn), []);
      await s.createBus({ account: ACCT, region: R, name: "tb", createdAt: T0 });
      const busId = await s.archives.busId(ACCT, R, "tb");
      assert.ok(busId !== undefined);
      await s.archives.tag({ arn: "arn:bus/tb", busId }, [{ Key: "k", Value: "v" }], 50);
      await s.deleteBus({ account: ACCT, region: R, name: "tb" });
      assert.deepEqual(await s.archives.listTags("arn:bus/tb"), []);
    }));
  });
}
