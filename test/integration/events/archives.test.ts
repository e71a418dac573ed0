// Archives and replays end to end with the JS SDK, on a ManualClock: archive CRUD with AWS's errors, events archived
// in the PutEvents transaction (pattern, EventCount, SizeBytes), retention trimming, replays of a time window to the
// bus's rules or to FilterArns with replay-name, cancellation, and a replay that survives a restart. Both backends.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CancelReplayCommand, CreateArchiveCommand, CreateEventBusCommand, DeleteArchiveCommand, DescribeArchiveCommand, DescribeReplayCommand,
  EventBridgeClient, ListArchivesCommand, ListReplaysCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, StartReplayCommand,
  UpdateArchiveCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 0, 0));
const dataDir = mkdtempSync(join(tmpdir(), "mailroom-eb-archives-"));
const ACCOUNT = "000000000000";
const BUS_ARN = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${name}`;
const ARCHIVE_ARN = (name: string) => `arn:aws:events:us-east-1:${ACCOUNT}:archive/${name}`;

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
async function drain(url: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!r.Messages?.length) return out;
    for (const m of r.Messages) {
      out.push(JSON.parse(m.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
const put = (bus: string, detail: object, source = "app") =>
  eb.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: "t", Detail: JSON.stringify(detail), EventBusName: bus }] }));
/** Advances the clock a second at a time until the replay reaches a final state. */
async function finished(name: string): Promise<string | undefined> {
  for (let i = 0; i < 200; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 10));
    const s = (await eb.send(new DescribeReplayCommand({ ReplayName: name }))).State;
    if (s === "COMPLETED" || s === "CANCELLED" || s === "FAILED") return s;
  }
  return undefined;
}

test("archive CRUD, with AWS's errors", async () => {
  await eb.send(new CreateEventBusCommand({ Name: "crud-bus" }));
  const pattern = JSON.stringify({ source: ["app"] });
  const c = await eb.send(new CreateArchiveCommand({ ArchiveName: "crud-a", EventSourceArn: BUS_ARN("crud-bus"), EventPattern: pattern, RetentionDays: 1, Description: "d" }));
  assert.equal(c.ArchiveArn, ARCHIVE_ARN("crud-a"));
  assert.equal(c.State, "ENABLED");
  await rejectsAws(eb.send(new CreateArchiveCommand({ ArchiveName: "crud-a", EventSourceArn: BUS_ARN("crud-bus") })), { name: "ResourceAlreadyExistsException", message: "Archive crud-a already exists." });
  await rejectsAws(eb.send(new CreateArchiveCommand({ ArchiveName: "crud-b", EventSourceArn: BUS_ARN("nope") })), { name: "ResourceNotFoundException", message: "Event bus nope does not exist." });
  await rejectsAws(eb.send(new CreateArchiveCommand({ ArchiveName: "crud-c", EventSourceArn: BUS_ARN("crud-bus"), EventPattern: "{\"a\": 1}" })), { name: "InvalidEventPatternException", message: /Event pattern is not valid/ });
  await rejectsAws(eb.send(new CreateArchiveCommand({ ArchiveName: "x".repeat(49), EventSourceArn: BUS_ARN("crud-bus") })), { name: "ValidationException", message: /length less than or equal to 48/ });
  await rejectsAws(eb.send(new CreateArchiveCommand({ ArchiveName: "crud-d", EventSourceArn: BUS_ARN("crud-bus"), RetentionDays: -1 })), { name: "ValidationException", message: /greater than or equal to 0/ });
  const d = await eb.send(new DescribeArchiveCommand({ ArchiveName: "crud-a" }));
  assert.deepEqual({ ...d, $metadata: undefined, CreationTime: undefined }, {
    $metadata: undefined, CreationTime: undefined, ArchiveArn: ARCHIVE_ARN("crud-a"), ArchiveName: "crud-a", EventSourceArn: BUS_ARN("crud-bus"), Description: "d",
    EventPattern: pattern, State: "ENABLED", RetentionDays: 1, EventCount: 0, SizeBytes: 0,
  });
  await eb.send(new UpdateArchiveCommand({ ArchiveName: "crud-a", RetentionDays: 7, Description: "e" }));
  const u = await eb.send(new DescribeArchiveCommand({ ArchiveName: "crud-a" }));
  assert.equal(u.RetentionDays, 7);
  assert.equal(u.Description, "e");
  assert.equal(u.EventPattern, pattern);
  const list = await eb.send(new ListArchivesCommand({ NamePrefix: "crud", EventSourceArn: BUS_ARN("crud-bus") }));
  assert.deepEqual(list.Archives!.map((a) => [a.ArchiveName, a.EventCount]), [["crud-a", 0]]);
  await rejectsAws(eb.send(new ListArchivesCommand({ EventSourceArn: BUS_ARN("nope") })), { name: "ResourceNotFoundException", message: "Event bus nope does not exist." });
  await eb.send(new DeleteArchiveCommand({ ArchiveName: "crud-a" }));
  await rejectsAws(eb.send(new DescribeArchiveCommand({ ArchiveName: "crud-a" })), { name: "ResourceNotFoundException", message: "Archive crud-a does not exist." });
  await rejectsAws(eb.send(new DeleteArchiveCommand({ ArchiveName: "crud-a" })), { name: "ResourceNotFoundException", message: "Archive crud-a does not exist." });
});

test("PutEvents archives matching events in its transaction; retention trims them", async () => {
  await eb.send(new CreateEventBusCommand({ Name: "arch-bus" }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "arch-all", EventSourceArn: BUS_ARN("arch-bus"), RetentionDays: 1 }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "arch-app", EventSourceArn: BUS_ARN("arch-bus"), EventPattern: JSON.stringify({ source: ["app"] }) }));
  await put("arch-bus", { n: 1 });
  await put("arch-bus", { n: 2 }, "other");
  await put("default", { n: 3 });
  const all = await eb.send(new DescribeArchiveCommand({ ArchiveName: "arch-all" }));
  const app = await eb.send(new DescribeArchiveCommand({ ArchiveName: "arch-app" }));
  assert.equal(all.EventCount, 2);
  assert.equal(app.EventCount, 1);
  // SizeBytes counts the archived events' entry sizes (source + detail-type + detail).
  assert.equal(app.SizeBytes, "app".length + "t".length + JSON.stringify({ n: 1 }).length);
  // One day and a minute later the retention job has removed arch-all's events; arch-app keeps them (no RetentionDays: indefinitely).
  clock.advance(86_400_000);
  let left: number | undefined;
  for (let i = 0; i < 100 && left !== 0; i++) {
    clock.advance(61_000);
    await new Promise((r) => setTimeout(r, 30));
    left = (await eb.send(new DescribeArchiveCommand({ ArchiveName: "arch-all" }))).EventCount;
  }
  assert.equal(left, 0);
  assert.equal((await eb.send(new DescribeArchiveCommand({ ArchiveName: "arch-app" }))).EventCount, 1);
});

test("StartReplay re-delivers the window to the bus's rules with replay-name, only to FilterArns when given; replays are not archived", async () => {
  await eb.send(new CreateEventBusCommand({ Name: "rp-bus" }));
  const qa = await queue("rp-a");
  const qb = await queue("rp-b");
  for (const [rule, q] of [["rp-ra", qa], ["rp-rb", qb]] as const) {
    await eb.send(new PutRuleCommand({ Name: rule, EventBusName: "rp-bus", EventPattern: JSON.stringify({ source: ["app"] }) }));
    await eb.send(new PutTargetsCommand({ Rule: rule, EventBusName: "rp-bus", Targets: [{ Id: "q", Arn: q.arn }] }));
  }
  await eb.send(new CreateArchiveCommand({ ArchiveName: "rp-arch", EventSourceArn: BUS_ARN("rp-bus") }));
  const t0 = clock.now();
  for (const n of [1, 2, 3]) {
    await put("rp-bus", { n });
    clock.advance(1000);
  }
  const t1 = clock.now();
  await put("rp-bus", { n: 4 });
  clock.advance(1000);
  const live = (await drain(qa.url)).map((e) => (e.detail as { n: number }).n);
  assert.deepEqual(live.sort(), [1, 2, 3, 4]);
  await drain(qb.url);

  await rejectsAws(eb.send(new StartReplayCommand({ ReplayName: "bad", EventSourceArn: ARCHIVE_ARN("rp-arch"), EventStartTime: new Date(t1), EventEndTime: new Date(t0), Destination: { Arn: BUS_ARN("rp-bus") } })),
    { name: "ValidationException", message: "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime." });
  await rejectsAws(eb.send(new StartReplayCommand({ ReplayName: "bad", EventSourceArn: ARCHIVE_ARN("nope"), EventStartTime: new Date(t0), EventEndTime: new Date(t1), Destination: { Arn: BUS_ARN("rp-bus") } })),
    { name: "ValidationException", message: "Parameter EventSourceArn is not valid. Reason: Archive nope does not exist." });
  await rejectsAws(eb.send(new StartReplayCommand({ ReplayName: "bad", EventSourceArn: ARCHIVE_ARN("rp-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(t1), Destination: { Arn: BUS_ARN("default") } })),
    { name: "ValidationException", message: "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted." });
  await rejectsAws(eb.send(new StartReplayCommand({ ReplayName: "bad", EventSourceArn: ARCHIVE_ARN("rp-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(t1), Destination: { Arn: BUS_ARN("gone") } })),
    { name: "ResourceNotFoundException", message: "Event bus gone does not exist." });

  const s = await eb.send(new StartReplayCommand({
    ReplayName: "rp-1", EventSourceArn: ARCHIVE_ARN("rp-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(t1),
    Destination: { Arn: BUS_ARN("rp-bus"), FilterArns: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/rp-bus/rp-rb`] }, Description: "first",
  }));
  assert.equal(s.State, "STARTING");
  assert.equal(s.ReplayArn, `arn:aws:events:us-east-1:${ACCOUNT}:replay/rp-1`);
  await rejectsAws(eb.send(new StartReplayCommand({ ReplayName: "rp-1", EventSourceArn: ARCHIVE_ARN("rp-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(t1), Destination: { Arn: BUS_ARN("rp-bus") } })),
    { name: "ResourceAlreadyExistsException", message: "Replay rp-1 already exists." });
  assert.equal(await finished("rp-1"), "COMPLETED");
  const replayed = await drain(qb.url);
  assert.deepEqual(replayed.map((e) => (e.detail as { n: number }).n).sort(), [1, 2, 3]);
  assert.deepEqual(Object.keys(replayed[0]), ["version", "id", "detail-type", "source", "account", "time", "region", "replay-name", "resources", "detail"]);
  assert.equal(replayed[0]["replay-name"], "rp-1");
  assert.deepEqual(await drain(qa.url), []);
  const d = await eb.send(new DescribeReplayCommand({ ReplayName: "rp-1" }));
  assert.equal(d.Description, "first");
  assert.deepEqual(d.Destination, { Arn: BUS_ARN("rp-bus"), FilterArns: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/rp-bus/rp-rb`] });
  assert.equal(d.EventSourceArn, ARCHIVE_ARN("rp-arch"));
  assert.equal(d.EventStartTime!.getTime(), t0);
  assert.equal(d.EventLastReplayedTime!.getTime(), t1);
  assert.ok(d.ReplayEndTime);
  // The replayed events were not archived again.
  assert.equal((await eb.send(new DescribeArchiveCommand({ ArchiveName: "rp-arch" }))).EventCount, 4);

  // Without FilterArns every matching rule of the bus gets them.
  await eb.send(new StartReplayCommand({ ReplayName: "rp-2", EventSourceArn: ARCHIVE_ARN("rp-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(t1 + 1000), Destination: { Arn: BUS_ARN("rp-bus") } }));
  assert.equal(await finished("rp-2"), "COMPLETED");
  assert.equal((await drain(qa.url)).length, 4);
  assert.equal((await drain(qb.url)).length, 4);
  const listed = await eb.send(new ListReplaysCommand({ NamePrefix: "rp-", State: "COMPLETED", Limit: 1 }));
  assert.deepEqual(listed.Replays!.map((r) => r.ReplayName), ["rp-1"]);
  const next = await eb.send(new ListReplaysCommand({ NamePrefix: "rp-", State: "COMPLETED", Limit: 1, NextToken: listed.NextToken }));
  assert.deepEqual(next.Replays!.map((r) => r.ReplayName), ["rp-2"]);
  await rejectsAws(eb.send(new CancelReplayCommand({ ReplayName: "rp-2" })), { name: "IllegalStatusException" });
  await rejectsAws(eb.send(new DescribeReplayCommand({ ReplayName: "nope" })), { name: "ResourceNotFoundException", message: "Replay nope does not exist." });
});

test("CancelReplay: CANCELLING, then CANCELLED without deliveries", async () => {
  const q = await queue("cx-q");
  await eb.send(new CreateEventBusCommand({ Name: "cx-bus" }));
  await eb.send(new PutRuleCommand({ Name: "cx", EventBusName: "cx-bus", EventPattern: JSON.stringify({ source: ["app"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "cx", EventBusName: "cx-bus", Targets: [{ Id: "q", Arn: q.arn }] }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "cx-arch", EventSourceArn: BUS_ARN("cx-bus") }));
  const t0 = clock.now();
  await put("cx-bus", { n: 1 });
  clock.advance(1000);
  await drain(q.url);
  await eb.send(new StartReplayCommand({ ReplayName: "cx-1", EventSourceArn: ARCHIVE_ARN("cx-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(clock.now()), Destination: { Arn: BUS_ARN("cx-bus") } }));
  const c = await eb.send(new CancelReplayCommand({ ReplayName: "cx-1" }));
  assert.equal(c.State, "CANCELLING");
  assert.equal((await eb.send(new DescribeReplayCommand({ ReplayName: "cx-1" }))).State, "CANCELLING");
  assert.equal(await finished("cx-1"), "CANCELLED");
  assert.deepEqual(await drain(q.url), []);
});

test("a replay started before a restart runs after it", async () => {
  const q = await queue("rs-q");
  await eb.send(new CreateEventBusCommand({ Name: "rs-bus" }));
  await eb.send(new PutRuleCommand({ Name: "rs", EventBusName: "rs-bus", EventPattern: JSON.stringify({ source: ["app"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "rs", EventBusName: "rs-bus", Targets: [{ Id: "q", Arn: q.arn }] }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "rs-arch", EventSourceArn: BUS_ARN("rs-bus") }));
  const t0 = clock.now();
  for (let i = 0; i < 150; i += 10) {
    await eb.send(new PutEventsCommand({ Entries: Array.from({ length: 10 }, (_, k) => ({ Source: "app", DetailType: "t", Detail: JSON.stringify({ n: i + k }), EventBusName: "rs-bus" })) }));
  }
  clock.advance(1000);
  await drain(q.url);
  await eb.send(new StartReplayCommand({ ReplayName: "rs-1", EventSourceArn: ARCHIVE_ARN("rs-arch"), EventStartTime: new Date(t0), EventEndTime: new Date(clock.now()), Destination: { Arn: BUS_ARN("rs-bus") } }));
  await server.close();
  await start();
  assert.equal(await finished("rs-1"), "COMPLETED");
  const ns = (await drain(q.url)).map((e) => (e.detail as { n: number }).n).sort((a, b) => a - b);
  assert.deepEqual(ns, Array.from({ length: 150 }, (_, i) => i));
});

test("an event put after the replay started is not replayed, even with a Time inside the window", async () => {
  const q = await queue("late-q");
  await eb.send(new CreateEventBusCommand({ Name: "late-bus" }));
  await eb.send(new PutRuleCommand({ Name: "late", EventBusName: "late-bus", EventPattern: JSON.stringify({ source: ["app"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "late", EventBusName: "late-bus", Targets: [{ Id: "q", Arn: q.arn }] }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "late-arch", EventSourceArn: BUS_ARN("late-bus") }));
  const t0 = clock.now();
  await put("late-bus", { n: "before" });
  clock.advance(2000);
  await eb.send(new StartReplayCommand({ ReplayName: "late-1", EventSourceArn: ARCHIVE_ARN("late-arch"), EventStartTime: new Date(t0 - 1000), EventEndTime: new Date(clock.now()), Destination: { Arn: BUS_ARN("late-bus") } }));
  clock.advance(1);
  await eb.send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "t", Detail: JSON.stringify({ n: "after" }), EventBusName: "late-bus", Time: new Date(t0) }] }));
  assert.equal(await finished("late-1"), "COMPLETED");
  const got = (await drain(q.url)).map((e) => `${(e.detail as { n: string }).n}${e["replay-name"] ? "/replayed" : ""}`).sort();
  assert.deepEqual(got, ["after", "before", "before/replayed"]);
});

test("a replay whose archive is deleted before it runs ends FAILED with a reason", async () => {
  await eb.send(new CreateEventBusCommand({ Name: "fail-bus" }));
  await eb.send(new CreateArchiveCommand({ ArchiveName: "fail-arch", EventSourceArn: BUS_ARN("fail-bus") }));
  const t0 = clock.now();
  await put("fail-bus", { n: 1 });
  // The clock stays put until the archive is gone: the replay job (each second of the clock) has not run yet.
  await eb.send(new StartReplayCommand({ ReplayName: "fail-1", EventSourceArn: ARCHIVE_ARN("fail-arch"), EventStartTime: new Date(t0 - 1000), EventEndTime: new Date(t0 + 1000), Destination: { Arn: BUS_ARN("fail-bus") } }));
  await eb.send(new DeleteArchiveCommand({ ArchiveName: "fail-arch" }));
  assert.equal(await finished("fail-1"), "FAILED");
  const d = await eb.send(new DescribeReplayCommand({ ReplayName: "fail-1" }));
  assert.equal(d.StateReason, "Archive fail-arch does not exist.");
  assert.ok(d.ReplayEndTime);
});
