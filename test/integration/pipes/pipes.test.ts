// EventBridge Pipes end to end with @aws-sdk/client-pipes on SQLite (a file, restarted) or PostgreSQL
// (MAILROOM_TEST_BACKEND=postgres): an SQS queue with a filter into an event bus (a rule → SQS queue observes it)
// across a server restart, a failing target leaving messages to the queue's redrive policy, a Kinesis source,
// Start/Stop and the states a pipe goes through, and AWS's errors for bad input. Time is a ManualClock; the runner
// polls once per simulated second.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import {
  CreatePipeCommand, DeletePipeCommand, DescribePipeCommand, ListPipesCommand, ListTagsForResourceCommand, PipesClient, StartPipeCommand,
  StopPipeCommand, TagResourceCommand, UntagResourceCommand, UpdatePipeCommand,
} from "@aws-sdk/client-pipes";
import {
  CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient,
} from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
const dataDir = mkdtempSync(join(tmpdir(), "mailroom-pipes-"));
const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/pipe-role`;

let server: Mailroom;
let pipes: PipesClient;
let sqs: SQSClient;
let eb: EventBridgeClient;
let kinesis: KinesisClient;

async function start() {
  server = await startTestServer({ clock, dataDir });
  for (const c of [pipes, sqs, eb, kinesis]) c?.destroy();
  const cfg = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  pipes = new PipesClient(cfg);
  sqs = sqsClient(server.endpoint);
  eb = new EventBridgeClient(cfg);
  kinesis = new KinesisClient(cfg);
}
before(start);
after(async () => {
  for (const c of [pipes, sqs, eb, kinesis]) c.destroy();
  await server.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Advances the clock a second at a time (one runner round each) until `check` answers something, or fails after 300 rounds. */
async function until<T>(what: string, check: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await check();
    if (v) return v;
    clock.advance(1000);
    await sleep(15);
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function queue(name: string, attributes: Record<string, string> = {}) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function drain(url: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!r.Messages?.length) return out;
    for (const m of r.Messages) {
      out.push(m.Body!);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

async function count(url: string): Promise<{ visible: number; inFlight: number }> {
  const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

async function state(name: string) {
  return (await pipes.send(new DescribePipeCommand({ Name: name }))).CurrentState;
}

test("SQS → filter → event bus → rule → SQS, across a restart: nothing lost, matching messages only", async () => {
  const source = await queue("pipe-src");
  const observed = await queue("pipe-observed");
  await eb.send(new CreateEventBusCommand({ Name: "pipe-bus" }));
  await eb.send(new PutRuleCommand({ Name: "from-pipe", EventBusName: "pipe-bus", EventPattern: JSON.stringify({ source: ["Pipe orders"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "from-pipe", EventBusName: "pipe-bus", Targets: [{ Id: "q", Arn: observed.arn }] }));
  const created = await pipes.send(new CreatePipeCommand({
    Name: "orders", RoleArn: ROLE, Source: source.arn, Target: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/pipe-bus`,
    SourceParameters: { FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { type: ["NEW"] } }) }] }, SqsQueueParameters: { BatchSize: 5 } },
    Tags: { team: "a" },
  }));
  assert.equal(created.CurrentState, "CREATING");
  assert.equal(created.DesiredState, "RUNNING");
  assert.equal(created.Arn, `arn:aws:pipes:us-east-1:${ACCOUNT}:pipe/orders`);
  await until("RUNNING", async () => (await state("orders")) === "RUNNING");

  for (let i = 0; i < 6; i++) await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: JSON.stringify({ type: i % 2 === 0 ? "NEW" : "OLD", n: i }) }));
  await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "not json" }));
  const first = await until("the first events", async () => {
    const c = await count(source.url);
    return c.visible === 0 && c.inFlight === 0 ? true : undefined;
  });
  assert.ok(first);
  const events = (await drain(observed.url)).map((b) => JSON.parse(b));
  assert.deepEqual(events.map((e) => JSON.parse(e.detail.body).n).sort(), [0, 2, 4]);
  const e0 = events[0];
  assert.equal(e0.source, "Pipe orders");
  assert.equal(e0["detail-type"], "Event from aws:sqs");
  assert.equal(e0.detail.eventSource, "aws:sqs");
  assert.equal(e0.detail.eventSourceARN, source.arn);

  // Restart on the same data: the pipe runs again and takes what arrived while it was down.
  await server.close();
  await start();
  await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: JSON.stringify({ type: "NEW", n: 10 }) }));
  const later = await until("events after the restart", async () => {
    const got = await drain(observed.url);
    return got.length > 0 ? got : undefined;
  });
  assert.deepEqual(later.map((b) => JSON.parse(JSON.parse(b).detail.body).n), [10]);
  assert.equal(await state("orders"), "RUNNING");
  assert.deepEqual((await pipes.send(new ListTagsForResourceCommand({ resourceArn: created.Arn }))).tags, { team: "a" });
});

