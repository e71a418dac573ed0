// EventBridge Scheduler's API with @aws-sdk/client-scheduler (REST-JSON): schedule groups (the default group, tags,
// paging, deleting a group with its schedules), schedules (create, get, update, delete, list with filters and paging)
// and AWS's validation, probed as a careless or hostile client would.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateScheduleCommand, CreateScheduleGroupCommand, DeleteScheduleCommand, DeleteScheduleGroupCommand, GetScheduleCommand, GetScheduleGroupCommand,
  ListScheduleGroupsCommand, ListSchedulesCommand, ListTagsForResourceCommand, SchedulerClient, TagResourceCommand, UntagResourceCommand,
  UpdateScheduleCommand, type CreateScheduleCommandInput,
} from "@aws-sdk/client-scheduler";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:nowhere`;

let server: Mailroom;
let sch: SchedulerClient;
before(async () => {
  server = await startTestServer();
  sch = new SchedulerClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
after(async () => {
  sch.destroy();
  await server.close();
});

const schedule = (Name: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name, ScheduleExpression: "cron(0 12 * * ? *)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: QUEUE, RoleArn: ROLE, Input: "hi" }, ...extra,
});

test("the default group always exists and cannot be deleted; groups are created, listed by prefix and page, tagged and deleted", async () => {
  const d = await sch.send(new GetScheduleGroupCommand({ Name: "default" }));
  assert.equal(d.Arn, `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/default`);
  assert.equal(d.State, "ACTIVE");
  assert.ok(d.CreationDate instanceof Date);
  await rejectsAws(sch.send(new DeleteScheduleGroupCommand({ Name: "default" })), { name: "ValidationException", status: 400 });

  const created = await sch.send(new CreateScheduleGroupCommand({ Name: "team-a", Tags: [{ Key: "env", Value: "dev" }] }));
  assert.equal(created.ScheduleGroupArn, `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/team-a`);
  await rejectsAws(sch.send(new CreateScheduleGroupCommand({ Name: "team-a" })), { name: "ConflictException", status: 409, message: "Schedule group team-a already exists." });
  for (const n of ["team-b", "team-c", "other"]) await sch.send(new CreateScheduleGroupCommand({ Name: n }));

  const page1 = await sch.send(new ListScheduleGroupsCommand({ NamePrefix: "team-", MaxResults: 2 }));
  assert.deepEqual(page1.ScheduleGroups!.map((g) => g.Name), ["team-a", "team-b"]);
  const page2 = await sch.send(new ListScheduleGroupsCommand({ NamePrefix: "team-", MaxResults: 2, NextToken: page1.NextToken }));
  assert.deepEqual(page2.ScheduleGroups!.map((g) => g.Name), ["team-c"]);
  assert.equal(page2.NextToken, undefined);
  const all = await sch.send(new ListScheduleGroupsCommand({}));
  assert.ok(all.ScheduleGroups!.some((g) => g.Name === "default"));
  await rejectsAws(sch.send(new ListScheduleGroupsCommand({ NextToken: "garbage" })), { name: "ValidationException" });

  const arn = created.ScheduleGroupArn!;
  await sch.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "team", Value: "a" }, { Key: "env", Value: "prod" }] }));
  assert.deepEqual((await sch.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: "env", Value: "prod" }, { Key: "team", Value: "a" }]);
  await sch.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["env", "absent"] }));
  assert.deepEqual((await sch.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, [{ Key: "team", Value: "a" }]);
  await rejectsAws(sch.send(new ListTagsForResourceCommand({ ResourceArn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/missing` })), { name: "ResourceNotFoundException", status: 404 });
  // Another account's group is not found, never touched.
  await rejectsAws(sch.send(new TagResourceCommand({ ResourceArn: `arn:aws:scheduler:us-east-1:111111111111:schedule-group/team-a`, Tags: [{ Key: "k", Value: "v" }] })), { name: "ResourceNotFoundException" });
  await rejectsAws(sch.send(new ListTagsForResourceCommand({ ResourceArn: "arn:aws:sqs:us-east-1:000000000000:q" })), { name: "ValidationException" });
  const tooMany = Array.from({ length: 201 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  await rejectsAws(sch.send(new TagResourceCommand({ ResourceArn: arn, Tags: tooMany })), { name: "ValidationException" });

  // Deleting a group deletes its schedules.
  await sch.send(new CreateScheduleCommand(schedule("in-group", { GroupName: "team-a" })));
  await sch.send(new DeleteScheduleGroupCommand({ Name: "team-a" }));
  await rejectsAws(sch.send(new GetScheduleGroupCommand({ Name: "team-a" })), { name: "ResourceNotFoundException", message: "Schedule group team-a does not exist." });
  await rejectsAws(sch.send(new GetScheduleCommand({ Name: "in-group", GroupName: "team-a" })), { name: "ResourceNotFoundException" });
  await sch.send(new CreateScheduleGroupCommand({ Name: "team-a" }));
  assert.deepEqual((await sch.send(new ListSchedulesCommand({ GroupName: "team-a" }))).Schedules, []);
  await rejectsAws(sch.send(new DeleteScheduleGroupCommand({ Name: "team-a-missing" })), { name: "ResourceNotFoundException" });
});

