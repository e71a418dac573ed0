// EventBridge Scheduler firing end to end on a ManualClock (SQLite, or PostgreSQL with MAILROOM_TEST_BACKEND=postgres):
// a cron in a time zone across both daylight-saving changes, rate schedules with StartDate/EndDate, a flexible time
// window, at() with ActionAfterCompletion DELETE, a failing target reaching the dead-letter queue with AWS's
// attributes, every templated target kind and a universal target, disabled schedules, and occurrences missed while
// the server was down.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient, UpdateScheduleCommand, type CreateScheduleCommandInput } from "@aws-sdk/client-scheduler";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateStateMachineCommand, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { snsClient, sqsClient, startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
const clock = new ManualClock(Date.UTC(2026, 2, 7, 0, 0, 0));
const dataDir = mkdtempSync(join(tmpdir(), "mailroom-scheduler-"));
const cfg = { endpoint: "", region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };

let server: Mailroom;
let sch: SchedulerClient;
let sqs: SQSClient;
async function start() {
  server = await startTestServer({ clock, dataDir });
  sch?.destroy();
  sqs?.destroy();
  sch = new SchedulerClient({ ...cfg, endpoint: server.endpoint });
  sqs = sqsClient(server.endpoint);
}
before(start);
after(async () => {
  sch.destroy();
  sqs.destroy();
  await server.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Moves the clock to `at` in steps of at most `step` ms, giving the work due at each step time to run. */
async function advanceTo(at: number, step = 1_800_000) {
  await sleep(60);
  while (clock.now() < at) {
    await sleep(5);
    clock.set(Math.min(at, clock.now() + step));
    await sleep(40);
  }
  await sleep(60);
}
async function queue(name: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: name.endsWith(".fifo") ? { FifoQueue: "true" } : undefined }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
}
async function drain(url: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }));
    if (!r.Messages?.length) return out;
    for (const m of r.Messages) {
      out.push(m);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
/** Waits (real time, the engine works on its own) until the queue has given `n` messages. */
async function expectMessages(url: string, n: number): Promise<Message[]> {
  const got: Message[] = [];
  for (let i = 0; i < 200 && got.length < n; i++) {
    got.push(...(await drain(url)));
    if (got.length < n) await sleep(25);
  }
  await sleep(30);
  got.push(...(await drain(url)));
  return got;
}
/** The occurrence time the body names (its Input ends with <aws.scheduler.scheduled-time>). */
const scheduled = (m: Message) => Date.parse(m.Body!.split(" ")[1]);
const schedule = (Name: string, arn: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name, FlexibleTimeWindow: { Mode: "OFF" }, ScheduleExpression: "rate(1 day)", Target: { Arn: arn, RoleArn: ROLE, Input: `${Name} <aws.scheduler.scheduled-time>` }, ...extra,
});

test("cron in America/New_York across spring-forward: 02:30 does not exist on 8 March and is skipped; 09:00 stays 09:00 local", async () => {
  const q = await queue("dst-spring");
  await sch.send(new CreateScheduleCommand(schedule("spring-0230", q.arn, { ScheduleExpression: "cron(30 2 * * ? *)", ScheduleExpressionTimezone: "America/New_York" })));
  await sch.send(new CreateScheduleCommand(schedule("spring-0900", q.arn, { ScheduleExpression: "cron(0 9 * * ? *)", ScheduleExpressionTimezone: "America/New_York" })));
  await advanceTo(Date.UTC(2026, 2, 10, 0, 0), 1_800_000);
  const got = (await expectMessages(q.url, 5)).map((m) => m.Body).sort();
  assert.deepEqual(got, [
    "spring-0230 2026-03-07T07:30:00Z", // EST (UTC-5)
    "spring-0230 2026-03-09T06:30:00Z", // EDT (UTC-4); none on 8 March
    "spring-0900 2026-03-07T14:00:00Z",
    "spring-0900 2026-03-08T13:00:00Z",
    "spring-0900 2026-03-09T13:00:00Z",
  ]);
});

