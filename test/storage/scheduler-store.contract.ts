// The EventBridge Scheduler storage contract: one body of tests the SQLite and PostgreSQL adapters must pass
// unchanged. Each factory opens a scheduler store (and the outbox its firings write to) on a database without their
// rows; `second` (PostgreSQL) opens another store on the same database, as a second node would.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OutboxStore } from "../../src/delivery/store.ts";
import type { FirePlan, NewSchedule, ScheduleRecord, SchedulerStore } from "../../src/services/scheduler/store.ts";

export interface SchedulerStoreFactory {
  open(): Promise<{ store: SchedulerStore; outbox: OutboxStore; second?: () => Promise<SchedulerStore>; close(): Promise<void> }>;
}

const T0 = Date.UTC(2026, 0, 1);
const A = "000000000000";
const R = "us-east-1";
const sched = (name: string, extra: Partial<NewSchedule> = {}): NewSchedule => ({
  account: A, region: R, group: "default", name, state: "ENABLED", baseUrl: "http://x",
  config: { ScheduleExpression: "rate(1 minute)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: "arn:aws:sqs:us-east-1:000000000000:q", RoleArn: "r" }, anchorAt: T0 },
  nextAt: T0, createdAt: T0, modifiedAt: T0, ...extra,
});
const item = (s: ScheduleRecord) => ({ kind: "scheduler.target", target: s.config.Target.Arn, detail: s.name, payload: s.name, dueAt: s.nextAt! });

export function schedulerStoreContract(name: string, factory: SchedulerStoreFactory): void {
  describe(`SchedulerStore contract: ${name}`, () => {
    const withStore = (fn: (s: SchedulerStore, outbox: OutboxStore, second?: () => Promise<SchedulerStore>) => Promise<void>) => async () => {
      const h = await factory.open();
      try {
        await fn(h.store, h.outbox, h.second);
      } finally {
        await h.close();
      }
    };

    test("groups: the default group is made once; create refuses a duplicate; list by prefix after a cursor; tags; count", withStore(async (s) => {
      await s.ensureDefaultGroup(A, R, T0);
      await s.ensureDefaultGroup(A, R, T0 + 5);
      assert.equal((await s.getGroup(A, R, "default"))?.createdAt, T0);
      assert.equal(await s.createGroup({ account: A, region: R, name: "a-1", tags: [{ Key: "k", Value: "v" }], createdAt: T0, modifiedAt: T0 }), true);
      assert.equal(await s.createGroup({ account: A, region: R, name: "a-1", tags: [], createdAt: T0, modifiedAt: T0 }), false);
      for (const n of ["a-2", "A-3", "a_4", "b"]) await s.createGroup({ account: A, region: R, name: n, tags: [], createdAt: T0, modifiedAt: T0 });
      await s.createGroup({ account: "111111111111", region: R, name: "a-9", tags: [], createdAt: T0, modifiedAt: T0 });
      assert.deepEqual((await s.listGroups(A, R, "a-", undefined, 10)).map((g) => g.name), ["a-1", "a-2"]);
      assert.deepEqual((await s.listGroups(A, R, "a", "a-1", 10)).map((g) => g.name), ["a-2", "a_4"]);
      assert.deepEqual((await s.listGroups(A, R, undefined, undefined, 10)).map((g) => g.name), ["A-3", "a-1", "a-2", "a_4", "b", "default"]);
      assert.equal(await s.countGroups(A, R), 6);
      assert.deepEqual((await s.getGroup(A, R, "a-1"))?.tags, [{ Key: "k", Value: "v" }]);
      assert.equal(await s.setGroupTags(A, R, "a-1", [], T0 + 1), true);
      assert.deepEqual((await s.getGroup(A, R, "a-1"))?.tags, []);
      assert.equal((await s.getGroup(A, R, "a-1"))?.modifiedAt, T0 + 1);
      assert.equal(await s.setGroupTags(A, R, "missing", [], T0), false);
    }));

    test("schedules: create (duplicate, missing group), get, update, delete; deleting a group deletes its schedules", withStore(async (s) => {
      await s.ensureDefaultGroup(A, R, T0);
      assert.equal(await s.createSchedule(sched("one")), "ok");
      assert.equal(await s.createSchedule(sched("one")), "exists");
      assert.equal(await s.createSchedule(sched("x", { group: "nope" })), "no-group");
      const got = await s.getSchedule(A, R, "default", "one");
      assert.equal(got?.nextAt, T0);
      assert.deepEqual(got?.config, sched("one").config);
      assert.equal(await s.updateSchedule(sched("one", { state: "DISABLED", nextAt: undefined, modifiedAt: T0 + 9 })), true);
      const up = await s.getSchedule(A, R, "default", "one");
      assert.equal(up?.state, "DISABLED");
      assert.equal(up?.nextAt, undefined);
      assert.equal(up?.modifiedAt, T0 + 9);
      assert.equal(await s.updateSchedule(sched("none")), false);
      await s.createGroup({ account: A, region: R, name: "g", tags: [], createdAt: T0, modifiedAt: T0 });
      assert.equal(await s.createSchedule(sched("in-g", { group: "g" })), "ok");
      assert.equal(await s.deleteGroup(A, R, "g"), true);
      assert.equal(await s.getSchedule(A, R, "g", "in-g"), undefined);
      assert.equal(await s.deleteGroup(A, R, "g"), false);
      assert.equal(await s.deleteSchedule(A, R, "default", "one"), true);
      assert.equal(await s.deleteSchedule(A, R, "default", "one"), false);
    }));

    test("listSchedules filters by group, exact prefix and state, and pages by (group, name)", withStore(async (s) => {
      await s.ensureDefaultGroup(A, R, T0);
      await s.createGroup({ account: A, region: R, name: "g", tags: [], createdAt: T0, modifiedAt: T0 });
      for (const [g, n, st] of [["default", "job-1", "ENABLED"], ["default", "job-2", "DISABLED"], ["g", "job-1", "ENABLED"], ["g", "jo%b", "ENABLED"], ["default", "other", "ENABLED"]] as const) {
        await s.createSchedule(sched(n, { group: g, state: st }));
      }
      const key = (r: ScheduleRecord) => `${r.group}/${r.name}`;
      assert.deepEqual((await s.listSchedules(A, R, {}, undefined, 10)).map(key), ["default/job-1", "default/job-2", "default/other", "g/jo%b", "g/job-1"]);
      assert.deepEqual((await s.listSchedules(A, R, { prefix: "job" }, undefined, 10)).map(key), ["default/job-1", "default/job-2", "g/job-1"]);
      assert.deepEqual((await s.listSchedules(A, R, { prefix: "jo%" }, undefined, 10)).map(key), ["g/jo%b"]);
      assert.deepEqual((await s.listSchedules(A, R, { prefix: "JOB" }, undefined, 10)).map(key), []);
      assert.deepEqual((await s.listSchedules(A, R, { group: "g" }, undefined, 10)).map(key), ["g/jo%b", "g/job-1"]);
      assert.deepEqual((await s.listSchedules(A, R, { state: "DISABLED" }, undefined, 10)).map(key), ["default/job-2"]);
      assert.deepEqual((await s.listSchedules(A, R, {}, ["default", "other"], 2)).map(key), ["g/jo%b", "g/job-1"]);
    }));

    test("fireDue: due schedules earliest first, advanced or deleted with their outbox rows in one transaction; nextDue", withStore(async (s, outbox) => {
      await s.ensureDefaultGroup(A, R, T0);
      await s.createSchedule(sched("late", { nextAt: T0 + 100 }));
      await s.createSchedule(sched("early", { nextAt: T0 + 10 }));
      await s.createSchedule(sched("done", { nextAt: T0 + 20 }));
      await s.createSchedule(sched("future", { nextAt: T0 + 10_000 }));
      await s.createSchedule(sched("idle", { nextAt: undefined }));
      assert.equal(await s.nextDue(), T0 + 10);
      const seen: string[] = [];
      const plan = (r: ScheduleRecord): FirePlan => {
        seen.push(r.name);
        return r.name === "done" ? { next: undefined, delete: true, outbox: [item(r)] } : { next: r.nextAt! + 1000, delete: false, outbox: [item(r)] };
      };
      assert.equal(await s.fireDue(T0 + 100, 2, plan), 2);
      assert.deepEqual(seen, ["early", "done"]);
      assert.equal(await s.fireDue(T0 + 100, 10, plan), 1);
      assert.deepEqual(seen, ["early", "done", "late"]);
      assert.equal(await s.fireDue(T0 + 100, 10, plan), 0);
      assert.equal((await s.getSchedule(A, R, "default", "early"))?.nextAt, T0 + 1010);
      assert.equal(await s.getSchedule(A, R, "default", "done"), undefined);
      assert.equal(await s.nextDue(), T0 + 1010);
      const rows = await outbox.claim(T0 + 200, 1000, 10);
      assert.deepEqual(rows.map((r) => r.payload).sort(), ["done", "early", "late"]);
      // A plan that throws writes nothing.
      await assert.rejects(s.fireDue(T0 + 5000, 10, () => {
        throw new Error("boom");
      }));
      assert.equal((await s.getSchedule(A, R, "default", "early"))?.nextAt, T0 + 1010);
    }));

    test("two nodes firing at once claim each due schedule once", withStore(async (s, outbox, second) => {
      await s.ensureDefaultGroup(A, R, T0);
      for (let i = 0; i < 60; i++) await s.createSchedule(sched(`n${i}`, { nextAt: T0 + i }));
      const other = second ? await second() : s;
      const fired: string[] = [];
      const plan = (r: ScheduleRecord): FirePlan => {
        fired.push(r.name);
        return { next: undefined, delete: false, outbox: [item(r)] };
      };
      const loop = async (st: SchedulerStore) => {
        while ((await st.fireDue(T0 + 100, 7, plan)) > 0);
      };
      await Promise.all([loop(s), loop(other), loop(s), loop(other)]);
      assert.equal(fired.length, 60);
      assert.equal(new Set(fired).size, 60);
      assert.equal((await outbox.claim(T0 + 1000, 1000, 100)).length, 60);
    }));
  });
}
