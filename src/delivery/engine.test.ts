// The delivery engine with an in-memory outbox, a fake destination kind and a ManualClock: retries follow the policy
// (data), throttles put work back without using a retry, give-up writes the DLQ copy with the caller's attributes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../engine/clock.ts";
import { createScheduler } from "../engine/scheduler.ts";
import type { QueueWrite } from "../services/sqs/index.ts";
import { type AttemptResult, startDeliveryEngine } from "./engine.ts";
import { EVENTBRIDGE_DEFAULT, exhaustedCondition, nextRetryDelayMs, type RetryPolicy } from "./policy.ts";
import type { NewOutboxItem, OutboxRow, OutboxStore } from "./store.ts";

class MemOutbox implements OutboxStore {
  rows: (OutboxRow & { lease: number })[] = [];
  dead: QueueWrite[] = [];
  private id = 0;
  async add(items: NewOutboxItem[], now: number) {
    for (const o of items) this.rows.push({ ...o, detail: o.detail ?? "", id: ++this.id, attempts: 0, createdAt: now, lease: 0 });
  }
  async claim(now: number, leaseMs: number, max: number) {
    const due = this.rows.filter((r) => r.dueAt <= now && r.lease <= now).sort((a, b) => a.dueAt - b.dueAt).slice(0, max);
    for (const r of due) r.lease = now + leaseMs;
    return due.map((r) => ({ ...r }));
  }
  async finish(id: number, _now: number, then?: QueueWrite[]) {
    this.rows = this.rows.filter((r) => r.id !== id);
    if (then) this.dead.push(...then);
  }
  async retry(id: number, attempts: number, first: number | undefined, dueAt: number) {
    const r = this.rows.find((x) => x.id === id)!;
    Object.assign(r, { attempts, firstAttemptAt: first, dueAt, lease: 0 });
  }
  async nextDue() {
    return this.rows.length ? Math.min(...this.rows.map((r) => Math.max(r.dueAt, r.lease))) : undefined;
  }
}

function setup(results: (row: OutboxRow) => AttemptResult) {
  const clock = new ManualClock(0);
  const scheduler = createScheduler({ clock });
  const outbox = new MemOutbox();
  const attempts: [string, number][] = [];
  const engine = startDeliveryEngine({
    outbox, scheduler, clock, log: { warn() {} }, random: () => 0.5,
    queueByArn: async (arn) => (arn.endsWith(":dlq") ? { id: 7, fifo: false } : undefined),
  });
  engine.register("fake", { attempt: async (row) => { attempts.push([row.payload, clock.now()]); return results(row); } });
  const step = async (ms: number) => {
    clock.advance(ms);
    await scheduler.settled();
  };
  return { clock, scheduler, outbox, attempts, engine, step };
}

test("a plain policy retries on failure and gives up into the dead-letter queue with the caller's attributes", async () => {
  const t = setup(() => ({ ok: false, code: "500", message: "boom" }));
  await t.outbox.add([{
    kind: "fake", target: "x", payload: "p", dueAt: 0, policy: { kind: "fixed", retries: 2, backoffMs: 1000 },
    deadLetter: { queueArn: "arn:aws:sqs:us-east-1:000000000000:dlq", attributes: { RULE_ARN: "r" }, names: { errorCode: "ERROR_CODE", errorMessage: "ERROR_MESSAGE", retryAttempts: "RETRY_ATTEMPTS", exhaustedCondition: "EXHAUSTED_RETRY_CONDITION" } },
  }], 0);
  t.engine.wake();
  await t.scheduler.settled();
  await t.step(1000);
  await t.step(1000);
  assert.deepEqual(t.attempts, [["p", 0], ["p", 1000], ["p", 2000]]);
  assert.equal(t.outbox.rows.length, 0);
  assert.equal(t.outbox.dead.length, 1);
  const m = t.outbox.dead[0].message;
  assert.equal(m.body, "p");
  assert.deepEqual(Object.fromEntries(Object.entries(m.attributes ?? {}).map(([k, v]) => [k, v.StringValue])), {
    RULE_ARN: "r", ERROR_CODE: "500", ERROR_MESSAGE: "boom", RETRY_ATTEMPTS: "2", EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
  });
  await t.engine.stop();
});

test("success removes the row; a non-retryable failure gives up at once; no DLQ drops it", async () => {
  const t = setup((row) => (row.payload === "ok" ? { ok: true } : { ok: false, code: "403", message: "denied", retryable: false }));
  await t.outbox.add([
    { kind: "fake", target: "x", payload: "ok", dueAt: 0 },
    { kind: "fake", target: "x", payload: "no", dueAt: 0, policy: { kind: "fixed", retries: 5, backoffMs: 10 } },
  ], 0);
  t.engine.wake();
  await t.scheduler.settled();
  assert.deepEqual(t.attempts.map((a) => a[0]).sort(), ["no", "ok"]);
  assert.equal(t.outbox.rows.length, 0);
  await t.engine.stop();
});