test("a failing target leaves the batch to the queue: visible again after the visibility timeout, then the redrive policy", async () => {
  const dlq = await queue("pipe-fail-dlq");
  const source = await queue("pipe-fail-src", { VisibilityTimeout: "5", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
  const gone = await queue("pipe-fail-target");
  await pipes.send(new CreatePipeCommand({ Name: "failing", RoleArn: ROLE, Source: source.arn, Target: gone.arn }));
  await until("RUNNING", async () => (await state("failing")) === "RUNNING");
  await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
  await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "payload" }));
  // Received by the pipe (in flight), not deleted; after two receives the redrive policy moves it to the DLQ.
  const moved = await until("the dead-letter queue", async () => {
    const got = await drain(dlq.url);
    return got.length > 0 ? got : undefined;
  });
  assert.deepEqual(moved, ["payload"]);
  assert.deepEqual(await count(source.url), { visible: 0, inFlight: 0 });
});

test("Kinesis source at TRIM_HORIZON into an SQS queue with an InputTemplate; checkpoints survive a restart", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "pipe-stream", ShardCount: 2 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "pipe-stream" }))).StreamDescriptionSummary!.StreamARN!;
  const out = await queue("pipe-kinesis-out");
  for (let i = 0; i < 4; i++) {
    await kinesis.send(new PutRecordCommand({ StreamName: "pipe-stream", PartitionKey: `k${i}`, Data: Buffer.from(JSON.stringify({ city: i % 2 ? "Paris" : "Oslo", i })) }));
  }
  await pipes.send(new CreatePipeCommand({
    Name: "from-stream", RoleArn: ROLE, Source: streamArn, Target: out.arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "TRIM_HORIZON", BatchSize: 10 }, FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { city: ["Oslo"] } }) }] } },
    TargetParameters: { InputTemplate: '{"city": "<$.data.city>", "i": <$.data.i>, "pipe": "<aws.pipes.pipe-name>"}' },
  }));
  const got = await until("records from the stream", async () => {
    const g = await drain(out.url);
    return g.length > 0 ? g : undefined;
  });
  const more = await until("both Oslo records", async () => {
    if (got.length >= 2) return got;
    got.push(...(await drain(out.url)));
    return got.length >= 2 ? got : undefined;
  });
  assert.deepEqual(more.map((b) => JSON.parse(b)).sort((a, b) => a.i - b.i), [{ city: "Oslo", i: 0, pipe: "from-stream" }, { city: "Oslo", i: 2, pipe: "from-stream" }]);
  await server.close();
  await start();
  await kinesis.send(new PutRecordCommand({ StreamName: "pipe-stream", PartitionKey: "k9", Data: Buffer.from(JSON.stringify({ city: "Oslo", i: 9 })) }));
  const after = await until("the record after the restart", async () => {
    const g = await drain(out.url);
    return g.length > 0 ? g : undefined;
  });
  // Nothing read before the restart comes again: the checkpoints were stored.
  assert.deepEqual(after.map((b) => JSON.parse(b).i), [9]);
});