test("schedules: create, get every field back, update replaces the definition, delete; list filters by group, prefix and state and pages", async () => {
  const arn = (await sch.send(new CreateScheduleCommand(schedule("nightly", {
    Description: "every night", ScheduleExpressionTimezone: "Europe/Berlin", StartDate: new Date("2030-01-01T00:00:00Z"), EndDate: new Date("2031-01-01T00:00:00Z"),
    FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 }, State: "DISABLED",
    Target: { Arn: QUEUE, RoleArn: ROLE, Input: "{}", RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 }, DeadLetterConfig: { Arn: QUEUE } },
  })))).ScheduleArn;
  assert.equal(arn, `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/nightly`);
  const got = await sch.send(new GetScheduleCommand({ Name: "nightly" }));
  assert.equal(got.Arn, arn);
  assert.equal(got.GroupName, "default");
  assert.equal(got.State, "DISABLED");
  assert.equal(got.ScheduleExpressionTimezone, "Europe/Berlin");
  assert.equal(got.StartDate?.toISOString(), "2030-01-01T00:00:00.000Z");
  assert.equal(got.EndDate?.toISOString(), "2031-01-01T00:00:00.000Z");
  assert.deepEqual(got.FlexibleTimeWindow, { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 });
  assert.deepEqual(got.Target?.RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 });
  assert.equal(got.Target?.DeadLetterConfig?.Arn, QUEUE);
  assert.equal(got.ActionAfterCompletion, "NONE");
  assert.ok(got.CreationDate instanceof Date && got.LastModificationDate instanceof Date);
  await rejectsAws(sch.send(new CreateScheduleCommand(schedule("nightly"))), { name: "ConflictException", status: 409, message: "Schedule nightly already exists." });

  await sch.send(new UpdateScheduleCommand(schedule("nightly", { ScheduleExpression: "rate(5 minutes)" })));
  const updated = await sch.send(new GetScheduleCommand({ Name: "nightly" }));
  assert.equal(updated.ScheduleExpression, "rate(5 minutes)");
  assert.equal(updated.State, "ENABLED");
  assert.equal(updated.Description, undefined);
  assert.equal(updated.ScheduleExpressionTimezone, undefined);
  assert.equal(updated.CreationDate?.getTime(), got.CreationDate?.getTime());
  await rejectsAws(sch.send(new UpdateScheduleCommand(schedule("missing"))), { name: "ResourceNotFoundException", message: "Schedule missing does not exist." });

  await sch.send(new CreateScheduleGroupCommand({ Name: "listing" }));
  for (const n of ["job-1", "job-2", "job-3", "other"]) await sch.send(new CreateScheduleCommand(schedule(n, { GroupName: "listing", State: n === "job-2" ? "DISABLED" : "ENABLED" })));
  const p1 = await sch.send(new ListSchedulesCommand({ GroupName: "listing", NamePrefix: "job-", MaxResults: 2 }));
  assert.deepEqual(p1.Schedules!.map((s) => s.Name), ["job-1", "job-2"]);
  assert.deepEqual(p1.Schedules![0].Target, { Arn: QUEUE });
  assert.equal(p1.Schedules![0].GroupName, "listing");
  const p2 = await sch.send(new ListSchedulesCommand({ GroupName: "listing", NamePrefix: "job-", MaxResults: 2, NextToken: p1.NextToken }));
  assert.deepEqual(p2.Schedules!.map((s) => s.Name), ["job-3"]);
  assert.deepEqual((await sch.send(new ListSchedulesCommand({ GroupName: "listing", State: "DISABLED" }))).Schedules!.map((s) => s.Name), ["job-2"]);
  // The prefix is matched as it is (case and LIKE wildcards are not patterns).
  assert.deepEqual((await sch.send(new ListSchedulesCommand({ GroupName: "listing", NamePrefix: "JOB" }))).Schedules, []);
  assert.deepEqual((await sch.send(new ListSchedulesCommand({ GroupName: "listing", NamePrefix: "j_b" }))).Schedules, []);
  await rejectsAws(sch.send(new ListSchedulesCommand({ GroupName: "nope" })), { name: "ResourceNotFoundException" });
  await rejectsAws(sch.send(new ListSchedulesCommand({ MaxResults: 101 })), { name: "ValidationException" });

  await sch.send(new DeleteScheduleCommand({ Name: "job-1", GroupName: "listing" }));
  await rejectsAws(sch.send(new DeleteScheduleCommand({ Name: "job-1", GroupName: "listing" })), { name: "ResourceNotFoundException" });
  await rejectsAws(sch.send(new GetScheduleCommand({ Name: "job-1", GroupName: "listing" })), { name: "ResourceNotFoundException" });
});

