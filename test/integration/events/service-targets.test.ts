// Kinesis stream and Step Functions state machine targets with the official clients, through the delivery engine
// under a ManualClock: records read back with GetRecords (partition key from KinesisParameters.PartitionKeyPath, or
// the event id), executions started with the (transformed) event as input (STANDARD seen with ListExecutions and
// DescribeExecution, EXPRESS through what it does), missing targets straight to the dead-letter queue with
// EventBridge's attributes, and a throttled stream retried under the RetryPolicy once the clock moves on, also across a
// restart of the server.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, type _Record } from "@aws-sdk/client-kinesis";
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { CreateQueueCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { startTestServer, TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";
import { def, ROLE, sfnClient } from "../stepfunctions/helpers.ts";

const clock = new ManualClock(Date.UTC(2026, 4, 17, 8, 0, 0));
const { server, sqs } = useTestServer({ clock });
const ACCOUNT = "000000000000";
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
let kc: KinesisClient | undefined;
const kinesis = () => (kc ??= new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));
let sc: ReturnType<typeof sfnClient> | undefined;
const sfn = () => (sc ??= sfnClient(server.endpoint));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function rule(name: string, targets: Record<string, unknown>[]) {
  await eb().send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: ["app"], detail: { rule: [name] } }) }));
  const r = await eb().send(new PutTargetsCommand({ Rule: name, Targets: targets as never }));
  assert.equal(r.FailedEntryCount, 0, JSON.stringify(r.FailedEntries));
}
async function emit(ruleName: string, extra: object = {}): Promise<string> {
  const r = await eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: JSON.stringify({ rule: ruleName, ...extra }) }] }));
  assert.equal(r.FailedEntryCount, 0);
  return r.Entries![0].EventId!;
}
async function stream(name: string): Promise<string> {
  await kinesis().send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  return `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`;
}
/** Reads the stream's one shard from the start until `n` records are there (real time; the engine works on its own). */
async function records(name: string, n: number): Promise<_Record[]> {
  for (let i = 0; i < 300; i++) {
    const { ShardIterator } = await kinesis().send(new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
    const r = await kinesis().send(new GetRecordsCommand({ ShardIterator }));
    if ((r.Records ?? []).length >= n) return r.Records!;
    await sleep(10);
  }
  throw new Error(`stream ${name} did not get ${n} records`);
}
async function queue(name: string) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` };
}
async function receive(url: string): Promise<Message> {
  for (let i = 0; i < 300; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"], MaxNumberOfMessages: 1 }));
    if (r.Messages?.length) return r.Messages[0];
    await sleep(10);
  }
  throw new Error(`queue ${url} got no message`);
}
const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString("utf8");

test("a rule routes events to a Kinesis stream: partition key from PartitionKeyPath, else the event id; transformed input", async () => {
  const arn = await stream("orders");
  await rule("to-stream", [
    { Id: "by-user", Arn: arn, KinesisParameters: { PartitionKeyPath: "$.detail.user" } },
    { Id: "plain", Arn: arn, InputTransformer: { InputPathsMap: { u: "$.detail.user" }, InputTemplate: '{"who": <u>}' } },
  ]);
  const listed = await eb().send(new ListTargetsByRuleCommand({ Rule: "to-stream" }));
  assert.deepEqual(listed.Targets?.find((t) => t.Id === "by-user")?.KinesisParameters, { PartitionKeyPath: "$.detail.user" });
  const id = await emit("to-stream", { user: "u-42" });
  const got = await records("orders", 2);
  const byKey = new Map(got.map((r) => [r.PartitionKey, text(r.Data)]));
  const event = JSON.parse(byKey.get("u-42")!);
  assert.equal(event.id, id);
  assert.deepEqual(event.detail, { rule: "to-stream", user: "u-42" });
  assert.deepEqual(JSON.parse(byKey.get(id)!), { who: "u-42" });
});

test("PutTargets checks KinesisParameters and target ARNs", async () => {
  await eb().send(new PutRuleCommand({ Name: "checks", EventPattern: JSON.stringify({ source: ["x"] }) }));
  await assert.rejects(eb().send(new PutTargetsCommand({ Rule: "checks", Targets: [{ Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`, KinesisParameters: { PartitionKeyPath: "$.id" } }] })), { name: "ValidationException" });
  await assert.rejects(eb().send(new PutTargetsCommand({ Rule: "checks", Targets: [{ Id: "k", Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/s`, KinesisParameters: { PartitionKeyPath: "$".padEnd(257, "a") } }] })), { name: "ValidationException" });
  const r = await eb().send(new PutTargetsCommand({ Rule: "checks", Targets: [{ Id: "bad", Arn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:m:x` }] }));
  assert.equal(r.FailedEntryCount, 1);
});

