// The FIFO part of the SQS storage contract (called from sqs-store.contract.ts, so it runs on every
// adapter): sequence numbers, durable deduplication, group order and blocking, dead-letter moves in group
// order, receive attempts and expired FIFO receipts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { NewFifoMessage, ReceiveOptions, SqsStore } from "../../src/services/sqs/store.ts";

interface Factory {
  open(): Promise<SqsStore>;
}

const T0 = Date.UTC(2026, 0, 1);
const WINDOW = 300_000;
const settings = { attributes: { VisibilityTimeout: "30", MessageRetentionPeriod: "345600", FifoQueue: "true" }, retentionMs: 345_600_000 };
const key = (name: string) => ({ account: "000000000000", region: "us-east-1", name });
let seq = 0;
function fm(body: string, group: string, dedup = `d-${body}`): NewFifoMessage {
  seq++;
  return { messageId: `f-${seq}`, body, md5OfBody: "x", senderId: "AKID", visibleAt: T0, messageGroupId: group, deduplicationId: dedup, dedupKey: dedup };
}
let n = 0;
function ro(now: number, max = 10, extra: Partial<ReceiveOptions> = {}): ReceiveOptions {
  n++;
  return {
    max, visibilityMs: 30_000, now, expiredBefore: 0, fifo: { attemptWindowMs: WINDOW },
    nonces: Array.from({ length: max }, (_, i) => `f${n}-${i}`.padEnd(16, "x")), ...extra,
  };
}