test("a throttle puts deliveries over the cap back to the next second without using a retry", async () => {
  const t = setup(() => ({ ok: true }));
  await t.outbox.add([1, 2, 3].map((i) => ({ kind: "fake", target: "x", payload: `${i}`, dueAt: 0, policy: { kind: "fixed" as const, retries: 0, backoffMs: 0, maxPerSecond: 2 } })), 0);
  t.engine.wake();
  await t.scheduler.settled();
  assert.equal(t.attempts.length, 2);
  assert.equal(t.outbox.rows[0].attempts, 0);
  await t.step(1000);
  assert.deepEqual(t.attempts.map((a) => a[1]), [0, 0, 1000]);
  await t.engine.stop();
});

test("EventBridge's policy: exponential backoff within 185 retries and the event age", () => {
  const d = (retry: number, age = 0) => nextRetryDelayMs(EVENTBRIDGE_DEFAULT, retry, 0, age, () => 1);
  assert.deepEqual([1, 2, 3, 4].map((n) => d(n)), [1000, 2000, 4000, 8000]);
  assert.equal(d(20), 300_000); // capped
  assert.equal(d(186), undefined); // MaximumRetryAttempts
  assert.equal(d(10, 86_400_000 - 1000), undefined); // MaximumEventAgeInSeconds reached
  const p = { kind: "exponential" as const, maxRetryAttempts: 0, maxEventAgeMs: 60_000 };
  assert.equal(nextRetryDelayMs(p, 1, 0, 0), undefined);
  assert.equal(exhaustedCondition(p, 1), "MaximumRetryAttempts");
  assert.equal(exhaustedCondition(EVENTBRIDGE_DEFAULT, 10), "MaximumEventAgeInSeconds");
});

test("a destination's Retry-After raises the next delay, never lowers it; past the age limit it ends the retries", () => {
  const p: RetryPolicy = { kind: "exponential", maxRetryAttempts: 185, maxEventAgeMs: 60_000 };
  assert.equal(nextRetryDelayMs(p, 1, 0, 0, () => 1, 10_000), 10_000);
  assert.equal(nextRetryDelayMs(p, 1, 0, 0, () => 1, 10), 1000);
  assert.equal(nextRetryDelayMs(p, 1, 0, 0, () => 1, 61_000), undefined);
  assert.equal(exhaustedCondition(p, 1), "MaximumEventAgeInSeconds");
  assert.equal(nextRetryDelayMs({ kind: "fixed", retries: 1, backoffMs: 5 }, 1, 0, 0, Math.random, 50), 50);
});

test("settled: called once per row that ends (delivered, dead-lettered, DLQ missing, none), never for retries", async () => {
  const t = setup(() => ({ ok: true }));
  const ends: [string, unknown][] = [];
  let tries = 0;
  t.engine.register("counted", {
    attempt: async (row) => (row.payload === "ok" || (row.payload === "flaky" && tries++ > 0) ? { ok: true } : { ok: false, code: "500", message: "x", retryable: row.payload === "flaky" }),
    settled: (row, outcome) => ends.push([row.payload, outcome]),
  });
  const dl = (q: string) => ({ queueArn: `arn:aws:sqs:us-east-1:000000000000:${q}` });
  await t.outbox.add([
    { kind: "counted", target: "x", payload: "ok", dueAt: 0 },
    { kind: "counted", target: "x", payload: "flaky", dueAt: 0, policy: { kind: "fixed", retries: 3, backoffMs: 100 } },
    { kind: "counted", target: "x", payload: "dead", dueAt: 0, deadLetter: dl("dlq") },
    { kind: "counted", target: "x", payload: "lost", dueAt: 0, deadLetter: dl("gone") },
    { kind: "counted", target: "x", payload: "none", dueAt: 0 },
  ], 0);
  t.engine.wake();
  await t.scheduler.settled();
  await t.step(100);
  assert.deepEqual(ends.sort((a, b) => String(a[0]).localeCompare(String(b[0]))), [
    ["dead", { ok: false, deadLettered: true }],
    ["flaky", { ok: true }],
    ["lost", { ok: false, deadLettered: false }],
    ["none", { ok: false, deadLettered: undefined }],
    ["ok", { ok: true }],
  ]);
  await t.engine.stop();
});
