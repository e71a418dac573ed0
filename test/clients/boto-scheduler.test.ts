// boto3 1.43 (pyenv python3; EventBridge Scheduler over REST-JSON) against an in-process server: a schedule group with
// tags, a schedule created, read, listed, updated and deleted, an at() schedule firing into an SQS queue on a
// ManualClock, and AWS's errors as botocore parses them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ManualClock, type Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { type Boto, JSON_PYTHON, startBoto } from "./boto.ts";

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
let server: Mailroom;
let sch: Boto;
let sqs: Boto;
before(async () => {
  server = await startTestServer({ clock });
  sch = await startBoto(server.endpoint, { python: JSON_PYTHON, service: "scheduler", protocol: "rest-json" });
  sqs = await startBoto(server.endpoint, { python: JSON_PYTHON, service: "sqs", protocol: "json" });
});
after(async () => {
  sch?.close();
  sqs?.close();
  await server?.close();
});

test("boto3: groups, tags, schedules and errors", async () => {
  const { ScheduleGroupArn } = await sch.call("create_schedule_group", { Name: "py", Tags: [{ Key: "team", Value: "py" }] });
  assert.equal(ScheduleGroupArn, `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/py`);
  assert.deepEqual((await sch.call("list_tags_for_resource", { ResourceArn: ScheduleGroupArn })).Tags, [{ Key: "team", Value: "py" }]);
  const { QueueUrl } = await sqs.call("create_queue", { QueueName: "py-target" });
  const target = { Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:py-target`, RoleArn: ROLE, Input: "from boto <aws.scheduler.scheduled-time>" };
  await sch.call("create_schedule", {
    Name: "py-once", GroupName: "py", ScheduleExpression: "at(2026-06-01T14:05:00)", ScheduleExpressionTimezone: "Europe/Paris",
    FlexibleTimeWindow: { Mode: "OFF" }, Target: target, ActionAfterCompletion: "DELETE",
  });
  const got = await sch.call("get_schedule", { Name: "py-once", GroupName: "py" });
  assert.equal(got.ScheduleExpressionTimezone, "Europe/Paris");
  assert.equal(got.Target.Arn, target.Arn);
  assert.ok(got.CreationDate);
  assert.deepEqual((await sch.call("list_schedules", { GroupName: "py" })).Schedules.map((s: { Name: string }) => s.Name), ["py-once"]);
  await sch.call("update_schedule", { Name: "py-once", GroupName: "py", ScheduleExpression: "at(2026-06-01T14:10:00)", ScheduleExpressionTimezone: "Europe/Paris", FlexibleTimeWindow: { Mode: "OFF" }, Target: target, ActionAfterCompletion: "DELETE" });

  const missing = await sch.fail("get_schedule", { Name: "nope" });
  assert.equal(missing.Code, "ResourceNotFoundException");
  assert.equal(missing.HTTPStatusCode, 404);
  const conflict = await sch.fail("create_schedule_group", { Name: "py" });
  assert.equal(conflict.Code, "ConflictException");
  const invalid = await sch.fail("create_schedule", { Name: "bad", ScheduleExpression: "rate(0 minutes)", FlexibleTimeWindow: { Mode: "OFF" }, Target: target });
  assert.equal(invalid.Code, "ValidationException");

  // 14:10 in Paris (UTC+2 in June) is 12:10 UTC.
  await new Promise((r) => setTimeout(r, 50));
  clock.set(Date.UTC(2026, 5, 1, 12, 10, 0));
  let bodies: string[] = [];
  for (let i = 0; i < 100 && bodies.length === 0; i++) {
    const r = await sqs.call("receive_message", { QueueUrl, WaitTimeSeconds: 0 });
    bodies = (r.Messages ?? []).map((m: { Body: string }) => m.Body);
    if (bodies.length === 0) await new Promise((r) => setTimeout(r, 25));
  }
  assert.deepEqual(bodies, ["from boto 2026-06-01T12:10:00Z"]);
  assert.equal((await sch.fail("get_schedule", { Name: "py-once", GroupName: "py" })).Code, "ResourceNotFoundException");
  await sch.call("delete_schedule_group", { Name: "py" });
});