async function withStore(factory: Factory, fn: (s: SqsStore) => Promise<void>) {
  const s = await factory.open();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

export function fifoContract(factory: Factory): void {
  test("FIFO: sequence numbers increase; duplicates within the window report the original, also after its deletion", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("seq.fifo"), settings, {}, T0);
      const a = await s.enqueueFifo(queue.id, [fm("a", "g"), fm("b", "g"), fm("a2", "g", "d-a")], T0, WINDOW);
      assert.equal(a[0].duplicate, false);
      assert.ok(a[1].sequenceNumber > a[0].sequenceNumber);
      assert.deepEqual(a[2], { messageId: a[0].messageId, sequenceNumber: a[0].sequenceNumber, duplicate: true });
      const got = await s.receive(queue.id, ro(T0));
      assert.deepEqual(got.map((m) => m.body), ["a", "b"]);
      assert.equal(got[0].sequenceNumber, a[0].sequenceNumber);
      assert.equal(got[0].deduplicationId, "d-a");
      assert.equal((await s.deleteMessages(queue.id, [{ rowId: got[0].rowId, nonce: got[0].receiptNonce }]))[0], "ok");
      const again = await s.enqueueFifo(queue.id, [fm("a3", "g", "d-a")], T0 + WINDOW - 1, WINDOW);
      assert.equal(again[0].duplicate, true);
      assert.equal(again[0].messageId, a[0].messageId);
      const later = await s.enqueueFifo(queue.id, [fm("a4", "g", "d-a")], T0 + WINDOW, WINDOW);
      assert.equal(later[0].duplicate, false);
      assert.ok(later[0].sequenceNumber > a[1].sequenceNumber);
      assert.equal(await s.deleteExpired(T0 + WINDOW + 1), 0);
    }));

  test("FIFO: a group is received in order and blocked while one of its messages is in flight", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("order.fifo"), settings, {}, T0);
      await s.enqueueFifo(queue.id, [fm("a1", "A"), fm("b1", "B"), fm("a2", "A"), fm("a3", "A"), fm("b2", "B")], T0, WINDOW);
      const first = await s.receive(queue.id, ro(T0, 2));
      assert.deepEqual(first.map((m) => m.body), ["a1", "a2"], "as many of one group as possible, in order");
      const second = await s.receive(queue.id, ro(T0, 10));
      assert.deepEqual(second.map((m) => m.body), ["b1", "b2"], "group A is blocked while a1/a2 are in flight");
      assert.deepEqual(await s.receive(queue.id, ro(T0 + 1)), []);
      for (const m of second) assert.equal((await s.deleteMessages(queue.id, [{ rowId: m.rowId, nonce: m.receiptNonce }]))[0], "ok");
      assert.equal((await s.deleteMessages(queue.id, [{ rowId: first[0].rowId, nonce: first[0].receiptNonce }]))[0], "ok");
      assert.deepEqual(await s.receive(queue.id, ro(T0 + 2)), [], "a2 is still in flight");
      assert.equal(await s.nextVisibleAt(queue.id, T0 + 2, true), T0 + 30_000, "a long poll wakes when a2's visibility ends");
      // a2's visibility expires: it comes back before a3.
      const back = await s.receive(queue.id, ro(T0 + 30_000, 1));
      assert.deepEqual(back.map((m) => [m.body, m.receiveCount]), [["a2", 2]]);
      assert.equal(await s.changeVisibility(queue.id, back[0].rowId, back[0].receiptNonce, T0 + 30_000, 43_200_000), "ok");
      assert.deepEqual((await s.receive(queue.id, ro(T0 + 30_000))).map((m) => m.body), ["a2", "a3"]);
    }));

  test("FIFO: an expired receipt deletes nothing when inFlightAt is given", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("exp.fifo"), settings, {}, T0);
      await s.enqueueFifo(queue.id, [fm("x", "g")], T0, WINDOW);
      const [m] = await s.receive(queue.id, ro(T0, 1));
      assert.equal((await s.deleteMessages(queue.id, [{ rowId: m.rowId, nonce: m.receiptNonce }], T0 + 30_000))[0], "stale");
      assert.equal((await s.deleteMessages(queue.id, [{ rowId: m.rowId, nonce: m.receiptNonce }], T0 + 29_999))[0], "ok");
    }));

  test("FIFO: over-received messages move to the dead-letter queue in group order", () =>
    withStore(factory, async (s) => {
      const { queue: dlq } = await s.createQueue(key("dead.fifo"), settings, {}, T0);
      const { queue } = await s.createQueue(key("live.fifo"), settings, {}, T0);
      const redrive = { maxReceiveCount: 1, deadLetterQueueId: dlq.id, sourceArn: "arn:aws:sqs:us-east-1:000000000000:live.fifo" };
      await s.enqueueFifo(queue.id, [fm("1", "g"), fm("2", "g"), fm("3", "g")], T0, WINDOW);
      assert.equal((await s.receive(queue.id, ro(T0, 10, { visibilityMs: 0, redrive }))).length, 3);
      assert.deepEqual(await s.receive(queue.id, ro(T0 + 1, 10, { redrive })), []);
      const moved = await s.receive(dlq.id, ro(T0 + 2));
      assert.deepEqual(moved.map((m) => m.body), ["1", "2", "3"]);
      assert.equal(moved[0].deadLetterSourceArn, redrive.sourceArn);
      assert.equal(moved[0].messageGroupId, "g");
    }));

  test("FIFO: a retried receive attempt returns the same messages and receipts and resets their visibility", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("attempt.fifo"), settings, {}, T0);
      await s.enqueueFifo(queue.id, [fm("1", "g"), fm("2", "h")], T0, WINDOW);
      const attempt = { attemptId: "try-1", attemptWindowMs: WINDOW };
      const first = await s.receive(queue.id, ro(T0, 1, { fifo: attempt }));
      const retry = await s.receive(queue.id, ro(T0 + 20_000, 1, { fifo: attempt }));
      assert.deepEqual(retry.map((m) => [m.rowId, m.receiptNonce]), first.map((m) => [m.rowId, m.receiptNonce]));
      // Visibility now ends at T0 + 50 s: at T0 + 40 s group g is still blocked.
      assert.deepEqual((await s.receive(queue.id, ro(T0 + 40_000))).map((m) => m.body), ["2"]);
      const other = await s.receive(queue.id, ro(T0 + 60_000, 1, { fifo: { attemptId: "try-2", attemptWindowMs: WINDOW } }));
      assert.deepEqual(other.map((m) => m.body), ["1"]);
    }));

  test("FIFO: concurrent receives never hand out two messages of one group", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("race.fifo"), settings, {}, T0);
      const msgs = Array.from({ length: 40 }, (_, i) => fm(`m${i}`, `g${i % 4}`));
      await s.enqueueFifo(queue.id, msgs, T0, WINDOW);
      const got = (await Promise.all(Array.from({ length: 12 }, () => s.receive(queue.id, ro(T0, 1))))).flat();
      const groups = got.map((m) => m.messageGroupId);
      assert.equal(new Set(groups).size, groups.length, `one message per group: ${groups.join(",")}`);
      assert.equal(got.length, 4);
      assert.deepEqual(got.map((m) => m.body).sort(), ["m0", "m1", "m2", "m3"]);
    }));

  test("FIFO: a group stays blocked while any message is in flight, also when an earlier one is visible again", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("vis.fifo"), settings, {}, T0);
      await s.enqueueFifo(queue.id, [fm("a1", "A"), fm("a2", "A"), fm("a3", "A"), fm("b1", "B")], T0, WINDOW);
      const first = await s.receive(queue.id, ro(T0, 2));
      assert.deepEqual(first.map((m) => m.body), ["a1", "a2"]);
      assert.equal(await s.changeVisibility(queue.id, first[0].rowId, first[0].receiptNonce, T0 + 1, 43_200_000), "ok");
      assert.deepEqual((await s.receive(queue.id, ro(T0 + 1))).map((m) => m.body), ["b1"], "a2 still holds group A");
      assert.equal(await s.changeVisibility(queue.id, first[1].rowId, first[1].receiptNonce, T0 + 2, 43_200_000), "ok");
      assert.deepEqual((await s.receive(queue.id, ro(T0 + 2))).map((m) => [m.body, m.receiveCount]), [["a1", 2], ["a2", 2], ["a3", 1]]);
    }));

  test("FIFO: a deep in-flight group ahead does not hide the groups behind it, which come in the order of their oldest message", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("deep.fifo"), settings, {}, T0);
      // More than a PostgreSQL receive walks in sequence order before it searches group by group.
      for (let i = 0; i < 1300; i += 10) {
        await s.enqueueFifo(queue.id, Array.from({ length: 10 }, (_, j) => fm(`a${i + j}`, "A")), T0, WINDOW);
      }
      await s.enqueueFifo(queue.id, [fm("c1", "C"), fm("b1", "B"), fm("c2", "C"), fm("b2", "B")], T0, WINDOW);
      const a = await s.receive(queue.id, ro(T0, 1));
      assert.deepEqual(a.map((m) => m.body), ["a0"]);
      assert.deepEqual((await s.receive(queue.id, ro(T0, 3))).map((m) => m.body), ["c1", "c2", "b1"]);
      assert.deepEqual(await s.receive(queue.id, ro(T0 + 1)), [], "A, B and C all have a message in flight");
      assert.equal(await s.changeVisibility(queue.id, a[0].rowId, a[0].receiptNonce, T0 + 1, 43_200_000), "ok");
      assert.deepEqual((await s.receive(queue.id, ro(T0 + 1, 2))).map((m) => [m.body, m.receiveCount]), [["a0", 2], ["a1", 1]]);
    }));

  test("FIFO: expired messages are never received and do not block their group; the sweep and purge keep receives right", () =>
    withStore(factory, async (s) => {
      const { queue } = await s.createQueue(key("expire.fifo"), settings, {}, T0);
      const late = T0 + settings.retentionMs - 60_000;
      await s.enqueueFifo(queue.id, [fm("old-a", "A"), fm("old-b", "B")], T0, WINDOW);
      await s.enqueueFifo(queue.id, [fm("new-b", "B"), fm("new-a", "A")], T0 + 1000, WINDOW);
      // old-a is received shortly before it expires and stays in flight for 12 hours.
      assert.deepEqual((await s.receive(queue.id, ro(late, 1, { visibilityMs: 43_200_000 }))).map((m) => m.body), ["old-a"]);
      const after = T0 + settings.retentionMs + 1;
      // Past old-*'s retention: they are not candidates, old-a in flight blocks nothing, and B comes first (new-b is older than new-a).
      assert.deepEqual((await s.receive(queue.id, ro(after, 10, { expiredBefore: T0 + 1 }))).map((m) => m.body), ["new-b", "new-a"]);
      // Nothing is left: old-b (expired) is still not a candidate.
      assert.deepEqual(await s.receive(queue.id, ro(after + 1000, 10, { expiredBefore: T0 + 1 })), []);
      assert.equal(await s.deleteExpired(after), 2);
      // The swept in-flight old-a no longer holds group A, whatever the retention says now.
      const back = await s.receive(queue.id, ro(after + 60_000, 10));
      assert.deepEqual(back.map((m) => m.body), ["new-b", "new-a"]);
      await s.purge(queue.id, after + 60_000);
      await s.enqueueFifo(queue.id, [fm("fresh", "A")], after + 60_001, WINDOW);
      assert.deepEqual((await s.receive(queue.id, ro(after + 60_002))).map((m) => m.body), ["fresh"]);
    }));

  test("FIFO: dead-letter moves reach a dead-letter queue that was already received from, after its own messages", () =>
    withStore(factory, async (s) => {
      const { queue: dlq } = await s.createQueue(key("dead2.fifo"), settings, {}, T0);
      const { queue } = await s.createQueue(key("live2.fifo"), settings, {}, T0);
      const redrive = { maxReceiveCount: 1, deadLetterQueueId: dlq.id, sourceArn: "arn:aws:sqs:us-east-1:000000000000:live2.fifo" };
      await s.enqueueFifo(dlq.id, [fm("own", "g")], T0, WINDOW);
      const own = await s.receive(dlq.id, ro(T0, 1, { visibilityMs: 0 }));
      assert.deepEqual(own.map((m) => m.body), ["own"]);
      await s.enqueueFifo(queue.id, [fm("1", "g"), fm("2", "h"), fm("3", "g")], T0, WINDOW);
      assert.equal((await s.receive(queue.id, ro(T0, 10, { visibilityMs: 0, redrive }))).length, 3);
      assert.deepEqual(await s.receive(queue.id, ro(T0 + 1, 10, { redrive })), []);
      const moved = await s.receive(dlq.id, ro(T0 + 2));
      assert.deepEqual(moved.map((m) => m.body), ["own", "1", "3", "2"]);
      assert.ok(moved[1].sequenceNumber! < moved[2].sequenceNumber! && moved[2].sequenceNumber! < moved[3].sequenceNumber!);
    }));
}