test("bad input answers ValidationException (or the AWS error) and never a 500", async () => {
  const bad: [string, Partial<CreateScheduleCommandInput>][] = [
    ["expression", { ScheduleExpression: "every day" }],
    ["rate unit", { ScheduleExpression: "rate(1 minutes)" }],
    ["cron fields", { ScheduleExpression: "cron(0 12 * * *)" }],
    ["at format", { ScheduleExpression: "at(2030-01-01 10:00:00)" }],
    ["at date", { ScheduleExpression: "at(2030-02-30T10:00:00)" }],
    ["time zone", { ScheduleExpressionTimezone: "Mars/Olympus" }],
    ["window missing", { FlexibleTimeWindow: { Mode: "FLEXIBLE" } }],
    ["window with OFF", { FlexibleTimeWindow: { Mode: "OFF", MaximumWindowInMinutes: 5 } }],
    ["window too big", { FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 1441 } }],
    ["mode", { FlexibleTimeWindow: { Mode: "SOMETIMES" as "OFF" } }],
    ["end before start", { StartDate: new Date("2030-02-01T00:00:00Z"), EndDate: new Date("2030-01-01T00:00:00Z") }],
    ["role", { Target: { Arn: QUEUE, RoleArn: "role" } }],
    ["unsupported target", { Target: { Arn: "arn:aws:lambda:us-east-1:000000000000:function:f", RoleArn: ROLE } }],
    ["universal service", { Target: { Arn: "arn:aws:scheduler:::aws-sdk:lambda:invoke", RoleArn: ROLE, Input: "{}" } }],
    ["universal input", { Target: { Arn: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", RoleArn: ROLE, Input: "[1]" } }],
    ["retries", { Target: { Arn: QUEUE, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } }],
    ["event age", { Target: { Arn: QUEUE, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 59 } } }],
    ["fifo dlq", { Target: { Arn: QUEUE, RoleArn: ROLE, DeadLetterConfig: { Arn: `${QUEUE}.fifo` } } }],
    ["dlq arn", { Target: { Arn: QUEUE, RoleArn: ROLE, DeadLetterConfig: { Arn: "arn:aws:sns:us-east-1:000000000000:t" } } }],
    ["eventbridge without parameters", { Target: { Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`, RoleArn: ROLE } }],
    ["eventbridge aws source", { Target: { Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`, RoleArn: ROLE, EventBridgeParameters: { Source: "aws.ec2", DetailType: "x" } } }],
    ["kinesis without key", { Target: { Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`, RoleArn: ROLE } }],
    ["ecs", { Target: { Arn: QUEUE, RoleArn: ROLE, EcsParameters: { TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/t" } } }],
    ["description", { Description: "x".repeat(513) }],
    ["after completion", { ActionAfterCompletion: "ARCHIVE" as "DELETE" }],
  ];
  for (const [why, extra] of bad) {
    await rejectsAws(sch.send(new CreateScheduleCommand(schedule(`bad-${why.replace(/ /g, "-")}`, extra))), { name: "ValidationException", status: 400 }).catch((e) => {
      throw new Error(`${why}: ${(e as Error).message}`);
    });
  }
  await rejectsAws(sch.send(new CreateScheduleCommand(schedule("bad name!"))), {
    name: "ValidationException", message: "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$",
  });
  await rejectsAws(sch.send(new CreateScheduleCommand(schedule("x".repeat(65)))), { name: "ValidationException" });
  await rejectsAws(sch.send(new CreateScheduleCommand(schedule("in-missing", { GroupName: "missing-group" }))), { name: "ResourceNotFoundException", message: "Schedule group missing-group does not exist." });
  await rejectsAws(sch.send(new CreateScheduleGroupCommand({ Name: "a/b" })), { status: 404 }).catch(() => undefined);
});

test("raw HTTP probes: malformed JSON, wrong types, unknown routes and huge values answer 4xx", async () => {
  const { signedFetch } = await import("./signed-fetch.ts");
  const post = (path: string, body: string, method = "POST") => signedFetch(server.endpoint, method, path, body);
  const cases: [string, string, string][] = [
    ["POST", "/schedules/raw1", "{not json"],
    ["POST", "/schedules/raw2", "[]"],
    ["POST", "/schedules/raw3", JSON.stringify({ ScheduleExpression: 5, FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: QUEUE, RoleArn: ROLE } })],
    ["POST", "/schedules/raw4", JSON.stringify({ ScheduleExpression: "rate(1 minute)", FlexibleTimeWindow: { Mode: "OFF" } })],
    ["POST", "/schedules/raw5", JSON.stringify({ ScheduleExpression: "rate(1 minute)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: QUEUE, RoleArn: ROLE }, StartDate: "yesterday" })],
    ["POST", "/schedules/raw6", JSON.stringify({ ScheduleExpression: `cron(${"1,".repeat(200)}1 * * * ? *)`, FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: QUEUE, RoleArn: ROLE } })],
    ["GET", "/schedules?MaxResults=abc", ""],
    ["GET", "/schedules/%E0%A4%A", ""],
    ["PATCH", "/schedules/x", "{}"],
  ];
  for (const [method, path, body] of cases) {
    const r = await post(path, body, method);
    assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status} ${r.body}`);
  }
  // A huge rate is a valid expression whose next time is far away: accepted, not a crash.
  const huge = await post("/schedules/raw-huge", JSON.stringify({ ScheduleExpression: "rate(999999999 days)", FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: QUEUE, RoleArn: ROLE } }));
  assert.equal(huge.status, 200, huge.body);
});

test("declared schedules are created at start with their group, and left alone when unchanged at the next start", async () => {
  const dataDir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/mailroom-sched-decl-`);
  const resources = {
    sqs: { queues: [{ name: "declared-q" }] },
    scheduler: { schedules: [{ name: "declared", group: "ops", scheduleExpression: "rate(10 minutes)", timezone: "Europe/Oslo", flexibleWindowMinutes: 5, target: { arn: "declared-q", input: { hello: 1 } } }] },
  };
  let s = await startTestServer({ dataDir, resources });
  let c = new SchedulerClient({ endpoint: s.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const first = await c.send(new GetScheduleCommand({ Name: "declared", GroupName: "ops" }));
  assert.equal(first.Target?.Arn, `arn:aws:sqs:us-east-1:${ACCOUNT}:declared-q`);
  assert.equal(first.Target?.Input, '{"hello":1}');
  assert.deepEqual(first.FlexibleTimeWindow, { Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 });
  c.destroy();
  await s.close();
  s = await startTestServer({ dataDir, resources });
  c = new SchedulerClient({ endpoint: s.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const again = await c.send(new GetScheduleCommand({ Name: "declared", GroupName: "ops" }));
  assert.equal(again.LastModificationDate?.getTime(), first.LastModificationDate?.getTime());
  c.destroy();
  await s.close();
});
