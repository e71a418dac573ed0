// The delivery outbox contract (src/delivery/store.ts): one body of tests the SQLite and PostgreSQL adapters pass
// unchanged. Claims under a lease, retries with attempts and first-attempt time, policies and dead letters as data,
// and the dead-letter copy written through the SQS store's one enqueue (standard and FIFO) in the finishing transaction.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { OutboxStore } from "../../src/delivery/store.ts";
import type { SqsStore } from "../../src/services/sqs/store.ts";

export interface OutboxFactory {
  open(): Promise<{ sqs: SqsStore; outbox: OutboxStore; close(): Promise<void> }>;
}

const T0 = Date.UTC(2026, 0, 1);
const ACCT = "000000000000";
const nonces = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`.padEnd(16, "x"));
const msg = (id: string, body: string) => ({ messageId: id, body, md5OfBody: "x", senderId: "s", visibleAt: T0 });

export function outboxContract(name: string, factory: OutboxFactory): void {
  describe(`OutboxStore contract: ${name}`, () => {
    const withStore = (fn: (o: OutboxStore, q: SqsStore) => Promise<void>) => async () => {
      const h = await factory.open();
      try {
        await fn(h.outbox, h.sqs);
      } finally {
        await h.close();
      }
    };

    test("due rows are claimed once under a lease, earliest first; the lease bounds nextDue", withStore(async (o) => {
      assert.equal(await o.nextDue(), undefined);
      await o.add([
        { kind: "http", target: "u2", payload: "2", dueAt: T0 + 5000 },
        { kind: "http", target: "u1", payload: "1", dueAt: T0 },
      ], T0);
      assert.equal(await o.nextDue(), T0);
      const first = await o.claim(T0, 30_000, 10);
      assert.deepEqual(first.map((r) => [r.kind, r.target, r.detail, r.payload, r.attempts, r.firstAttemptAt]), [["http", "u1", "", "1", 0, undefined]]);
      assert.deepEqual(await o.claim(T0 + 1000, 30_000, 10), [], "leased: not claimed again");
      assert.equal(await o.nextDue(), T0 + 5000);
      assert.deepEqual((await o.claim(T0 + 5000, 30_000, 10)).map((r) => r.payload), ["2"]);
      // Both leased: the earliest lease end is when work may be claimed again (a node died holding it).
      assert.equal(await o.nextDue(), T0 + 30_000);
      assert.deepEqual((await o.claim(T0 + 30_000, 30_000, 10)).map((r) => r.payload), ["1"]);
    }));

    test("claims racing each other hand every due row to exactly one claimer", withStore(async (o) => {
      // Several claims at once (on PostgreSQL each on its own pooled connection: FOR UPDATE SKIP LOCKED decides).
      await o.add(Array.from({ length: 40 }, (_, i) => ({ kind: "http", target: `u${i}`, payload: String(i), dueAt: T0 })), T0);
      const claims = await Promise.all(Array.from({ length: 6 }, () => o.claim(T0, 30_000, 10)));
      const ids = claims.flat().map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, "no row handed out twice");
      const rest = await o.claim(T0, 30_000, 100);
      assert.equal(ids.length + rest.length, 40, "every row claimed once in all");
    }));

    test("retry keeps attempts and the first-attempt time and releases the lease; finish removes the row", withStore(async (o) => {
      await o.add([{ kind: "http", target: "u", payload: "p", dueAt: T0 }], T0);
      const [r] = await o.claim(T0, 60_000, 10);
      await o.retry(r.id, 1, T0, T0 + 20_000);
      assert.equal(await o.nextDue(), T0 + 20_000);
      assert.deepEqual(await o.claim(T0 + 19_999, 60_000, 10), []);
      const [again] = await o.claim(T0 + 20_000, 60_000, 10);
      assert.deepEqual([again.id, again.attempts, again.firstAttemptAt], [r.id, 1, T0]);
      await o.finish(again.id, T0 + 20_000);
      assert.equal(await o.nextDue(), undefined);
    }));

    test("policy and dead-letter settings are stored as data and come back unchanged", withStore(async (o) => {
      const policy = { kind: "exponential" as const, maxRetryAttempts: 185, maxEventAgeMs: 86_400_000, jitter: true };
      const deadLetter = { queueArn: "arn:aws:sqs:us-east-1:000000000000:dlq", attributes: { RULE_ARN: "r", TARGET_ARN: "t" }, names: { errorCode: "ERROR_CODE" } };
      await o.add([{ kind: "events", target: "t", detail: "d", payload: "{}", dueAt: T0, policy, deadLetter }], T0);
      const [r] = await o.claim(T0, 1000, 1);
      assert.deepEqual([r.policy, r.deadLetter, r.detail], [policy, deadLetter, "d"]);
    }));

    test("finish with a dead-letter copy writes it through the one enqueue (standard and FIFO), skipping deleted queues", withStore(async (o, q) => {
      const { queue } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "dlq" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      const { queue: fifo } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "dlq.fifo" }, { attributes: { FifoQueue: "true" }, retentionMs: 60_000 }, {}, T0);
      const { queue: gone } = await q.createQueue({ account: ACCT, region: "us-east-1", name: "gone" }, { attributes: {}, retentionMs: 60_000 }, {}, T0);
      await q.deleteQueue(gone.id, T0);
      await o.add([1, 2, 3].map((i) => ({ kind: "http", target: "u", payload: `${i}`, dueAt: T0 })), T0);
      const rows = await o.claim(T0, 1000, 10);
      await o.finish(rows[0].id, T0, [{ queueId: queue.id, message: msg("d1", "dead") }]);
      const f = { ...msg("d2", "dead-fifo"), messageGroupId: "g", deduplicationId: "d2", dedupKey: "d2" };
      await o.finish(rows[1].id, T0, [{ queueId: fifo.id, message: f, fifo: { dedupWindowMs: 300_000 } }]);
      await o.finish(rows[2].id, T0, [{ queueId: gone.id, message: msg("d3", "lost") }]);
      assert.equal(await o.nextDue(), undefined);
      const got = await q.receive(queue.id, { max: 10, visibilityMs: 1000, now: T0, expiredBefore: 0, nonces: nonces(10) });
      assert.deepEqual(got.map((m) => m.body), ["dead"]);
      const gotFifo = await q.receive(fifo.id, { max: 10, visibilityMs: 1000, now: T0, expiredBefore: 0, nonces: nonces(10), fifo: { attemptWindowMs: 300_000 } });
      assert.deepEqual(gotFifo.map((m) => [m.body, m.sequenceNumber]), [["dead-fifo", 1]]);
    }));
  });
}