test("Stop and Start: STOPPING → STOPPED keeps messages in the queue; STARTING → RUNNING delivers them", async () => {
  const source = await queue("pipe-ss-src");
  const out = await queue("pipe-ss-out");
  await pipes.send(new CreatePipeCommand({ Name: "stopstart", RoleArn: ROLE, Source: source.arn, Target: out.arn, DesiredState: "STOPPED" }));
  await until("STOPPED", async () => (await state("stopstart")) === "STOPPED");
  await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: "m1" }));
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await sleep(20);
  }
  assert.deepEqual(await count(source.url), { visible: 1, inFlight: 0 });
  const started = await pipes.send(new StartPipeCommand({ Name: "stopstart" }));
  assert.equal(started.CurrentState, "STARTING");
  assert.equal(started.DesiredState, "RUNNING");
  // A pipe in transition cannot be changed.
  await rejectsAws(pipes.send(new StopPipeCommand({ Name: "stopstart" })), { name: "ConflictException", status: 409 });
  const got = await until("delivery after start", async () => {
    const g = await drain(out.url);
    return g.length > 0 ? g : undefined;
  });
  assert.equal(JSON.parse(got[0]).body, "m1");
  const stopped = await pipes.send(new StopPipeCommand({ Name: "stopstart" }));
  assert.equal(stopped.CurrentState, "STOPPING");
  await until("STOPPED", async () => (await state("stopstart")) === "STOPPED");
  const upd = await pipes.send(new UpdatePipeCommand({ Name: "stopstart", RoleArn: ROLE, Description: "changed", DesiredState: "RUNNING" }));
  assert.equal(upd.CurrentState, "UPDATING");
  await until("RUNNING after update", async () => (await state("stopstart")) === "RUNNING");
  assert.equal((await pipes.send(new DescribePipeCommand({ Name: "stopstart" }))).Description, "changed");
  const del = await pipes.send(new DeletePipeCommand({ Name: "stopstart" }));
  assert.equal(del.CurrentState, "DELETING");
  assert.equal(del.DesiredState, "DELETED");
  await until("deleted", async () => {
    try {
      await pipes.send(new DescribePipeCommand({ Name: "stopstart" }));
      return undefined;
    } catch (e) {
      return (e as Error).name === "NotFoundException";
    }
  });
});

test("ListPipes filters and pages; tags", async () => {
  const src = await queue("pipe-list-src");
  const out = await queue("pipe-list-out");
  for (const n of ["list-a", "list-b", "list-c"]) await pipes.send(new CreatePipeCommand({ Name: n, RoleArn: ROLE, Source: src.arn, Target: out.arn, DesiredState: "STOPPED" }));
  const page1 = await pipes.send(new ListPipesCommand({ NamePrefix: "list-", Limit: 2 }));
  assert.deepEqual(page1.Pipes!.map((p) => p.Name), ["list-a", "list-b"]);
  assert.ok(page1.NextToken);
  const page2 = await pipes.send(new ListPipesCommand({ NamePrefix: "list-", Limit: 2, NextToken: page1.NextToken }));
  assert.deepEqual(page2.Pipes!.map((p) => p.Name), ["list-c"]);
  assert.equal(page2.NextToken, undefined);
  assert.equal(page2.Pipes![0].Source, src.arn);
  const bySource = await pipes.send(new ListPipesCommand({ SourcePrefix: src.arn }));
  assert.equal(bySource.Pipes!.length, 3);
  await until("STOPPED", async () => (await state("list-c")) === "STOPPED");
  assert.equal((await pipes.send(new ListPipesCommand({ NamePrefix: "list-", CurrentState: "STOPPED" }))).Pipes!.length, 3);
  assert.equal((await pipes.send(new ListPipesCommand({ NamePrefix: "list-", DesiredState: "RUNNING" }))).Pipes!.length, 0);
  const arn = `arn:aws:pipes:us-east-1:${ACCOUNT}:pipe/list-a`;
  await pipes.send(new TagResourceCommand({ resourceArn: arn, tags: { a: "1", b: "2" } }));
  await pipes.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["a"] }));
  assert.deepEqual((await pipes.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { b: "2" });
  await rejectsAws(pipes.send(new ListPipesCommand({ NextToken: "garbage" })), { name: "ValidationException" });
});

