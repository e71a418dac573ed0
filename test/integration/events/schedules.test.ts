// Scheduled rules end to end with the JS SDK: AWS's validation, rate and cron rules firing on a ManualClock with
// AWS's "Scheduled Event", disabled rules, occurrences missed while the server was down (one late firing, then on
// schedule), two nodes on one PostgreSQL database firing each occurrence once, and one firing in real time.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  DeleteRuleCommand, DescribeRuleCommand, DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListRulesCommand, PutRuleCommand, PutTargetsCommand,
  RemoveTargetsCommand, CreateEventBusCommand, CreateArchiveCommand, DescribeArchiveCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres.ts";
import { sqsClient, startTestServer, TEST_BACKEND, TEST_CREDENTIALS } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 4, 17, 9, 58, 0));
const dataDir = mkdtempSync(join(tmpdir(), "mailroom-eb-schedules-"));
const ACCOUNT = "000000000000";

let server: Mailroom;
let eb: EventBridgeClient;
let sqs: SQSClient;
async function start() {
  server = await startTestServer({ clock, dataDir });
  eb?.destroy();
  sqs?.destroy();
  eb = new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  sqs = sqsClient(server.endpoint);
}
test.before(start);
test.after(async () => {
  eb.destroy();
  sqs.destroy();
  await server.close();
});