test("a rule starts a STANDARD execution whose input is the event, and an EXPRESS one with a transformed input", async () => {
  const { stateMachineArn } = await sfn().send(new CreateStateMachineCommand({ name: "on-order", roleArn: ROLE, definition: def({ P: { Type: "Pass", End: true } }) }));
  const out = await queue("express-out");
  const express = await sfn().send(new CreateStateMachineCommand({
    name: "on-order-express", type: "EXPRESS", roleArn: ROLE,
    definition: def({ Send: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: out.url, "MessageBody.$": "$" }, End: true } }),
  }));
  await rule("to-sfn", [
    { Id: "std", Arn: stateMachineArn },
    { Id: "exp", Arn: express.stateMachineArn, InputTransformer: { InputPathsMap: { o: "$.detail.order" }, InputTemplate: '{"order": <o>}' } },
  ]);
  const id = await emit("to-sfn", { order: 7 });
  let arn: string | undefined;
  for (let i = 0; i < 300 && !arn; i++) {
    arn = (await sfn().send(new ListExecutionsCommand({ stateMachineArn }))).executions?.[0]?.executionArn;
    if (!arn) await sleep(10);
  }
  assert.ok(arn, "an execution was started");
  const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
  const input = JSON.parse(d.input!);
  assert.equal(input.id, id);
  assert.deepEqual(input.detail, { rule: "to-sfn", order: 7 });
  // The execution is named after the event's id, as EventBridge names the executions it starts.
  assert.equal(d.name, id);
  const m = await receive(out.url);
  assert.deepEqual(JSON.parse(m.Body!), { order: 7 });
});