test("AWS's errors for bad input", async () => {
  const src = await queue("pipe-bad-src");
  const base = { RoleArn: ROLE, Source: src.arn, Target: src.arn };
  await rejectsAws(pipes.send(new DescribePipeCommand({ Name: "nope" })), { name: "NotFoundException", status: 404 });
  await rejectsAws(pipes.send(new StartPipeCommand({ Name: "nope" })), { name: "NotFoundException", status: 404 });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "bad name!" })), { name: "ValidationException", status: 400 });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "x".repeat(65) })), { name: "ValidationException", message: /length less than or equal to 64/ });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "r", RoleArn: "not-a-role" })), { name: "ValidationException", message: /roleArn/ });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "bs", SourceParameters: { SqsQueueParameters: { BatchSize: 0 } } })), { name: "ValidationException", message: /greater than or equal to 1/ });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "bs2", SourceParameters: { SqsQueueParameters: { BatchSize: 11 } } })), { name: "ValidationException" });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "f", SourceParameters: { FilterCriteria: { Filters: [{ Pattern: "{not json" }] } } })), { name: "ValidationException" });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "ds", DesiredState: "PAUSED" as never })), { name: "ValidationException", message: /enum/ });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "lambda", Target: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` })), { name: "ValidationException", message: /not supported/ });
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "tpl", TargetParameters: { InputTemplate: "<$.a..b>" } })), { name: "ValidationException" });
  await pipes.send(new CreatePipeCommand({ ...base, Name: "dup", DesiredState: "STOPPED" }));
  await rejectsAws(pipes.send(new CreatePipeCommand({ ...base, Name: "dup" })), { name: "ConflictException", status: 409 });
  await rejectsAws(pipes.send(new TagResourceCommand({ resourceArn: `arn:aws:pipes:us-east-1:${ACCOUNT}:pipe/none`, tags: { a: "b" } })), { name: "NotFoundException" });
  // A source that does not exist: the pipe fails to be created, with a reason.
  await pipes.send(new CreatePipeCommand({ ...base, Name: "nosrc", Source: `arn:aws:sqs:us-east-1:${ACCOUNT}:does-not-exist` }));
  await until("CREATE_FAILED", async () => (await state("nosrc")) === "CREATE_FAILED");
  assert.match((await pipes.send(new DescribePipeCommand({ Name: "nosrc" }))).StateReason ?? "", /does-not-exist/);
});

test("SQS MaximumBatchingWindowInSeconds: a partial batch waits for the window, a full one goes at once", async () => {
  const source = await queue("pipe-window-src");
  const out = await queue("pipe-window-out");
  await pipes.send(new CreatePipeCommand({
    Name: "window", RoleArn: ROLE, Source: source.arn, Target: out.arn, SourceParameters: { SqsQueueParameters: { BatchSize: 5, MaximumBatchingWindowInSeconds: 10 } },
  }));
  await until("RUNNING", async () => (await state("window")) === "RUNNING");
  for (const b of ["a", "b"]) await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: b }));
  const t0 = clock.now();
  const got = await until("the partial batch", async () => {
    const g = await drain(out.url);
    return g.length > 0 ? g : undefined;
  });
  assert.equal(got.length, 2);
  const waited = clock.now() - t0;
  // At least the window (a loaded machine may run rounds less often than the clock moves, so no upper bound here).
  assert.ok(waited >= 9000, `waited ${waited} ms`);
  // Nothing was held in flight while waiting.
  for (const b of ["1", "2", "3", "4", "5"]) await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: b }));
  const t1 = clock.now();
  const full = await until("the full batch", async () => {
    const g = await drain(out.url);
    return g.length >= 5 ? g : undefined;
  });
  assert.equal(full.length, 5);
  // Well before the window would have passed.
  assert.ok(clock.now() - t1 < 9000, `a full batch waited ${clock.now() - t1} ms`);
});

test("a partly failed batch: what the target accepted is deleted, the rest stays in the queue", async () => {
  const source = await queue("pipe-partial-src", { VisibilityTimeout: "300" });
  const observed = await queue("pipe-partial-observed");
  await eb.send(new CreateEventBusCommand({ Name: "partial-bus" }));
  await eb.send(new PutRuleCommand({ Name: "all", EventBusName: "partial-bus", EventPattern: JSON.stringify({ source: ["Pipe partial"] }) }));
  await eb.send(new PutTargetsCommand({ Rule: "all", EventBusName: "partial-bus", Targets: [{ Id: "q", Arn: observed.arn }] }));
  // "<$.body>": a JSON body becomes the event's detail; a text body becomes a JSON string, which PutEvents refuses per entry.
  await pipes.send(new CreatePipeCommand({
    Name: "partial", RoleArn: ROLE, Source: source.arn, Target: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/partial-bus`,
    SourceParameters: { SqsQueueParameters: { BatchSize: 3, MaximumBatchingWindowInSeconds: 5 } }, TargetParameters: { InputTemplate: "<$.body>" },
  }));
  await until("RUNNING", async () => (await state("partial")) === "RUNNING");
  for (const b of ['{"a":1}', "not json", '{"b":2}']) await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: b }));
  const got: string[] = [];
  await until("two events", async () => {
    got.push(...(await drain(observed.url)));
    return got.length >= 2;
  });
  assert.deepEqual(got.map((b) => JSON.stringify(JSON.parse(b).detail)).sort(), ['{"a":1}', '{"b":2}']);
  assert.deepEqual(await count(source.url), { visible: 0, inFlight: 1 });
});