async function queue(name: string) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  return { url, arn };
}
async function drain(url: string, client = sqs): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const r = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!r.Messages?.length) return out;
    for (const m of r.Messages) {
      out.push(JSON.parse(m.Body!));
      await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
/** Moves the clock to `at` and gives a firing due then time to commit (a check for "nothing yet" relies on this). */
async function advanceTo(at: number) {
  await new Promise((r) => setTimeout(r, 20));
  clock.set(at);
  await new Promise((r) => setTimeout(r, 150));
}
/** Drains the queue until it has given `n` messages (a loaded machine may take a while to run the firing), or 10 s. */
async function expectMessages(url: string, n: number): Promise<Record<string, unknown>[]> {
  const got: Record<string, unknown>[] = [];
  for (let i = 0; i < 200 && got.length < n; i++) {
    got.push(...(await drain(url)));
    if (got.length < n) await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 50));
  got.push(...(await drain(url)));
  return got;
}
const ruleArn = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:rule/${name}`;

test("PutRule: ScheduleExpression validated with AWS's message, default bus only, shown by DescribeRule and ListRules", async () => {
  for (const bad of ["rate(1 minutes)", "rate(0 minutes)", "cron(0 10 * * * *)", "cron(0 10 * *)", "every minute", "cron(7 20 * * 1-7 *)"]) {
    await rejectsAws(eb.send(new PutRuleCommand({ Name: "bad", ScheduleExpression: bad })), { name: "ValidationException", message: "Parameter ScheduleExpression is not valid." });
  }
  await rejectsAws(eb.send(new PutRuleCommand({ Name: "nothing" })), { name: "ValidationException", message: "Parameter(s) EventPattern or ScheduleExpression must be specified." });
  await eb.send(new CreateEventBusCommand({ Name: "sched-custom" }));
  await rejectsAws(eb.send(new PutRuleCommand({ Name: "c", EventBusName: "sched-custom", ScheduleExpression: "rate(5 minutes)" })),
    { name: "ValidationException", message: "ScheduleExpression is supported only on the default event bus." });
  const r = await eb.send(new PutRuleCommand({ Name: "v-rate", ScheduleExpression: "rate(5 minutes)", Description: "every five" }));
  assert.equal(r.RuleArn, ruleArn("v-rate"));
  const d = await eb.send(new DescribeRuleCommand({ Name: "v-rate" }));
  assert.equal(d.ScheduleExpression, "rate(5 minutes)");
  assert.equal(d.EventPattern, undefined);
  assert.equal(d.State, "ENABLED");
  const listed = (await eb.send(new ListRulesCommand({ NamePrefix: "v-" }))).Rules!;
  assert.deepEqual(listed.map((x) => [x.Name, x.ScheduleExpression]), [["v-rate", "rate(5 minutes)"]]);
  // PutRule without ScheduleExpression replaces the rule: its schedule goes.
  await eb.send(new PutRuleCommand({ Name: "v-rate", EventPattern: JSON.stringify({ source: ["x"] }) }));
  assert.equal((await eb.send(new DescribeRuleCommand({ Name: "v-rate" }))).ScheduleExpression, undefined);
  await eb.send(new DeleteRuleCommand({ Name: "v-rate" }));
});

test("rate and cron rules deliver AWS's Scheduled Event on time; disabled rules skip their occurrences", async () => {
  const q = await queue("sched-q");
  const t0 = clock.now();
  await eb.send(new PutRuleCommand({ Name: "every5", ScheduleExpression: "rate(5 minutes)" }));
  await eb.send(new PutTargetsCommand({ Rule: "every5", Targets: [{ Id: "q", Arn: q.arn }] }));
  await advanceTo(t0 + 5 * 60_000 - 1);
  assert.deepEqual(await drain(q.url), []);
  await advanceTo(t0 + 5 * 60_000);
  const [e, ...more] = await expectMessages(q.url, 1);
  assert.deepEqual(more, []);
  assert.deepEqual(Object.keys(e), ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]);
  assert.equal(e["detail-type"], "Scheduled Event");
  assert.equal(e.source, "aws.events");
  assert.equal(e.account, ACCOUNT);
  assert.equal(e.time, new Date(t0 + 5 * 60_000).toISOString().replace(".000Z", "Z"));
  assert.deepEqual(e.resources, [ruleArn("every5")]);
  assert.deepEqual(e.detail, {});
  await advanceTo(t0 + 10 * 60_000);
  assert.equal((await expectMessages(q.url, 1)).length, 1);
  await eb.send(new DisableRuleCommand({ Name: "every5" }));
  await advanceTo(t0 + 15 * 60_000);
  assert.deepEqual(await drain(q.url), []);
  await eb.send(new EnableRuleCommand({ Name: "every5" }));
  await advanceTo(t0 + 20 * 60_000);
  assert.equal((await expectMessages(q.url, 1)).length, 1);
  await eb.send(new RemoveTargetsCommand({ Rule: "every5", Ids: ["q"] }));
  await eb.send(new DeleteRuleCommand({ Name: "every5" }));

  // cron: 10:00 UTC each day.
  const c = await queue("cron-q");
  await eb.send(new PutRuleCommand({ Name: "at10", ScheduleExpression: "cron(0 10 * * ? *)" }));
  await eb.send(new PutTargetsCommand({ Rule: "at10", Targets: [{ Id: "q", Arn: c.arn, Input: "{\"k\":\"v\"}" }] }));
  const ten = Date.UTC(2026, 4, 18, 10, 0, 0);
  await advanceTo(ten - 1000);
  assert.deepEqual(await drain(c.url), []);
  await advanceTo(ten);
  assert.deepEqual(await expectMessages(c.url, 1), [{ k: "v" }]);
  await eb.send(new RemoveTargetsCommand({ Rule: "at10", Ids: ["q"] }));
  await eb.send(new DeleteRuleCommand({ Name: "at10" }));
});

test("a scheduled rule targeting another bus: the Scheduled Event is matched by that bus's rules and archived there", async () => {
  const q = await queue("fwd-q");
  await eb.send(new CreateEventBusCommand({ Name: "sched-fwd" }));
  await eb.send(new PutRuleCommand({ Name: "on-fwd", EventBusName: "sched-fwd", EventPattern: JSON.stringify({ source: ["aws.events"], "detail-type": ["Scheduled Event"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "on-fwd", EventBusName: "sched-fwd", Targets: [{ Id: "q", Arn: q.arn }] }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "fwd-arch", EventSourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/sched-fwd` }));
  const t0 = clock.now();
  await eb.send(new PutRuleCommand({ Name: "fwd", ScheduleExpression: "rate(1 minute)" }));
  await eb.send(new PutTargetsCommand({ Rule: "fwd", Targets: [{ Id: "bus", Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/sched-fwd` }] }));
  await advanceTo(t0 + 60_000);
  const [e] = await expectMessages(q.url, 1);
  assert.equal(e["detail-type"], "Scheduled Event");
  assert.deepEqual(e.resources, [ruleArn("fwd")]);
  assert.equal((await eb.send(new DescribeArchiveCommand({ ArchiveName: "fwd-arch" }))).EventCount, 1);
  await eb.send(new RemoveTargetsCommand({ Rule: "fwd", Ids: ["bus"] }));
  await eb.send(new DeleteRuleCommand({ Name: "fwd" }));
});

test("occurrences missed while the server was down fire once, late, then the schedule resumes", async () => {
  const q = await queue("missed-q");
  const t0 = clock.now();
  await eb.send(new PutRuleCommand({ Name: "missed", ScheduleExpression: "rate(1 minute)" }));
  await eb.send(new PutTargetsCommand({ Rule: "missed", Targets: [{ Id: "q", Arn: q.arn }] }));
  await advanceTo(t0 + 60_000);
  assert.equal((await expectMessages(q.url, 1)).length, 1);
  await server.close();
  clock.advance(30 * 60_000 + 30_000); // 30 occurrences pass while down
  await start();
  const late = await expectMessages(q.url, 1);
  assert.equal(late.length, 1);
  assert.equal(late[0].time, new Date(t0 + 2 * 60_000).toISOString().replace(".000Z", "Z"));
  await advanceTo(t0 + 32 * 60_000);
  assert.equal((await expectMessages(q.url, 1)).length, 1);
  await eb.send(new RemoveTargetsCommand({ Rule: "missed", Ids: ["q"] }));
  await eb.send(new DeleteRuleCommand({ Name: "missed" }));
});

test("two nodes on one PostgreSQL database fire each occurrence once", { skip: TEST_BACKEND !== "postgres" && !(await postgresAvailable()) ? "no PostgreSQL" : false }, async () => {
  const db = await freshDatabase("ebsched");
  const shared = new ManualClock(Date.UTC(2026, 6, 1, 0, 0, 0));
  const nodes = [await startTestServer({ clock: shared, database: db.url }), await startTestServer({ clock: shared, database: db.url })];
  const client = new EventBridgeClient({ endpoint: nodes[0].endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const sq = sqsClient(nodes[1].endpoint);
  try {
    const url = (await sq.send(new CreateQueueCommand({ QueueName: "two-nodes" }))).QueueUrl!;
    await client.send(new PutRuleCommand({ Name: "both", ScheduleExpression: "rate(1 minute)" }));
    await client.send(new PutTargetsCommand({ Rule: "both", Targets: [{ Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:two-nodes` }] }));
    // Both nodes poll for due schedules each second: step the shared clock a second at a time through 5 occurrences.
    for (let s = 1; s <= 5 * 60; s++) {
      shared.advance(1000);
      if (s % 60 === 0) await new Promise((r) => setTimeout(r, 150));
      else await new Promise((r) => setImmediate(r));
    }
    const got: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && got.length < 5; i++) {
      got.push(...(await drain(url, sq)));
      if (got.length < 5) await new Promise((r) => setTimeout(r, 100));
    }
    // A duplicate firing by the other node would arrive about now: look once more.
    await new Promise((r) => setTimeout(r, 500));
    got.push(...(await drain(url, sq)));
    assert.equal(got.length, 5);
    assert.equal(new Set(got.map((e) => e.time)).size, 5);
  } finally {
    client.destroy();
    sq.destroy();
    for (const n of nodes) await n.close();
    await db.drop();
  }
});