test("cron in America/New_York across fall-back: 01:30 happens twice on 1 November and fires once", async () => {
  await advanceTo(Date.UTC(2026, 9, 31, 0, 0), 30 * 86_400_000);
  const q = await queue("dst-fall");
  await sch.send(new CreateScheduleCommand(schedule("fall-0130", q.arn, { ScheduleExpression: "cron(30 1 * * ? *)", ScheduleExpressionTimezone: "America/New_York" })));
  await advanceTo(Date.UTC(2026, 10, 3, 0, 0), 1_800_000);
  const got = (await expectMessages(q.url, 3)).map((m) => m.Body).sort();
  assert.deepEqual(got, ["fall-0130 2026-10-31T05:30:00Z", "fall-0130 2026-11-01T05:30:00Z", "fall-0130 2026-11-02T06:30:00Z"]);
});

test("rate with StartDate and EndDate fires from the start to the end only; a rate without StartDate fires at once", async () => {
  const q = await queue("rate-bounds");
  const t0 = clock.now();
  await sch.send(new CreateScheduleCommand(schedule("bounded", q.arn, {
    ScheduleExpression: "rate(2 hours)", StartDate: new Date(t0 + 3_600_000), EndDate: new Date(t0 + 6 * 3_600_000),
  })));
  await sch.send(new CreateScheduleCommand(schedule("at-once", q.arn, { ScheduleExpression: "rate(12 hours)" })));
  await advanceTo(t0 + 10 * 3_600_000, 1_800_000);
  const got = (await expectMessages(q.url, 4)).map((m) => `${m.Body!.split(" ")[0]} +${(scheduled(m) - Math.floor(t0 / 1000) * 1000) / 3_600_000}h`).sort();
  assert.deepEqual(got, ["at-once +0h", "bounded +1h", "bounded +3h", "bounded +5h"]);
});

test("a flexible time window spreads invocations inside the window after the scheduled time", async () => {
  const q = await queue("flexible");
  const t0 = Math.ceil(clock.now() / 3_600_000) * 3_600_000 + 3_600_000;
  for (let i = 0; i < 8; i++) {
    await sch.send(new CreateScheduleCommand(schedule(`flex-${i}`, q.arn, {
      ScheduleExpression: "rate(1 day)", StartDate: new Date(t0), FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
    })));
  }
  await advanceTo(t0 + 20 * 60_000, 30_000);
  const times = (await expectMessages(q.url, 8)).map((m) => Number(m.Attributes!.SentTimestamp));
  assert.equal(times.length, 8);
  // Within the window (plus two 30 s clock steps of slack: a slow database may run the delivery a step late).
  for (const t of times) assert.ok(t >= t0 && t < t0 + 15 * 60_000 + 60_000, `${new Date(t).toISOString()} outside the window after ${new Date(t0).toISOString()}`);
  assert.ok(new Set(times).size > 1, "the invocations are spread");
});

test("at() in a time zone with ActionAfterCompletion DELETE fires once, then the schedule is gone", async () => {
  const q = await queue("one-time");
  const now = new Date(clock.now());
  const local = new Date(now.getTime() + 2 * 3_600_000 + 9 * 3_600_000); // Asia/Tokyo is UTC+9, two hours ahead
  const at = `at(${local.toISOString().slice(0, 19)})`;
  await sch.send(new CreateScheduleCommand(schedule("once", q.arn, { ScheduleExpression: at, ScheduleExpressionTimezone: "Asia/Tokyo", ActionAfterCompletion: "DELETE" })));
  await sch.send(new CreateScheduleCommand(schedule("once-kept", q.arn, { ScheduleExpression: at, ScheduleExpressionTimezone: "Asia/Tokyo" })));
  await advanceTo(now.getTime() + 3_600_000, 600_000);
  assert.deepEqual(await drain(q.url), []);
  await advanceTo(now.getTime() + 5 * 3_600_000, 600_000);
  const got = await expectMessages(q.url, 2);
  assert.deepEqual(got.map((m) => m.Body!.split(" ")[0]).sort(), ["once", "once-kept"]);
  for (const m of got) assert.equal(scheduled(m), Math.floor(now.getTime() / 1000) * 1000 + 2 * 3_600_000);
  await rejectsAws(sch.send(new GetScheduleCommand({ Name: "once" })), { name: "ResourceNotFoundException" });
  assert.equal((await sch.send(new GetScheduleCommand({ Name: "once-kept" }))).State, "ENABLED");
  await advanceTo(clock.now() + 3 * 86_400_000, 86_400_000);
  assert.deepEqual(await drain(q.url), []);
});

