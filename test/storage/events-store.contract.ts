// The EventBridge storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged. Each
// factory opens an EventBridge store and the SQS store on the same database (PutEvents writes SQS messages).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { EventsStore } from "../../src/services/events/store.ts";
import type { SqsStore } from "../../src/services/sqs/store.ts";

export interface EventsStoreFactory {
  open(): Promise<{ events: EventsStore; sqs: SqsStore; close(): Promise<void> }>;
}

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const bus = (name: string, account = ACCT, region = "us-east-1") => ({ account, region, name });
const rule = (b: string, r: string) => ({ ...bus(b), rule: r });
const P = JSON.stringify({ source: ["a"] });

export function eventsStoreContract(name: string, factory: EventsStoreFactory): void {
  describe(`EventsStore contract: ${name}`, () => {
    const withStore = (fn: (s: EventsStore, q: SqsStore) => Promise<void>) => async () => {
      const h = await factory.open();
      try {
        await fn(h.events, h.sqs);
      } finally {
        await h.close();
      }
    };

    test("buses: create once, keep accounts and regions apart, list by prefix in name order after a cursor", withStore(async (s) => {
      assert.equal(await s.createBus({ ...bus("b1"), description: "d", createdAt: T0 }), true);
      assert.equal(await s.createBus({ ...bus("b1"), createdAt: T0 + 1 }), false);
      assert.equal(await s.createBus({ ...bus("b1", "111111111111"), createdAt: T0 }), true);
      assert.equal(await s.createBus({ ...bus("b1", ACCT, "eu-west-1"), createdAt: T0 }), true);
      for (const n of ["b_2", "b3", "c1", "b%"]) await s.createBus({ ...bus(n), createdAt: T0 });
      const got = await s.getBus(bus("b1"));
      assert.deepEqual(got, { ...bus("b1"), description: "d", createdAt: T0 });
      // "_" and "%" in a prefix are literal characters, not LIKE wildcards.
      assert.deepEqual((await s.listBuses(ACCT, "us-east-1", "b_", "", 10)).map((b) => b.name), ["b_2"]);
      assert.deepEqual((await s.listBuses(ACCT, "us-east-1", "b", "", 10)).map((b) => b.name), ["b%", "b1", "b3", "b_2"]);
      assert.deepEqual((await s.listBuses(ACCT, "us-east-1", "b", "b1", 2)).map((b) => b.name), ["b3", "b_2"]);
    }));

    test("getBus sees every create, update and delete at once, and what it returns is the caller's copy", withStore(async (s) => {
      // The SQLite adapter keeps bus rows in memory (PutEvents checks its bus per request): reads must not lag writes.
      assert.equal(await s.getBus(bus("g")), undefined);
      await s.createBus({ ...bus("g"), description: "one", createdAt: T0 });
      const got = await s.getBus(bus("g"));
      assert.equal(got?.description, "one");
      (got as { description?: string }).description = "changed by the caller";
      assert.equal((await s.getBus(bus("g")))?.description, "one");
      assert.equal(await s.updateBus(bus("g"), "two", T0 + 1), true);
      assert.equal((await s.getBus(bus("g")))?.description, "two");
      assert.equal(await s.deleteBus(bus("g")), true);
      assert.equal(await s.getBus(bus("g")), undefined);
      await s.createBus({ ...bus("g"), createdAt: T0 + 2 });
      assert.equal((await s.getBus(bus("g")))?.createdAt, T0 + 2);
    }));

    test("rules: upsert keeps id and targets, list by prefix, state, delete refused with targets, bus deletion takes its rules", withStore(async (s) => {
      await s.createBus({ ...bus("x"), createdAt: T0 });
      const r1 = await s.putRule(rule("x", "r1"), { eventPattern: P, state: "ENABLED", description: "d" }, T0);
      assert.equal(r1.bus, "x");
      assert.equal(await s.putTargets(r1.id, [{ id: "t", arn: "arn:aws:sqs:us-east-1:000000000000:q" }], 5), "ok");
      const again = await s.putRule(rule("x", "r1"), { eventPattern: P, state: "DISABLED" }, T0 + 5);
      assert.equal(again.id, r1.id);
      assert.equal(again.createdAt, T0);
      assert.equal(again.description, undefined);
      assert.equal(again.state, "DISABLED");
      assert.equal((await s.listTargets(r1.id, "", 10)).length, 1);
      await s.putRule(rule("x", "r2"), { eventPattern: P, state: "ENABLED" }, T0);
      await s.putRule(rule("default", "r1"), { eventPattern: P, state: "ENABLED" }, T0);
      assert.deepEqual((await s.listRules(bus("x"), "r", "", 10)).map((r) => r.name), ["r1", "r2"]);
      assert.deepEqual((await s.listRules(bus("x"), "", "r1", 10)).map((r) => r.name), ["r2"]);
      assert.equal(await s.setRuleState(rule("x", "r1"), "ENABLED"), true);
      assert.equal(await s.setRuleState(rule("x", "nope"), "ENABLED"), false);
      assert.equal(await s.deleteRule(rule("x", "r1")), "has-targets");
      assert.equal(await s.deleteRule(rule("x", "nope")), "missing");
      assert.equal(await s.deleteRule(rule("x", "r2")), "deleted");
      assert.equal(await s.deleteBus(bus("x")), true);
      assert.equal(await s.getRule(rule("x", "r1")), undefined);
      assert.equal(await s.deleteBus(bus("x")), false);
      assert.ok(await s.getRule(rule("default", "r1")));
    }));

    test("targets: upsert by id, limit per rule, remove reports what existed, names by target, enabled rules carry targets", withStore(async (s) => {
      const q = "arn:aws:sqs:us-east-1:000000000000:q";
      const a = await s.putRule(rule("default", "a"), { eventPattern: P, state: "ENABLED" }, T0);
      const b = await s.putRule(rule("default", "b"), { eventPattern: P, state: "DISABLED" }, T0);
      await s.putTargets(a.id, [{ id: "1", arn: q, input: "{}" }, { id: "2", arn: q, inputPath: "$.detail", messageGroupId: "g" }], 3);
      await s.putTargets(a.id, [{ id: "1", arn: q }], 3);
      assert.deepEqual(await s.listTargets(a.id, "", 10), [{ id: "1", arn: q, input: undefined, inputPath: undefined, messageGroupId: undefined }, { id: "2", arn: q, input: undefined, inputPath: "$.detail", messageGroupId: "g" }].map((t) => ({ ...t })));
      assert.equal(await s.putTargets(a.id, [{ id: "3", arn: q }, { id: "4", arn: q }], 3), "limit");
      assert.equal(await s.putTargets(999_999, [{ id: "3", arn: q }], 3), "missing");
      assert.equal((await s.listTargets(a.id, "", 10)).length, 2);
      await s.putTargets(b.id, [{ id: "1", arn: q }], 3);
      assert.deepEqual(await s.ruleNamesByTarget(bus("default"), q, "", 10), ["a", "b"]);
      assert.deepEqual(await s.ruleNamesByTarget(bus("default"), q, "a", 10), ["b"]);
      const enabled = await s.enabledRules(bus("default"));
      assert.deepEqual(enabled.map((r) => [r.name, r.targets.map((t) => t.id)]), [["a", ["1", "2"]]]);
      assert.deepEqual(await s.removeTargets(a.id, ["2", "zz"]), ["2"]);
      assert.deepEqual((await s.listTargets(a.id, "", 10)).map((t) => t.id), ["1"]);
    }));

    test("busVersion grows with every change to a bus's rules and targets, also across re-creating the bus", withStore(async (s) => {
      const seen = [await s.busVersion(bus("v"))];
      const step = async (what: Promise<unknown>) => {
        await what;
        const v = await s.busVersion(bus("v"));
        assert.ok(v > seen[seen.length - 1], `version grows: ${seen.join(",")} then ${v}`);
        seen.push(v);
      };
      assert.equal(seen[0], 0);
      await s.createBus({ ...bus("v"), createdAt: T0 });
      await step(s.putRule(rule("v", "r"), { eventPattern: P, state: "ENABLED" }, T0));
      const r = (await s.getRule(rule("v", "r")))!;
      await step(s.putTargets(r.id, [{ id: "1", arn: "arn:aws:sqs:us-east-1:000000000000:q" }], 5));
      await step(s.setRuleState(rule("v", "r"), "DISABLED"));
      await step(s.removeTargets(r.id, ["1"]));
      await step(s.deleteRule(rule("v", "r")));
      await step(s.putRule(rule("v", "r2"), { eventPattern: P, state: "ENABLED" }, T0));
      await step(s.deleteBus(bus("v")));
      await s.createBus({ ...bus("v"), createdAt: T0 });
      assert.equal(await s.busVersion(bus("v")), seen[seen.length - 1]);
      assert.equal(await s.busVersion(bus("other")), 0);
    }));

    test("deliver writes queue messages in one transaction and skips queues deleted meanwhile", withStore(async (s, sqs) => {
      const { queue } = await sqs.createQueue({ account: ACCT, region: "us-east-1", name: "evq" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      const m = (id: string) => ({ messageId: id, body: id, md5OfBody: "x", senderId: ACCT, visibleAt: T0 });
      await s.deliver({ queues: [{ queueId: queue.id, message: m("m1") }, { queueId: 999_999, message: m("m2") }, { queueId: queue.id, message: m("m3") }], topics: [], outbox: [] }, T0);
      const got = await sqs.receive(queue.id, { max: 10, visibilityMs: 1000, now: T0 + 1, expiredBefore: 0, nonces: Array.from({ length: 10 }, (_, i) => `n${i}`.padEnd(16, "x")) });
      assert.deepEqual(got.map((x) => x.body).sort(), ["m1", "m3"]);
    }));

    test("deliver: an event fanned out to several queues (interleaved writes, more than 10 per queue) keeps each queue's order", withStore(async (s, sqs) => {
      const queues = await Promise.all(["fa", "fb", "fc"].map(async (n) => (await sqs.createQueue({ account: ACCT, region: "us-east-1", name: n }, { attributes: {}, retentionMs: 60_000 }, {}, T0)).queue));
      const m = (id: string) => ({ messageId: id, body: id, md5OfBody: "x", senderId: ACCT, visibleAt: T0 });
      // 13 events, each to the three queues in turn (what PutEvents writes for one rule with three targets).
      const writes = Array.from({ length: 13 }, (_, e) => queues.map((q, i) => ({ queueId: q.id, message: m(`q${i}-e${e}`) }))).flat();
      await s.deliver({ queues: writes, topics: [], outbox: [] }, T0);
      for (const [i, q] of queues.entries()) {
        const got: string[] = [];
        for (let round = 0; round < 3; round++) {
          const batch = await sqs.receive(q.id, { max: 10, visibilityMs: 60_000, now: T0 + 1, expiredBefore: 0, nonces: Array.from({ length: 10 }, (_, k) => `n${round}${k}`.padEnd(16, "x")) });
          got.push(...batch.map((x) => x.body));
        }
        assert.deepEqual(got, Array.from({ length: 13 }, (_, e) => `q${i}-e${e}`));
      }
    }));

    test("targets keep their settings; buses their description and modification time", withStore(async (s) => {
      await s.createBus({ ...bus("sb"), createdAt: T0 });
      const r = await s.putRule(rule("sb", "r"), { eventPattern: P, state: "ENABLED" }, T0);
      const settings = { RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:000000000000:dlq" }, InputTransformer: { InputTemplate: '"<aws.events.rule-name>"' } };
      await s.putTargets(r.id, [{ id: "t", arn: "arn:aws:sqs:us-east-1:000000000000:q", settings }], 5);
      assert.deepEqual((await s.listTargets(r.id, "", 10))[0].settings, settings);
      assert.deepEqual((await s.enabledRules(bus("sb")))[0].targets[0].settings, settings);
      await s.putTargets(r.id, [{ id: "t", arn: "arn:aws:sqs:us-east-1:000000000000:q" }], 5);
      assert.equal((await s.listTargets(r.id, "", 10))[0].settings, undefined);
      assert.equal(await s.updateBus(bus("sb"), "new", T0 + 5), true);
      assert.deepEqual(await s.getBus(bus("sb")), { ...bus("sb"), description: "new", createdAt: T0, modifiedAt: T0 + 5 });
      assert.equal(await s.updateBus(bus("none"), "x", T0), false);
    }));

    test("bus policies: changed in one transaction, kept by bus name (the default bus too), dropped with the bus", withStore(async (s) => {
      assert.equal(await s.busPolicy(bus("default")), undefined);
      await s.updateBusPolicy(bus("default"), (cur) => `${cur ?? ""}a`);
      await s.updateBusPolicy(bus("default"), (cur) => `${cur ?? ""}b`);
      assert.equal(await s.busPolicy(bus("default")), "ab");
      await assert.rejects(s.updateBusPolicy(bus("default"), () => {
        throw new Error("refused");
      }), /refused/);
      assert.equal(await s.busPolicy(bus("default")), "ab");
      // Concurrent changes do not lose each other's edits.
      await Promise.all(Array.from({ length: 10 }, () => s.updateBusPolicy(bus("default"), (cur) => `${cur ?? ""}x`)));
      assert.equal(await s.busPolicy(bus("default")), `ab${"x".repeat(10)}`);
      await s.updateBusPolicy(bus("default"), () => undefined);
      assert.equal(await s.busPolicy(bus("default")), undefined);
      await s.createBus({ ...bus("pb"), createdAt: T0 });
      await s.updateBusPolicy(bus("pb"), () => "p");
      await s.deleteBus(bus("pb"));
      await s.createBus({ ...bus("pb"), createdAt: T0 });
      assert.equal(await s.busPolicy(bus("pb")), undefined);
    }));

    test("documents: create once within a limit per account, save, list by prefix after a cursor, delete", withStore(async (s) => {
      assert.equal(await s.createDocument("connection", bus("c1"), "d1", 3), "ok");
      assert.equal(await s.createDocument("connection", bus("c1"), "again", 3), "exists");
      assert.equal(await s.createDocument("api-destination", bus("c1"), "other kind", 3), "ok");
      assert.equal(await s.createDocument("connection", bus("c1", "111111111111"), "other account", 3), "ok");
      assert.equal(await s.createDocument("connection", bus("c_2"), "d2", 3), "ok");
      assert.equal(await s.createDocument("connection", bus("d3"), "d3", 3), "ok");
      assert.equal(await s.createDocument("connection", bus("d4"), "d4", 3), "limit");
      assert.equal(await s.getDocument("connection", bus("c1")), "d1");
      assert.equal(await s.saveDocument("connection", bus("c1"), "d1b"), true);
      assert.equal(await s.saveDocument("connection", bus("zz"), "x"), false);
      assert.equal(await s.getDocument("connection", bus("c1")), "d1b");
      // Compare-and-set: only over the version expected.
      assert.equal(await s.saveDocument("connection", bus("c1"), "d1c", "d1"), false);
      assert.equal(await s.saveDocument("connection", bus("c1"), "d1c", "d1b"), true);
      assert.equal(await s.saveDocument("connection", bus("c1"), "d1b", "d1c"), true);
      assert.deepEqual(await s.listDocuments("connection", ACCT, "us-east-1", "c_", "", 10), [["c_2", "d2"]]);
      assert.deepEqual((await s.listDocuments("connection", ACCT, "us-east-1", "", "c1", 10)).map(([n]) => n), ["c_2", "d3"]);
      assert.equal(await s.deleteDocument("connection", bus("c1")), true);
      assert.equal(await s.deleteDocument("connection", bus("c1")), false);
      assert.equal(await s.getDocument("connection", bus("c1")), undefined);
      // Racing creations never pass the limit.
      const raced = await Promise.all(Array.from({ length: 8 }, (_, i) => s.createDocument("api-destination", bus(`r${i}`, "999999999999"), "x", 5)));
      assert.equal(raced.filter((r) => r === "ok").length, 5);
      assert.equal(raced.filter((r) => r === "limit").length, 3);
    }));
  });
}
