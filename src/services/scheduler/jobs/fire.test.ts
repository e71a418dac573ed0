// What one firing writes (planFiring, pure) and the context attributes of an attempt (withContext).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ScheduleRecord } from "../store.ts";
import { planFiring } from "./fire.ts";
import { type FiringPayload, withContext } from "./targets.ts";

const T0 = Date.UTC(2026, 0, 1, 10, 0);
const record = (extra: Partial<ScheduleRecord["config"]> = {}, state: ScheduleRecord["state"] = "ENABLED"): ScheduleRecord => ({
  id: 1, account: "000000000000", region: "us-east-1", group: "g", name: "s", state, baseUrl: "http://h", nextAt: T0, createdAt: T0, modifiedAt: T0,
  config: {
    ScheduleExpression: "rate(1 hour)", FlexibleTimeWindow: { Mode: "OFF" }, anchorAt: T0,
    Target: { Arn: "arn:aws:sqs:us-east-1:000000000000:q", RoleArn: "r", Input: "x", DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:000000000000:dlq" } }, ...extra,
  },
});

test("a firing advances a recurring schedule and writes one outbox row with the RetryPolicy and Scheduler's dead letter", () => {
  const p = planFiring(record(), T0);
  assert.equal(p.next, T0 + 3_600_000);
  assert.equal(p.delete, false);
  assert.equal(p.outbox.length, 1);
  const row = p.outbox[0];
  assert.equal(row.dueAt, T0);
  assert.deepEqual(row.policy, { kind: "exponential", maxRetryAttempts: 185, maxEventAgeMs: 86_400_000, jitter: true });
  assert.deepEqual(row.deadLetter?.attributes, { SCHEDULE_ARN: "arn:aws:scheduler:us-east-1:000000000000:schedule/g/s", TARGET_ARN: "arn:aws:sqs:us-east-1:000000000000:q" });
  assert.equal((JSON.parse(row.payload) as FiringPayload).scheduledAt, T0);
});

test("a late firing resumes after now; a flexible window puts the row inside it; DELETE after the last one", () => {
  assert.equal(planFiring(record(), T0 + 5.5 * 3_600_000).next, T0 + 6 * 3_600_000);
  const flex = record({ FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 10 } });
  assert.equal(planFiring(flex, T0, () => 0).outbox[0].dueAt, T0);
  assert.equal(planFiring(flex, T0, () => 0.999_999).outbox[0].dueAt, T0 + 599_999);
  const once = record({ ScheduleExpression: "at(2026-01-01T10:00:00)", ActionAfterCompletion: "DELETE" });
  assert.deepEqual([planFiring(once, T0).next, planFiring(once, T0).delete], [undefined, true]);
  const ended = record({ EndDate: T0 + 1000 });
  assert.deepEqual([planFiring(ended, T0).next, planFiring(ended, T0).delete], [undefined, false]);
  assert.deepEqual(planFiring(record({}, "DISABLED"), T0).outbox, []);
});

test("context attributes are replaced per attempt; other text is left as it is", () => {
  const p: FiringPayload = { target: { Arn: "a" }, account: "0", region: "r", baseUrl: "", scheduleArn: "arn:s", scheduledAt: Date.UTC(2022, 2, 22, 18, 59, 43) };
  const out = withContext("<aws.scheduler.schedule-arn>|<aws.scheduler.scheduled-time>|<aws.scheduler.attempt-number>|<aws.scheduler.execution-id>|<aws.scheduler.other>", p, 3);
  const [arn, time, attempt, id, other] = out.split("|");
  assert.deepEqual([arn, time, attempt, other], ["arn:s", "2022-03-22T18:59:43Z", "3", "<aws.scheduler.other>"]);
  assert.match(id, /^[0-9a-f]{16}$/);
  assert.equal(withContext("plain", p, 1), "plain");
});
