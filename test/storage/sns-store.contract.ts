// The SNS storage contract: one body of tests the SQLite and PostgreSQL adapters must pass unchanged. Each
// factory opens an SNS store and the SQS store on the same database (publishes write SQS messages).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SnsStore } from "../../src/services/sns/store.ts";
import type { SqsStore } from "../../src/services/sqs/store.ts";
import type { OutboxStore } from "../../src/delivery/store.ts";

export interface SnsStoreFactory {
  /** The SNS store, the SQS store and the delivery outbox on one database (publishes write queue messages and outbox rows). */
  open(): Promise<{ sns: SnsStore; sqs: SqsStore; outbox: OutboxStore; close(): Promise<void> }>;
}

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const key = (name: string, account = ACCT, region = "us-east-1") => ({ account, region, name });
const sub = (arn: string, protocol = "sqs", endpoint = "arn:aws:sqs:us-east-1:000000000000:q", confirmed = true) =>
  ({ arn, owner: ACCT, protocol, endpoint, attributes: {}, confirmed, token: confirmed ? undefined : `tok-${arn}` });
const msg = (id: string, body: string) => ({ messageId: id, body, md5OfBody: "x", senderId: "sns", visibleAt: T0 });
const nonces = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`.padEnd(16, "x"));

export function snsStoreContract(name: string, factory: SnsStoreFactory): void {
  describe(`SnsStore contract: ${name}`, () => {
    const withStore = (fn: (s: SnsStore, q: SqsStore, o: OutboxStore) => Promise<void>) => async () => {
      const h = await factory.open();
      try {
        await fn(h.sns, h.sqs, h.outbox);
      } finally {
        await h.close();
      }
    };

    test("createTopic is idempotent, keeps accounts and regions apart, lists by name", withStore(async (s) => {
      const a = await s.createTopic(key("t1"), { DisplayName: "x" }, { env: "test" }, T0);
      assert.equal(a.created, true);
      assert.deepEqual(a.topic.attributes, { DisplayName: "x" });
      assert.deepEqual(a.topic.tags, { env: "test" });
      const again = await s.createTopic(key("t1"), {}, {}, T0);
      assert.equal(again.created, false);
      assert.equal(again.topic.id, a.topic.id);
      await s.createTopic(key("t1", "111111111111"), {}, {}, T0);
      await s.createTopic(key("t1", ACCT, "eu-west-1"), {}, {}, T0);
      await s.createTopic(key("t0"), {}, {}, T0);
      await s.createTopic(key("t2"), {}, {}, T0);
      assert.deepEqual((await s.listTopics(ACCT, "us-east-1", "", 10)).map((t) => t.name), ["t0", "t1", "t2"]);
      assert.deepEqual((await s.listTopics(ACCT, "us-east-1", "t0", 1)).map((t) => t.name), ["t1"]);
      await s.setTopicAttributes(a.topic.id, { DisplayName: "y" });
      await s.setTopicTags(a.topic.id, {});
      const got = await s.getTopic(key("t1"));
      assert.deepEqual(got?.attributes, { DisplayName: "y" });
      assert.deepEqual(got?.tags, {});
      await s.deleteTopic(a.topic.id);
      assert.equal(await s.getTopic(key("t1")), undefined);
    }));

    test("subscriptions: idempotent per endpoint, tokens, confirm, counts, unsubscribe, pages", withStore(async (s) => {
      const { topic } = await s.createTopic(key("subs"), {}, {}, T0);
      const tArn = "arn:aws:sns:us-east-1:000000000000:subs";
      const a = await s.subscribe(topic.id, sub(`${tArn}:00000000-0000-0000-0000-000000000001`), T0);
      assert.equal(a.created, true);
      const dup = await s.subscribe(topic.id, sub(`${tArn}:00000000-0000-0000-0000-000000000009`), T0);
      assert.equal(dup.created, false);
      assert.equal(dup.subscription.arn, a.subscription.arn);
      const p = await s.subscribe(topic.id, sub(`${tArn}:00000000-0000-0000-0000-000000000002`, "https", "https://example.com/", false), T0);
      assert.equal(p.subscription.confirmed, false);
      assert.deepEqual(await s.subscriptionCounts(topic.id), { confirmed: 1, pending: 1 });
      assert.equal((await s.subscriptionByToken(p.subscription.token!))?.arn, p.subscription.arn);
      await s.confirmSubscription(p.subscription.arn);
      assert.equal((await s.getSubscription(p.subscription.arn))?.confirmed, true);
      assert.equal(await s.subscriptionByToken(p.subscription.token!), undefined);
      await s.setSubscriptionAttributes(a.subscription.arn, { RawMessageDelivery: "true" });
      assert.deepEqual((await s.getSubscription(a.subscription.arn))?.attributes, { RawMessageDelivery: "true" });
      const byTopic = await s.listSubscriptionsByTopic(topic.id, 0, 1);
      assert.equal(byTopic.length, 1);
      assert.equal((await s.listSubscriptionsByTopic(topic.id, byTopic[0].id, 10)).length, 1);
      assert.equal((await s.listSubscriptions(ACCT, "us-east-1", 0, 10)).length, 2);
      assert.equal((await s.listSubscriptions(ACCT, "eu-west-1", 0, 10)).length, 0);
      assert.equal(await s.unsubscribe(a.subscription.arn), true);
      assert.equal(await s.unsubscribe(a.subscription.arn), false);
      assert.equal((await s.getTopic(key("subs")))?.subscriptionsDeleted, 1);
      await s.deleteTopic(topic.id);
      assert.equal(await s.getSubscription(p.subscription.arn), undefined);
    }));

    test("publish writes queue messages, outbox rows and sink records together; skips deleted queues", withStore(async (s, q) => {
      const { queue } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "fan" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      const { queue: gone } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "gone" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      await q.deleteQueue(gone.id, T0);
      await s.publish({
        queues: [{ queueId: queue.id, message: msg("m1", "one") }, { queueId: gone.id, message: msg("m2", "lost") }, { queueId: queue.id, message: msg("m3", "two") }],
        outbox: [{ subscriptionArn: "arn:x", kind: "notification", payload: "{}", dueAt: T0 }],
        sinks: [{ sink: "sms", account: ACCT, region: "us-east-1", target: "+15550100", payload: "{\"m\":1}" }],
      }, T0);
      const got = await q.receive(queue.id, { max: 10, visibilityMs: 1000, now: T0, expiredBefore: 0, nonces: nonces(10) });
      assert.deepEqual(got.map((m) => m.body), ["one", "two"]);
      const sms = await s.sinkMessages("sms", ACCT, "us-east-1");
      assert.equal(sms.length, 1);
      assert.equal(sms[0].target, "+15550100");
      assert.equal((await s.sinkMessages("sms", "111111111111")).length, 0);
      await s.clearSink("sms");
      assert.equal((await s.sinkMessages("sms")).length, 0);
    }));

    test("dedup claims: a second publish within the window writes nothing and names the first", withStore(async (s, q) => {
      const { topic } = await s.createTopic(key("d.fifo"), { FifoTopic: "true" }, {}, T0);
      const { queue } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "dq" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      const claim = (id: string, at: number) => ({ topicId: topic.id, dedupId: "d1", messageId: id, sequenceNumber: `${at}`, expiresAt: at + 300_000 });
      const write = (body: string) => ({ queues: [{ queueId: queue.id, message: msg(body, body) }], outbox: [], sinks: [] });
      assert.deepEqual(await s.publish(write("a"), T0, claim("a", T0)), {});
      assert.deepEqual(await s.publish(write("b"), T0 + 1000, claim("b", T0 + 1000)), { duplicateOf: { messageId: "a", sequenceNumber: `${T0}` } });
      assert.deepEqual(await s.publish(write("c"), T0 + 300_001, claim("c", T0 + 300_001)), {});
      const got = await q.receive(queue.id, { max: 10, visibilityMs: 1000, now: T0 + 300_001, expiredBefore: 0, nonces: nonces(10) });
      assert.deepEqual(got.map((m) => m.body), ["a", "c"]);
      assert.equal(await s.nextSequence(topic.id), 1);
      assert.equal(await s.nextSequence(topic.id), 2);
    }));

    test("publish and unsubscribe write SNS HTTP/S work into the delivery outbox in their transaction", withStore(async (s, _q, o) => {
      await s.publish({ queues: [], sinks: [], outbox: [
        { subscriptionArn: "a", kind: "notification", payload: "1", dueAt: T0 },
        { subscriptionArn: "b", kind: "notification", payload: "2", dueAt: T0 + 5000 },
      ] }, T0);
      const first = await o.claim(T0, 30_000, 10);
      assert.deepEqual(first.map((r) => [r.kind, r.target, r.detail, r.payload, r.attempts]), [["sns.http", "a", "notification", "1", 0]]);
      assert.equal(await o.nextDue(), T0 + 5000);
    }));

    test("archive pages in (publishedAt, id) order within a window; sweeps drop expired archive and dedup rows", withStore(async (s) => {
      const { topic } = await s.createTopic(key("arch.fifo"), { FifoTopic: "true" }, {}, T0);
      const archive = (message: string, expiresAt: number) => ({ queues: [], outbox: [], sinks: [], archive: [{ topicId: topic.id, message, expiresAt }] });
      await s.publish(archive("old", T0 + 1000), T0);
      await s.publish(archive("a", T0 + 1_000_000), T0 + 10_000);
      await s.publish(archive("b", T0 + 1_000_000), T0 + 10_000);
      await s.publish(archive("late", T0 + 1_000_000), T0 + 20_000);
      const all = await s.archivedPage(topic.id, { publishedAt: 0, id: 0 }, 0, Number.MAX_SAFE_INTEGER, 10);
      assert.deepEqual(all.map((a) => a.message), ["old", "a", "b", "late"]);
      const first = await s.archivedPage(topic.id, { publishedAt: 0, id: 0 }, T0 + 1, T0 + 10_000, 1);
      assert.deepEqual(first.map((a) => [a.message, a.publishedAt]), [["a", T0 + 10_000]]);
      const next = await s.archivedPage(topic.id, first[0], T0 + 1, T0 + 10_000, 10);
      assert.deepEqual(next.map((a) => a.message), ["b"]);
      const claim = (id: string, expiresAt: number) => ({ topicId: topic.id, dedupId: id, messageId: id, sequenceNumber: "1", expiresAt });
      await s.publish({ queues: [], outbox: [], sinks: [] }, T0, claim("gone", T0 + 300_000));
      await s.publish({ queues: [], outbox: [], sinks: [] }, T0, claim("kept", T0 + 900_000));
      assert.deepEqual(await s.sweepExpired(T0 + 300_000), { dedup: 1, archive: 1 });
      assert.deepEqual(await s.sweepExpired(T0 + 300_000), { dedup: 0, archive: 0 });
      assert.deepEqual((await s.archivedPage(topic.id, { publishedAt: 0, id: 0 }, 0, Number.MAX_SAFE_INTEGER, 10)).map((a) => a.message), ["a", "b", "late"]);
      // The unexpired claim still deduplicates.
      assert.deepEqual(await s.publish({ queues: [], outbox: [], sinks: [] }, T0 + 300_000, claim("kept", T0 + 900_000)), { duplicateOf: { messageId: "kept", sequenceNumber: "1" } });
    }));

    test("replays: started Pending, listed while active, advanced with their deliveries, replaced ones write nothing", withStore(async (s, q) => {
      const { topic } = await s.createTopic(key("rep.fifo"), { FifoTopic: "true" }, {}, T0);
      const arn = "arn:aws:sns:us-east-1:000000000000:rep.fifo:00000000-0000-0000-0000-000000000001";
      await s.subscribe(topic.id, sub(arn), T0);
      const { queue } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "rq" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      assert.equal(await s.replayStatus(arn), undefined);
      await s.startReplay({ subscriptionArn: arn, replayId: "r1", baseUrl: "http://x", topicId: topic.id, startingAt: T0 - 5000 }, T0);
      assert.equal(await s.replayStatus(arn), "Pending");
      const [active] = await s.activeReplays(10);
      assert.deepEqual(active, { subscriptionArn: arn, replayId: "r1", baseUrl: "http://x", topicId: topic.id, startingAt: T0 - 5000, after: { publishedAt: 0, id: 0 }, status: "Pending", createdAt: T0 });
      const step = (replayId: string, body: string, status: "In progress" | "Completed") => s.publish({
        queues: [{ queueId: queue.id, message: msg(body, body) }], outbox: [], sinks: [],
        replay: { subscriptionArn: arn, replayId, cursor: { publishedAt: T0, id: 7 }, status },
      }, T0);
      assert.deepEqual(await step("r1", "one", "In progress"), {});
      assert.equal((await s.activeReplays(10))[0].after.id, 7);
      // A new replay replaces the first: the old one's next step writes nothing.
      await s.startReplay({ subscriptionArn: arn, replayId: "r2", baseUrl: "http://x", topicId: topic.id, startingAt: T0 - 1000, endingAt: T0 }, T0 + 1);
      assert.deepEqual(await step("r1", "stale", "Completed"), { replaced: true });
      assert.deepEqual((await s.activeReplays(10)).map((r) => [r.replayId, r.after.id, r.endingAt]), [["r2", 0, T0]]);
      assert.deepEqual(await step("r2", "two", "Completed"), {});
      assert.equal(await s.replayStatus(arn), "Completed");
      assert.deepEqual(await s.activeReplays(10), []);
      const got = await q.receive(queue.id, { max: 10, visibilityMs: 1000, now: T0, expiredBefore: 0, nonces: nonces(10) });
      assert.deepEqual(got.map((m) => m.body), ["one", "two"]);
      await s.unsubscribe(arn);
      assert.equal(await s.replayStatus(arn), undefined);
    }));

    test("publish into a FIFO queue: the queue's deduplication and sequence numbers apply in the same transaction", withStore(async (s, q) => {
      const { queue } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "pf.fifo" }, { attributes: { FifoQueue: "true" }, retentionMs: 60_000 }, {}, T0);
      const fifo = (id: string, group: string, dedup: string) => ({
        queueId: queue.id, fifo: { dedupWindowMs: 300_000 },
        message: { ...msg(id, id), messageGroupId: group, deduplicationId: dedup, dedupKey: dedup },
      });
      await s.publish({ queues: [fifo("a1", "a", "d1"), fifo("b1", "b", "d2"), fifo("dup", "a", "d1")], outbox: [], sinks: [] }, T0);
      await s.publish({ queues: [fifo("a2", "a", "d3"), fifo("again", "b", "d2")], outbox: [], sinks: [] }, T0 + 1000);
      const got = await q.receive(queue.id, { max: 10, visibilityMs: 1000, now: T0 + 1000, expiredBefore: 0, nonces: nonces(10), fifo: { attemptWindowMs: 0 } });
      assert.deepEqual(got.map((m) => [m.body, m.messageGroupId, m.deduplicationId, m.sequenceNumber]), [["a1", "a", "d1", 1], ["a2", "a", "d3", 3], ["b1", "b", "d2", 2]]);
      // An existing FIFO send with the same key within the window is a duplicate too.
      const [r] = await q.enqueueFifo(queue.id, [{ ...msg("x", "x"), messageGroupId: "a", deduplicationId: "d3", dedupKey: "d3" }], T0 + 2000, 300_000);
      assert.deepEqual(r, { messageId: "a2", sequenceNumber: 3, duplicate: true });
    }));

    test("platform applications and endpoints; the signing key is made once", withStore(async (s) => {
      const app = { arn: "arn:aws:sns:us-east-1:000000000000:app/GCM/a", account: ACCT, region: "us-east-1", name: "a", platform: "GCM", attributes: { Enabled: "true" } };
      await s.putPlatformApplication(app);
      assert.deepEqual(await s.getPlatformApplication(app.arn), app);
      assert.equal((await s.listPlatformApplications(ACCT, "us-east-1")).length, 1);
      const ep = { arn: `${app.arn.replace(":app/", ":endpoint/")}/00000000-0000-0000-0000-000000000001`, applicationArn: app.arn, token: "tok", attributes: { Enabled: "true" } };
      await s.putPlatformEndpoint(ep);
      assert.deepEqual(await s.endpointByToken(app.arn, "tok"), ep);
      await s.putPlatformEndpoint({ ...ep, attributes: { Enabled: "false" } });
      assert.equal((await s.getPlatformEndpoint(ep.arn))?.attributes.Enabled, "false");
      assert.equal((await s.listPlatformEndpoints(app.arn)).length, 1);
      await s.deletePlatformApplication(app.arn);
      assert.equal(await s.getPlatformEndpoint(ep.arn), undefined);
      let made = 0;
      const make = () => ({ privateKey: `k${++made}`, certificate: "c" });
      const k1 = await s.key("signing", make);
      const k2 = await s.key("signing", make);
      assert.deepEqual(k1, k2);
      assert.notDeepEqual(await s.key("tls", make), k1);
    }));

    test("unsubscribe with a farewell queues its outbox row; the token restores the subscription once, until it expires", withStore(async (s, _q, o) => {
      const { topic } = await s.createTopic(key("farewell"), {}, {}, T0);
      const tArn = "arn:aws:sns:us-east-1:000000000000:farewell";
      const arn = `${tArn}:00000000-0000-0000-0000-0000000000f1`;
      await s.subscribe(topic.id, { ...sub(arn, "http", "http://h/x"), attributes: { RawMessageDelivery: "true" } }, T0);
      const outbox = { subscriptionArn: arn, kind: "unsubscribe-confirmation", payload: "{}", dueAt: T0 };
      assert.equal(await s.unsubscribe(arn, { token: "tok-1", expiresAt: T0 + 1000, outbox, now: T0 }), true);
      assert.equal(await s.getSubscription(arn), undefined);
      assert.equal((await s.getTopic(key("farewell")))?.subscriptionsDeleted, 1);
      assert.deepEqual((await o.claim(T0, 30_000, 10)).map((r) => [r.target, r.detail]), [[arn, "unsubscribe-confirmation"]]);
      const other = await s.createTopic(key("farewell-other"), {}, {}, T0);
      assert.equal(await s.restoreSubscription("tok-1", other.topic.id, T0 + 10), undefined);
      const back = await s.restoreSubscription("tok-1", topic.id, T0 + 10);
      assert.equal(back?.arn, arn);
      assert.equal(back?.confirmed, true);
      assert.equal(back?.protocol, "http");
      assert.deepEqual(back?.attributes, { RawMessageDelivery: "true" });
      assert.equal((await s.getSubscription(arn))?.confirmed, true);
      assert.equal(await s.restoreSubscription("tok-1", topic.id, T0 + 10), undefined);
      // Expired tokens restore nothing.
      await s.unsubscribe(arn, { token: "tok-2", expiresAt: T0 + 1000, outbox, now: T0 });
      assert.equal(await s.restoreSubscription("tok-2", topic.id, T0 + 1000), undefined);
    }));

    test("platform tokens marked invalid and valid again", withStore(async (s) => {
      const app = { arn: "arn:aws:sns:us-east-1:000000000000:app/GCM/inv", account: ACCT, region: "us-east-1", name: "inv", platform: "GCM", attributes: {} };
      await s.putPlatformApplication(app);
      assert.equal(await s.tokenInvalid(app.arn, "t1"), false);
      await s.setTokenInvalid(app.arn, "t1", true);
      await s.setTokenInvalid(app.arn, "t1", true);
      assert.equal(await s.tokenInvalid(app.arn, "t1"), true);
      assert.equal(await s.tokenInvalid(app.arn, "t2"), false);
      await s.setTokenInvalid(app.arn, "t1", false);
      assert.equal(await s.tokenInvalid(app.arn, "t1"), false);
    }));
  });
}
