// The SQS storage contract: one body of tests every adapter (SQLite now, PostgreSQL next) must pass
// unchanged. Time is passed in explicitly, so no test sleeps.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { NewMessage, QueueSettings, SqsStore } from "../../src/services/sqs/store.ts";
import { fifoContract } from "./sqs-store-fifo.contract.ts";

export interface StoreFactory {
  open(): Promise<SqsStore>;
}

const T0 = Date.UTC(2026, 0, 1);
const settings = (extra: Partial<QueueSettings> = {}): QueueSettings => ({
  attributes: { VisibilityTimeout: "30", MessageRetentionPeriod: "345600" },
  retentionMs: 345_600_000,
  ...extra,
});

let seq = 0;
function msg(body: string, visibleAt = T0, extra: Partial<NewMessage> = {}): NewMessage {
  seq++;
  return { messageId: `m-${seq}`, body, md5OfBody: "x", senderId: "AKID", visibleAt, ...extra };
}
const nonces = (n: number, tag = "n") => Array.from({ length: n }, (_, i) => `${tag}${i}`.padEnd(16, "x"));
const key = (name: string, account = "000000000000", region = "us-east-1") => ({ account, region, name });

export function sqsStoreContract(name: string, factory: StoreFactory): void {
  describe(`SqsStore contract: ${name}`, () => {
    test("createQueue is idempotent and keeps accounts and regions apart", async () => {
      const s = await factory.open();
      try {
        const a = await s.createQueue(key("q"), settings(), { env: "test" }, T0);
        assert.equal(a.created, true);
        assert.equal(a.queue.name, "q");
        assert.deepEqual(a.queue.tags, { env: "test" });
        assert.equal(a.queue.createdAt, T0);
        const again = await s.createQueue(key("q"), settings(), {}, T0 + 1);
        assert.equal(again.created, false);
        assert.equal(again.queue.id, a.queue.id);
        const other = await s.createQueue(key("q", "111111111111"), settings(), {}, T0);
        const west = await s.createQueue(key("q", "000000000000", "us-west-2"), settings(), {}, T0);
        assert.notEqual(other.queue.id, a.queue.id);
        assert.notEqual(west.queue.id, a.queue.id);
        assert.equal((await s.getQueue(key("q")))?.id, a.queue.id);
        assert.equal((await s.getQueueById(a.queue.id))?.name, "q");
        assert.equal(await s.getQueue(key("missing")), undefined);
      } finally {
        await s.close();
      }
    });

    test("listQueues filters by prefix and pages by name", async () => {
      const s = await factory.open();
      try {
        for (const n of ["b1", "a1", "a2", "a3"]) await s.createQueue(key(n), settings(), {}, T0);
        assert.deepEqual((await s.listQueues("000000000000", "us-east-1", "a", "", 10)).map((q) => q.name), ["a1", "a2", "a3"]);
        assert.deepEqual((await s.listQueues("000000000000", "us-east-1", "", "a2", 2)).map((q) => q.name), ["a3", "b1"]);
        assert.deepEqual(await s.listQueues("111111111111", "us-east-1", "", "", 10), []);
      } finally {
        await s.close();
      }
    });

    test("deleteQueue removes messages and remembers when", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("d"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("a")], T0);
        await s.deleteQueue(queue.id, T0 + 5);
        assert.equal(await s.getQueue(key("d")), undefined);
        assert.equal(await s.lastDeletedAt(key("d")), T0 + 5);
        const { queue: again } = await s.createQueue(key("d"), settings(), {}, T0 + 70_000);
        assert.deepEqual(await s.counts(again.id, T0 + 70_000, 0), { visible: 0, notVisible: 0, delayed: 0 });
      } finally {
        await s.close();
      }
    });

    test("setAttributes, setTags and dead-letter sources", async () => {
      const s = await factory.open();
      try {
        const { queue: dlq } = await s.createQueue(key("dlq"), settings(), {}, T0);
        const { queue: src } = await s.createQueue(key("src"), settings(), {}, T0);
        const arn = "arn:aws:sqs:us-east-1:000000000000:dlq";
        await s.setAttributes(src.id, settings({ attributes: { VisibilityTimeout: "5", MessageRetentionPeriod: "60" }, retentionMs: 60_000, deadLetterArn: arn }), T0 + 9);
        const got = await s.getQueueById(src.id);
        assert.equal(got?.attributes.VisibilityTimeout, "5");
        assert.equal(got?.modifiedAt, T0 + 9);
        assert.deepEqual((await s.listDeadLetterSources("000000000000", "us-east-1", arn, "", 10)).map((q) => q.name), ["src"]);
        await s.setTags(src.id, { a: "1" });
        assert.deepEqual((await s.getQueueById(src.id))?.tags, { a: "1" });
        assert.ok(dlq.id);
      } finally {
        await s.close();
      }
    });

    test("receive claims visible messages oldest first and hides them for the visibility timeout", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("r"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("1"), msg("2"), msg("3")], T0);
        const got = await s.receive(queue.id, { max: 2, visibilityMs: 30_000, now: T0, expiredBefore: 0, nonces: nonces(2) });
        assert.deepEqual(got.map((m) => m.body), ["1", "2"]);
        assert.equal(got[0].receiveCount, 1);
        assert.equal(got[0].firstReceivedAt, T0);
        assert.equal(got[0].receiptNonce, nonces(2)[0]);
        assert.deepEqual(await s.counts(queue.id, T0, 0), { visible: 1, notVisible: 2, delayed: 0 });
        const rest = await s.receive(queue.id, { max: 10, visibilityMs: 30_000, now: T0 + 1, expiredBefore: 0, nonces: nonces(10, "b") });
        assert.deepEqual(rest.map((m) => m.body), ["3"]);
        const later = await s.receive(queue.id, { max: 10, visibilityMs: 30_000, now: T0 + 30_000, expiredBefore: 0, nonces: nonces(10, "c") });
        assert.deepEqual(later.map((m) => m.body).sort(), ["1", "2"]);
        assert.equal(later[0].receiveCount, 2);
        assert.equal(later[0].firstReceivedAt, T0);
      } finally {
        await s.close();
      }
    });

    test("a receive with visibility 0 returns each message once, also past dead-letter moves", async () => {
      const s = await factory.open();
      try {
        const { queue: dlq } = await s.createQueue(key("zero-dlq"), settings(), {}, T0);
        const { queue } = await s.createQueue(key("zero"), settings(), {}, T0);
        const redrive = { maxReceiveCount: 1, deadLetterQueueId: dlq.id, sourceArn: "arn:aws:sqs:us-east-1:000000000000:zero" };
        await s.enqueue(queue.id, [msg("a"), msg("b")], T0);
        const first = await s.receive(queue.id, { max: 1, visibilityMs: 0, now: T0, expiredBefore: 0, redrive, nonces: nonces(1, "f") });
        assert.deepEqual(first.map((m) => m.body), ["a"]);
        await s.enqueue(queue.id, [msg("c")], T0);
        const got = await s.receive(queue.id, { max: 10, visibilityMs: 0, now: T0, expiredBefore: 0, redrive, nonces: nonces(10, "g") });
        assert.deepEqual(got.map((m) => m.body).sort(), ["b", "c"]);
      } finally {
        await s.close();
      }
    });

    test("delayed messages count as delayed and are received once due", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("delay"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("late", T0 + 5000)], T0);
        assert.deepEqual(await s.counts(queue.id, T0, 0), { visible: 0, notVisible: 0, delayed: 1 });
        assert.equal(await s.nextVisibleAt(queue.id, T0, false), T0 + 5000);
        assert.equal((await s.receive(queue.id, { max: 1, visibilityMs: 1000, now: T0 + 4999, expiredBefore: 0, nonces: nonces(1) })).length, 0);
        assert.equal((await s.receive(queue.id, { max: 1, visibilityMs: 1000, now: T0 + 5000, expiredBefore: 0, nonces: nonces(1) })).length, 1);
        // In flight now: the next wake-up is when its visibility timeout ends.
        assert.equal(await s.nextVisibleAt(queue.id, T0 + 5000, false), T0 + 6000);
        assert.equal((await s.receive(queue.id, { max: 1, visibilityMs: 1000, now: T0 + 5999, expiredBefore: 0, nonces: nonces(1, "x") })).length, 0);
        assert.equal(await s.nextVisibleAt(queue.id, T0 + 5999, false), T0 + 6000);
      } finally {
        await s.close();
      }
    });

    test("attributes round-trip, binary included", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("attrs"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("a", T0, {
          attributes: { s: { DataType: "String", StringValue: "v" }, b: { DataType: "Binary.x", BinaryValue: Buffer.from([0, 1, 255]) } },
          md5OfAttributes: "m1",
          systemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1" } },
          md5OfSystemAttributes: "m2",
          messageGroupId: "g1",
        })], T0);
        const [m] = await s.receive(queue.id, { max: 1, visibilityMs: 1000, now: T0, expiredBefore: 0, nonces: nonces(1) });
        assert.deepEqual(m.attributes?.b.BinaryValue, Buffer.from([0, 1, 255]));
        assert.equal(m.attributes?.s.StringValue, "v");
        assert.equal(m.md5OfAttributes, "m1");
        assert.equal(m.systemAttributes?.AWSTraceHeader.StringValue, "Root=1");
        assert.equal(m.messageGroupId, "g1");
        assert.equal(m.sentAt, T0);
      } finally {
        await s.close();
      }
    });

    test("delete needs the latest receipt; stale receipts leave the message", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("del"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("x")], T0);
        const [first] = await s.receive(queue.id, { max: 1, visibilityMs: 0, now: T0, expiredBefore: 0, nonces: ["first-nonce-0000"] });
        const [second] = await s.receive(queue.id, { max: 1, visibilityMs: 30_000, now: T0, expiredBefore: 0, nonces: ["second-nonce-000"] });
        assert.equal(first.rowId, second.rowId);
        // One call, outcomes in order: an older receipt is stale, the latest deletes, and a repeat finds nothing.
        const outcomes = await s.deleteMessages(queue.id, [
          { rowId: first.rowId, nonce: "first-nonce-0000" },
          { rowId: second.rowId, nonce: "second-nonce-000" },
          { rowId: second.rowId, nonce: "second-nonce-000" },
        ]);
        assert.deepEqual(outcomes, ["stale", "ok", "missing"]);
        assert.deepEqual(await s.counts(queue.id, T0, 0), { visible: 0, notVisible: 0, delayed: 0 });
      } finally {
        await s.close();
      }
    });

    test("changeVisibility moves visibleAt for the latest receipt only", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("cmv"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("x")], T0);
        const [m] = await s.receive(queue.id, { max: 1, visibilityMs: 30_000, now: T0, expiredBefore: 0, nonces: ["nonce-aaaaaaaaaa"] });
        const limit = 43_200_000;
        assert.equal(await s.changeVisibility(queue.id, m.rowId, "nonce-aaaaaaaaaa", T0, limit), "ok");
        assert.deepEqual(await s.counts(queue.id, T0, 0), { visible: 1, notVisible: 0, delayed: 0 });
        assert.equal(await s.changeVisibility(queue.id, m.rowId, "other-nonce-xxxx", T0 + 10, limit), "stale");
        assert.equal(await s.changeVisibility(queue.id, 999_999, "nonce-aaaaaaaaaa", T0, limit), "missing");
        assert.equal(await s.changeVisibility(queue.id, m.rowId, "nonce-aaaaaaaaaa", T0 + limit + 1, limit), "over-limit");
        assert.equal(await s.changeVisibility(queue.id, m.rowId, "nonce-aaaaaaaaaa", T0 + limit, limit), "ok");
      } finally {
        await s.close();
      }
    });

    test("receive moves messages past maxReceiveCount to the dead-letter queue", async () => {
      const s = await factory.open();
      try {
        const { queue: dlq } = await s.createQueue(key("dead"), settings(), {}, T0);
        const { queue } = await s.createQueue(key("live"), settings(), {}, T0);
        const redrive = { maxReceiveCount: 2, deadLetterQueueId: dlq.id, sourceArn: "arn:aws:sqs:us-east-1:000000000000:live" };
        await s.enqueue(queue.id, [msg("poison")], T0);
        for (let i = 0; i < 2; i++) {
          const got = await s.receive(queue.id, { max: 1, visibilityMs: 0, now: T0 + i, expiredBefore: 0, redrive, nonces: nonces(1, `r${i}`) });
          assert.equal(got.length, 1);
        }
        const third = await s.receive(queue.id, { max: 1, visibilityMs: 0, now: T0 + 5, expiredBefore: 0, redrive, nonces: nonces(1, "r3") });
        assert.equal(third.length, 0);
        const [moved] = await s.receive(dlq.id, { max: 1, visibilityMs: 0, now: T0 + 6, expiredBefore: 0, nonces: nonces(1, "d") });
        assert.equal(moved.body, "poison");
        assert.equal(moved.deadLetterSourceArn, "arn:aws:sqs:us-east-1:000000000000:live");
        assert.equal(moved.sentAt, T0);
      } finally {
        await s.close();
      }
    });

    test("expired messages are never received and are swept", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("ret"), settings({ retentionMs: 60_000 }), {}, T0);
        await s.enqueue(queue.id, [msg("old")], T0);
        await s.enqueue(queue.id, [msg("new")], T0 + 30_000);
        const now = T0 + 60_001;
        assert.deepEqual(await s.counts(queue.id, now, now - 60_000), { visible: 1, notVisible: 0, delayed: 0 });
        assert.equal(await s.deleteExpired(now), 1);
        const got = await s.receive(queue.id, { max: 10, visibilityMs: 1000, now, expiredBefore: now - 60_000, nonces: nonces(10) });
        assert.deepEqual(got.map((m) => m.body), ["new"]);
      } finally {
        await s.close();
      }
    });

    test("purge deletes what was sent up to now and records the time", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("p"), settings(), {}, T0);
        await s.enqueue(queue.id, [msg("a"), msg("b")], T0);
        await s.receive(queue.id, { max: 1, visibilityMs: 30_000, now: T0, expiredBefore: 0, nonces: nonces(1) });
        await s.purge(queue.id, T0 + 1);
        assert.deepEqual(await s.counts(queue.id, T0 + 1, 0), { visible: 0, notVisible: 0, delayed: 0 });
        assert.equal((await s.getQueueById(queue.id))?.purgedAt, T0 + 1);
      } finally {
        await s.close();
      }
    });

    test("concurrent writes of one turn all commit and failures stay isolated", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("many"), settings(), {}, T0);
        await Promise.all(Array.from({ length: 200 }, (_, i) => s.enqueue(queue.id, [msg(`m${i}`)], T0)));
        const bad = s.enqueue(999_999, [msg("orphan")], T0);
        const good = s.enqueue(queue.id, [msg("after")], T0);
        await assert.rejects(bad);
        await good;
        assert.equal((await s.counts(queue.id, T0, 0)).visible, 201);
        const seen = new Set<string>();
        const claims = await Promise.all(Array.from({ length: 30 }, (_, i) =>
          s.receive(queue.id, { max: 10, visibilityMs: 30_000, now: T0, expiredBefore: 0, nonces: nonces(10, `c${i}`) })));
        for (const m of claims.flat()) {
          assert.ok(!seen.has(m.messageId), "no message is claimed twice");
          seen.add(m.messageId);
        }
        assert.equal(seen.size, 201);
      } finally {
        await s.close();
      }
    });
    fifoContract(factory);
    test("move tasks: one active per source, moves keep the ready index in step, cancel stops moving", async () => {
      const s = await factory.open();
      try {
        const { queue: dlq } = await s.createQueue(key("mt-dlq"), settings(), {}, T0);
        const { queue: dest } = await s.createQueue(key("mt-dest"), settings(), {}, T0);
        const dlqArn = "arn:aws:sqs:us-east-1:000000000000:mt-dlq";
        await s.enqueue(dlq.id, [msg("a"), msg("b"), msg("c"), msg("late", T0 + 60_000)], T0);
        // Build both ready indexes before moving, so a stale index would show.
        assert.deepEqual(await s.receive(dest.id, { max: 1, visibilityMs: 0, now: T0, expiredBefore: 0, nonces: nonces(1, "d") }), []);
        const held = await s.receive(dlq.id, { max: 1, visibilityMs: 30_000, now: T0, expiredBefore: 0, nonces: nonces(1, "h") });
        assert.deepEqual(held.map((m) => m.body), ["a"]);

        const t = await s.startMoveTask({ taskId: "t1", sourceQueueId: dlq.id, sourceArn: dlqArn, maxPerSecond: 5 }, T0 + 1, 0);
        assert.ok(t);
        assert.equal(t.status, "RUNNING");
        assert.equal(t.toMove, 2); // b and c are receivable; a is in flight, late is delayed
        assert.equal(await s.startMoveTask({ taskId: "t2", sourceQueueId: dlq.id, sourceArn: dlqArn }, T0 + 1, 0), undefined);
        assert.deepEqual((await s.runningMoveTasks()).map((x) => x.taskId), ["t1"]);

        const cands = await s.moveCandidates(dlq.id, T0 + 1, 0, 10);
        assert.equal(cands.length, 2);
        const moved = await s.moveMessages("t1", [{ rowId: cands[0].rowId, queueId: dest.id, messageId: "new-b" }], T0 + 2);
        assert.equal(moved, 1);
        const got = await s.receive(dest.id, { max: 10, visibilityMs: 0, now: T0 + 2, expiredBefore: 0, nonces: nonces(10, "e") });
        assert.deepEqual(got.map((m) => [m.body, m.messageId, m.sentAt, m.receiveCount]), [["b", "new-b", T0 + 2, 1]]);
        const left = await s.receive(dlq.id, { max: 10, visibilityMs: 0, now: T0 + 2, expiredBefore: 0, nonces: nonces(10, "l") });
        assert.deepEqual(left.map((m) => m.body), ["c"]);
        assert.equal((await s.getMoveTask("t1"))?.moved, 1);

        const cancelled = await s.cancelMoveTask("t1");
        assert.equal(cancelled?.status, "CANCELLED");
        assert.equal(await s.moveMessages("t1", [{ rowId: cands[1].rowId, queueId: dest.id, messageId: "new-c" }], T0 + 3), 0);
        const t3 = await s.startMoveTask({ taskId: "t3", sourceQueueId: dlq.id, sourceArn: dlqArn, destinationArn: "x" }, T0 + 4, 0);
        assert.equal(t3?.destinationArn, "x");
        await s.finishMoveTask("t3", "FAILED", "why");
        assert.deepEqual((await s.listMoveTasks(dlqArn, 10)).map((x) => [x.taskId, x.status, x.failureReason]), [
          ["t3", "FAILED", "why"], ["t1", "CANCELLED", undefined],
        ]);
        assert.equal((await s.listMoveTasks(dlqArn, 1)).length, 1);
      } finally {
        await s.close();
      }
    });
    test("fair queues: one group's large backlog does not starve the others, and no group is blocked", async () => {
      const s = await factory.open();
      try {
        const { queue } = await s.createQueue(key("fair"), settings(), {}, T0);
        for (let i = 0; i < 1000; i += 100) {
          await s.enqueue(queue.id, Array.from({ length: 100 }, (_, k) => msg(`A${i + k}`, T0, { messageGroupId: "tenant-a" })), T0);
        }
        await s.enqueue(queue.id, Array.from({ length: 10 }, (_, k) => msg(`B${k}`, T0 + 1, { messageGroupId: "tenant-b" })), T0 + 1);
        const seen: string[] = [];
        for (let r = 0; r < 2; r++) {
          const got = await s.receive(queue.id, { max: 10, visibilityMs: 30_000, now: T0 + 2, expiredBefore: 0, nonces: nonces(10, `f${r}`) });
          assert.equal(got.length, 10);
          seen.push(...got.map((m) => m.body));
        }
        assert.deepEqual(seen.filter((b) => b.startsWith("B")).sort(), Array.from({ length: 10 }, (_, k) => `B${k}`));
        // Messages without a group form their own bucket, served in turn with the groups.
        await s.enqueue(queue.id, [msg("plain", T0 + 3)], T0 + 3);
        const next = await s.receive(queue.id, { max: 3, visibilityMs: 30_000, now: T0 + 3, expiredBefore: 0, nonces: nonces(3, "p") });
        assert.ok(next.some((m) => m.body === "plain"));
        // Group A was served in both receives although its earlier messages are in flight (no FIFO-style blocking),
        // oldest first within the group.
        const a = seen.filter((b) => b.startsWith("A"));
        assert.deepEqual(a, a.map((_, i) => `A${i}`));
        assert.ok(a.length >= 2);
      } finally {
        await s.close();
      }
    });
  });
}