test("a missing stream or state machine goes to the dead-letter queue at once with EventBridge's attributes", async () => {
  const dlq = await queue("svc-dlq");
  const missingStream = `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/nope`;
  const missingMachine = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:nope`;
  await rule("missing", [
    { Id: "k", Arn: missingStream, DeadLetterConfig: { Arn: dlq.arn } },
    { Id: "s", Arn: missingMachine, DeadLetterConfig: { Arn: dlq.arn } },
  ]);
  const id = await emit("missing");
  const got: Message[] = [await receive(dlq.url)];
  got.push(await receive(dlq.url));
  const byTarget = new Map(got.map((m) => [m.MessageAttributes?.TARGET_ARN?.StringValue, m]));
  for (const target of [missingStream, missingMachine]) {
    const m = byTarget.get(target);
    assert.ok(m, `dead letter for ${target}`);
    const a = m.MessageAttributes!;
    assert.equal(a.ERROR_CODE.StringValue, "NO_RESOURCE");
    assert.equal(a.RETRY_ATTEMPTS.StringValue, "0");
    assert.equal(a.RULE_ARN.StringValue, `arn:aws:events:us-east-1:${ACCOUNT}:rule/missing`);
    assert.equal(a.EXHAUSTED_RETRY_CONDITION, undefined);
    assert.ok(a.ERROR_MESSAGE.StringValue);
    assert.equal(JSON.parse(m.Body!).id, id);
  }
});

test("a partition key path selecting nothing, or a key over 256 characters, sends the event to the DLQ without retry", async () => {
  const arn = await stream("keyed");
  const dlq = await queue("key-dlq");
  await rule("keyed", [{ Id: "k", Arn: arn, KinesisParameters: { PartitionKeyPath: "$.detail.missing" }, DeadLetterConfig: { Arn: dlq.arn } }]);
  await emit("keyed");
  const m = await receive(dlq.url);
  assert.equal(m.MessageAttributes?.RETRY_ATTEMPTS.StringValue, "0");
  assert.equal(m.MessageAttributes?.ERROR_CODE.StringValue, "ValidationException");
  await rule("keyed-long", [{ Id: "k", Arn: arn, KinesisParameters: { PartitionKeyPath: "$.detail.key" }, DeadLetterConfig: { Arn: dlq.arn } }]);
  await emit("keyed-long", { key: "k".repeat(257) });
  const m2 = await receive(dlq.url);
  assert.equal(JSON.parse(m2.Body!).detail.key.length, 257);
  await emit("keyed-long", { key: 42 });
  const [r] = await records("keyed", 1);
  assert.equal(r.PartitionKey, "42");
});

/**
 * A server enforcing Kinesis's per-shard limits (--kinesis-throughput-limits) on its own clock and (optionally) data
 * directory, with its clients. The clock stands still between advances, so a shard takes 5 GetRecords per second of
 * it: `until` reads at most four times, after growing pauses, before it gives up.
 */
async function limitedServer(c: ManualClock, dataDir?: string) {
  const s = await startTestServer({ clock: c, kinesisThroughputLimits: true, ...(dataDir ? { dataDir, memory: false } : {}) });
  const cfg = { endpoint: s.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const e = new EventBridgeClient(cfg);
  const k = new KinesisClient(cfg);
  const count = async (stream: string) => {
    const { ShardIterator } = await k.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
    return (await k.send(new GetRecordsCommand({ ShardIterator }))).Records ?? [];
  };
  const until = async (stream: string, n: number) => {
    let got: _Record[] = [];
    // Pauses of 0.3, 0.6, 1.2 and 2.4 s (real time): a loaded machine gets several seconds, the budget four reads.
    for (let i = 0; i < 4 && got.length < n; i++) {
      await sleep(300 * 2 ** i);
      got = await count(stream);
    }
    assert.equal(got.length, n);
    return got;
  };
  const close = async () => {
    e.destroy();
    k.destroy();
    await s.close();
  };
  return { e, k, until, close };
}

/** Six events of about 200,000 bytes in one second of the clock: over the shard's 1 MiB/s, so the sixth is throttled. */
async function sixBigEvents(e: EventBridgeClient, source: string) {
  const big = "x".repeat(200_000);
  for (let i = 0; i < 6; i++) await e.send(new PutEventsCommand({ Entries: [{ Source: source, DetailType: "d", Detail: JSON.stringify({ i, big }) }] }));
}

test("a throttled stream is retried under the RetryPolicy once the clock moves on", async () => {
  const c = new ManualClock(Date.UTC(2026, 4, 18));
  const l = await limitedServer(c);
  try {
    await l.k.send(new CreateStreamCommand({ StreamName: "busy", ShardCount: 1 }));
    await l.e.send(new PutRuleCommand({ Name: "busy", EventPattern: JSON.stringify({ source: ["busy"] }) }));
    await l.e.send(new PutTargetsCommand({ Rule: "busy", Targets: [{ Id: "k", Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/busy` }] }));
    await sixBigEvents(l.e, "busy");
    await l.until("busy", 5);
    assert.ok(c.pending().length > 0, "the scheduler has a timer armed");
    // The first retry is due within 1 s (1 s base, up to half of it jitter); the shard's second has passed by then.
    c.advance(1000);
    const all = await l.until("busy", 6);
    assert.deepEqual(all.map((r) => JSON.parse(text(r.Data)).detail.i).sort(), [0, 1, 2, 3, 4, 5]);
  } finally {
    await l.close();
  }
});

test("a throttled record's retry pending across a restart of the server is made after it (nothing acknowledged is lost)", async () => {
  const c = new ManualClock(Date.UTC(2026, 4, 18));
  const dir = mkdtempSync(join(tmpdir(), "mailroom-eb-kinesis-"));
  let l = await limitedServer(c, dir);
  try {
    await l.k.send(new CreateStreamCommand({ StreamName: "rs", ShardCount: 1 }));
    await l.e.send(new PutRuleCommand({ Name: "rs", EventPattern: JSON.stringify({ source: ["restart"] }) }));
    await l.e.send(new PutTargetsCommand({ Rule: "rs", Targets: [{ Id: "k", Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/rs` }] }));
    await sixBigEvents(l.e, "restart");
    await l.until("rs", 5);
    // Let the throttled attempt's retry be recorded (a local commit) before the server stops.
    await sleep(300);
    await l.close();
    l = await limitedServer(c, dir);
    c.advance(1000);
    await l.until("rs", 6);
  } finally {
    await l.close();
  }
});