test("a failing target is retried under the RetryPolicy, then reaches the DLQ with AWS's attributes", async () => {
  const dlq = await queue("sched-dlq");
  const missing = `arn:aws:sqs:us-east-1:${ACCOUNT}:does-not-exist`;
  const t0 = clock.now();
  await sch.send(new CreateScheduleCommand(schedule("to-nowhere", missing, {
    ScheduleExpression: "rate(7 days)", Target: { Arn: missing, RoleArn: ROLE, Input: "TEST_PAYLOAD", RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 }, DeadLetterConfig: { Arn: dlq.arn } },
  })));
  await advanceTo(t0 + 60_000, 500);
  const [m, ...rest] = await expectMessages(dlq.url, 1);
  assert.deepEqual(rest, []);
  assert.equal(m.Body, "TEST_PAYLOAD");
  const attrs = Object.fromEntries(Object.entries(m.MessageAttributes!).map(([k, v]) => [k, v.StringValue]));
  assert.deepEqual(attrs, {
    ERROR_CODE: attrs.ERROR_CODE, ERROR_MESSAGE: attrs.ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts", RETRY_ATTEMPTS: "2",
    SCHEDULE_ARN: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/to-nowhere`, TARGET_ARN: missing,
  });
  assert.match(attrs.ERROR_CODE!, /NonExistentQueue|QueueDoesNotExist/);
  assert.ok(attrs.ERROR_MESSAGE);
});

test("disabled schedules do not fire; enabling one by UpdateSchedule starts it", async () => {
  const q = await queue("disabled");
  const t0 = clock.now();
  await sch.send(new CreateScheduleCommand(schedule("off", q.arn, { ScheduleExpression: "rate(1 hour)", State: "DISABLED" })));
  await advanceTo(t0 + 3 * 3_600_000, 1_800_000);
  assert.deepEqual(await drain(q.url), []);
  await sch.send(new UpdateScheduleCommand(schedule("off", q.arn, { ScheduleExpression: "rate(1 hour)", State: "ENABLED" })));
  await advanceTo(clock.now() + 1_800_000, 1_800_000);
  assert.equal((await expectMessages(q.url, 1)).length, 1);
  await sch.send(new UpdateScheduleCommand(schedule("off", q.arn, { ScheduleExpression: "rate(1 hour)", State: "DISABLED" })));
});

test("templated targets: SQS FIFO with MessageGroupId, SNS, EventBridge, Step Functions, Kinesis; and a universal target", async () => {
  const fifo = await queue("sched-target.fifo");
  const viaSns = await queue("via-sns");
  const viaBus = await queue("via-bus");
  const direct = await queue("universal");
  const sns = snsClient(server.endpoint);
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sched-topic" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: viaSns.arn, Attributes: { RawMessageDelivery: "true" } }));
  const eb = new EventBridgeClient({ ...cfg, endpoint: server.endpoint });
  await eb.send(new PutRuleCommand({ Name: "from-scheduler", EventPattern: JSON.stringify({ source: ["my.app"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "from-scheduler", Targets: [{ Id: "q", Arn: viaBus.arn }] }));
  const sfn = new SFNClient({ ...cfg, endpoint: server.endpoint });
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "scheduled", roleArn: ROLE, definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }) }));
  const kinesis = new KinesisClient({ ...cfg, endpoint: server.endpoint });
  await kinesis.send(new CreateStreamCommand({ StreamName: "scheduled", ShardCount: 1 }));
  const t0 = clock.now();
  const at = `at(${new Date(t0 + 600_000).toISOString().slice(0, 19)})`;
  const one = (name: string, target: CreateScheduleCommandInput["Target"]) => sch.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: at, FlexibleTimeWindow: { Mode: "OFF" }, Target: target }));
  await one("t-fifo", { Arn: fifo.arn, RoleArn: ROLE, Input: "fifo body", SqsParameters: { MessageGroupId: "g1" } });
  await one("t-sns", { Arn: TopicArn!, RoleArn: ROLE, Input: "sns body" });
  await one("t-bus", { Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`, RoleArn: ROLE, Input: JSON.stringify({ k: 1 }), EventBridgeParameters: { Source: "my.app", DetailType: "tick" } });
  await one("t-sfn", { Arn: stateMachineArn!, RoleArn: ROLE, Input: JSON.stringify({ n: 2 }) });
  await one("t-kinesis", { Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/scheduled`, RoleArn: ROLE, Input: "record", KinesisParameters: { PartitionKey: "pk" } });
  await one("t-universal", { Arn: "arn:aws:scheduler:::aws-sdk:sqs:sendMessage", RoleArn: ROLE, Input: JSON.stringify({ QueueUrl: direct.url, MessageBody: "universal body" }) });
  await advanceTo(t0 + 700_000, 100_000);

  const [f] = await expectMessages(fifo.url, 1);
  assert.equal(f.Body, "fifo body");
  assert.equal(f.Attributes!.MessageGroupId, "g1");
  assert.equal((await expectMessages(viaSns.url, 1))[0].Body, "sns body");
  const event = JSON.parse((await expectMessages(viaBus.url, 1))[0].Body!);
  assert.equal(event.source, "my.app");
  assert.equal(event["detail-type"], "tick");
  assert.deepEqual(event.detail, { k: 1 });
  assert.equal((await expectMessages(direct.url, 1))[0].Body, "universal body");
  let executions: unknown[] = [];
  for (let i = 0; i < 100 && executions.length === 0; i++) {
    executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
    if (executions.length === 0) await sleep(25);
  }
  assert.equal(executions.length, 1);
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: "scheduled", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
  const records = (await kinesis.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [];
  assert.deepEqual(records.map((r) => [Buffer.from(r.Data!).toString(), r.PartitionKey]), [["record", "pk"]]);
  sns.destroy();
  eb.destroy();
  sfn.destroy();
  kinesis.destroy();
});

test("occurrences missed while the server was down fire once, late, then the schedule resumes on time", async () => {
  const q = await queue("missed");
  const H = 3_600_000;
  const base = Math.floor(clock.now() / H) * H + H;
  await advanceTo(base + 600_000, 600_000);
  await drain(q.url);
  await sch.send(new CreateScheduleCommand(schedule("hourly", q.arn, { ScheduleExpression: "cron(0 * * * ? *)" })));
  await server.close();
  const restart = base + 5 * H + 600_000;
  clock.set(restart); // the occurrences at base+1h … base+5h pass with no server
  await start();
  await advanceTo(restart + 1000, 1000);
  const late = await expectMessages(q.url, 1);
  assert.equal(late.length, 1, "one late firing, not a backlog");
  // It is the first missed occurrence, invoked at the restart.
  assert.equal(scheduled(late[0]), base + H);
  assert.ok(Number(late[0].Attributes!.SentTimestamp) >= restart);
  await advanceTo(base + 6 * H, 600_000);
  await advanceTo(base + 6 * H + 600_000, 600_000);
  assert.deepEqual((await expectMessages(q.url, 1)).map(scheduled), [base + 6 * H]);
});