test("in real time: a rule on every minute fires within the next minute", { timeout: 90_000 }, async () => {
  const live = await startTestServer({});
  const client = new EventBridgeClient({ endpoint: live.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const sq = sqsClient(live.endpoint);
  try {
    const url = (await sq.send(new CreateQueueCommand({ QueueName: "real-time" }))).QueueUrl!;
    await client.send(new PutRuleCommand({ Name: "minutely", ScheduleExpression: "cron(* * * * ? *)" }));
    await client.send(new PutTargetsCommand({ Rule: "minutely", Targets: [{ Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:real-time` }] }));
    const started = Date.now();
    let got: Record<string, unknown> | undefined;
    while (!got && Date.now() - started < 75_000) {
      const r = await sq.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
      if (r.Messages?.length) got = JSON.parse(r.Messages[0].Body!);
    }
    assert.ok(got, "no firing within 75 s");
    assert.equal(got["detail-type"], "Scheduled Event");
    assert.equal(new Date(got.time as string).getUTCSeconds(), 0);
  } finally {
    client.destroy();
    sq.destroy();
    await live.close();
  }
});

test("a scheduled rule declared at start (startMailroom resources) fires like one put by PutRule", async () => {
  const declared = await startTestServer({ clock, resources: { sqs: { queues: [{ name: "declared-q" }] }, events: { rules: [{ name: "declared", scheduleExpression: "rate(10 minutes)", targets: [{ id: "q", arn: "declared-q" }] }] } } });
  const client = new EventBridgeClient({ endpoint: declared.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  const sq = sqsClient(declared.endpoint);
  try {
    assert.equal((await client.send(new DescribeRuleCommand({ Name: "declared" }))).ScheduleExpression, "rate(10 minutes)");
    const url = (await sq.send(new CreateQueueCommand({ QueueName: "declared-q" }))).QueueUrl!;
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(10 * 60_000);
    let got: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && got.length === 0; i++) {
      got = await drain(url, sq);
      if (got.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(got.length, 1);
    assert.equal(got[0]["detail-type"], "Scheduled Event");
  } finally {
    client.destroy();
    sq.destroy();
    await declared.close();
  }
});