test("UpdatePipe: members given replace theirs, a new target drops the old target's parameters, the source and StartingPosition stay", async () => {
  const source = await queue("pipe-upd-src");
  const fifo = await queue("pipe-upd.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  const plain = await queue("pipe-upd-plain");
  await pipes.send(new CreatePipeCommand({
    Name: "upd", RoleArn: ROLE, Source: source.arn, Target: fifo.arn, Description: "one", DesiredState: "STOPPED",
    SourceParameters: { SqsQueueParameters: { BatchSize: 3 }, FilterCriteria: { Filters: [{ Pattern: '{"body":{"a":[1]}}' }] } },
    TargetParameters: { SqsQueueParameters: { MessageGroupId: "g" } },
  }));
  await until("STOPPED", async () => (await state("upd")) === "STOPPED");
  // Only the filter changes: the batch size stays, and so does the description.
  await pipes.send(new UpdatePipeCommand({ Name: "upd", RoleArn: ROLE, SourceParameters: { FilterCriteria: { Filters: [] } } }));
  let d = await pipes.send(new DescribePipeCommand({ Name: "upd" }));
  assert.equal(d.CurrentState, "UPDATING");
  assert.equal(d.DesiredState, "STOPPED");
  assert.equal(d.Description, "one");
  assert.equal(d.SourceParameters?.SqsQueueParameters?.BatchSize, 3);
  assert.deepEqual(d.SourceParameters?.FilterCriteria?.Filters, []);
  await rejectsAws(pipes.send(new UpdatePipeCommand({ Name: "upd", RoleArn: ROLE })), { name: "ConflictException", status: 409 });
  await until("STOPPED", async () => (await state("upd")) === "STOPPED");
  await pipes.send(new UpdatePipeCommand({ Name: "upd", RoleArn: ROLE, Target: plain.arn }));
  d = await pipes.send(new DescribePipeCommand({ Name: "upd" }));
  assert.equal(d.Target, plain.arn);
  assert.equal(d.TargetParameters, undefined);
  assert.equal(d.Source, source.arn);
  await until("STOPPED", async () => (await state("upd")) === "STOPPED");
  // A target's parameters that do not fit it are refused.
  await rejectsAws(pipes.send(new UpdatePipeCommand({ Name: "upd", RoleArn: ROLE, TargetParameters: { KinesisStreamParameters: { PartitionKey: "k" } } })), { name: "ValidationException" });
  await rejectsAws(pipes.send(new UpdatePipeCommand({ Name: "nope", RoleArn: ROLE })), { name: "NotFoundException", status: 404 });
});
