// Pipes' enrichment and targets end to end with the JS SDKs (SQLite in memory, or PostgreSQL with
// MAILROOM_TEST_BACKEND=postgres): a Step Functions EXPRESS enrichment with EnrichmentParameters.InputTemplate,
// targets Step Functions (the batch as one JSON array), Kinesis (dynamic PartitionKey), SNS, and an SQS FIFO queue
// (dynamic MessageGroupId), and a Kinesis source whose failing batches go to its DeadLetterConfig after
// MaximumRetryAttempts; an API destination as enrichment and as target (a local HTTP endpoint).
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { CreateApiDestinationCommand, CreateConnectionCommand, EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import { CreatePipeCommand, DescribePipeCommand, PipesClient, StartPipeCommand, StopPipeCommand } from "@aws-sdk/client-pipes";
import { CreateStateMachineCommand, DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { snsClient, sqsClient, startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 5, 2, 12, 0, 0));
const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/pipe-role`;
let server: Mailroom;
let pipes: PipesClient;
let sqs: SQSClient;
let sfn: SFNClient;
let kinesis: KinesisClient;

before(async () => {
  server = await startTestServer({ clock });
  const cfg = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  pipes = new PipesClient(cfg);
  sqs = sqsClient(server.endpoint);
  sfn = new SFNClient(cfg);
  kinesis = new KinesisClient(cfg);
});
after(async () => {
  for (const c of [pipes, sqs, sfn, kinesis]) c.destroy();
  await server.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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
async function drain(url: string, attrs = false): Promise<{ body: string; group?: string }[]> {
  const out: { body: string; group?: string }[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, ...(attrs ? { MessageSystemAttributeNames: ["MessageGroupId"] } : {}) }));
    if (!r.Messages?.length) return out;
    for (const m of r.Messages) {
      out.push({ body: m.Body!, group: m.Attributes?.MessageGroupId });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
const collect = (url: string, n: number, attrs = false) => {
  const got: { body: string; group?: string }[] = [];
  return until(`${n} messages`, async () => {
    got.push(...(await drain(url, attrs)));
    return got.length >= n ? got : undefined;
  });
};
const machine = async (name: string, type: "EXPRESS" | "STANDARD", definition: object) =>
  (await sfn.send(new CreateStateMachineCommand({ name, type, roleArn: ROLE, definition: JSON.stringify(definition) }))).stateMachineArn!;

test("EXPRESS enrichment (InputTemplate per record, output array as the new batch) into an SQS queue", async () => {
  const src = await queue("enr-src");
  const out = await queue("enr-out");
  // The enrichment gets the batch as an array and answers one item per record.
  const enrich = await machine("enricher", "EXPRESS", {
    StartAt: "M", States: { M: { Type: "Map", ItemsPath: "$", Iterator: { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "orig.$": "$.id", enriched: true }, End: true } } }, End: true } },
  });
  await pipes.send(new CreatePipeCommand({
    Name: "enriched", RoleArn: ROLE, Source: src.arn, Target: out.arn, Enrichment: enrich,
    EnrichmentParameters: { InputTemplate: '{"id": <$.body.id>}' },
    TargetParameters: { InputTemplate: '{"from": <$.orig>, "e": <$.enriched>}' },
  }));
  for (const id of [1, 2]) await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: JSON.stringify({ id }) }));
  const got = await collect(out.url, 2);
  assert.deepEqual(got.map((m) => JSON.parse(m.body)).sort((a, b) => a.from - b.from), [{ from: 1, e: true }, { from: 2, e: true }]);
});

test("a Step Functions target (FIRE_AND_FORGET) gets the batch as one JSON array", async () => {
  const src = await queue("sfn-src");
  const arn = await machine("pipe-target", "STANDARD", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
  await pipes.send(new CreatePipeCommand({
    Name: "to-sfn", RoleArn: ROLE, Source: src.arn, Target: arn, TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: "FIRE_AND_FORGET" } },
  }));
  await until("RUNNING", async () => (await pipes.send(new DescribePipeCommand({ Name: "to-sfn" }))).CurrentState === "RUNNING");
  for (const b of ["x", "y"]) await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: b }));
  const executions = await until("executions", async () => {
    const l = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }))).executions ?? [];
    return l.length > 0 ? l : undefined;
  });
  const inputs: string[] = [];
  for (const e of executions) {
    const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))).input!);
    assert.ok(Array.isArray(input));
    inputs.push(...input.map((r: { body: string }) => r.body));
  }
  assert.deepEqual(inputs.sort(), ["x", "y"]);
});

test("Kinesis target with a dynamic PartitionKey; SNS target; SQS FIFO target with a dynamic MessageGroupId", async () => {
  const src = await queue("multi-src");
  await kinesis.send(new CreateStreamCommand({ StreamName: "pipe-out", ShardCount: 1 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "pipe-out" }))).StreamDescriptionSummary!.StreamARN!;
  await until("stream ACTIVE", async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "pipe-out" }))).StreamDescriptionSummary!.StreamStatus === "ACTIVE");
  await pipes.send(new CreatePipeCommand({
    Name: "to-kinesis", RoleArn: ROLE, Source: src.arn, Target: streamArn,
    TargetParameters: { KinesisStreamParameters: { PartitionKey: "$.body.user" }, InputTemplate: '{"u": "<$.body.user>"}' },
  }));
  await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: JSON.stringify({ user: "ann" }) }));
  const records = await until("a record in the stream", async () => {
    const it = (await kinesis.send(new GetShardIteratorCommand({ StreamName: "pipe-out", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
    const r = (await kinesis.send(new GetRecordsCommand({ ShardIterator: it }))).Records ?? [];
    return r.length > 0 ? r : undefined;
  });
  assert.equal(records[0].PartitionKey, "ann");
  assert.deepEqual(JSON.parse(Buffer.from(records[0].Data!).toString()), { u: "ann" });

  const sns = snsClient(server.endpoint);
  const topic = (await sns.send(new CreateTopicCommand({ Name: "pipe-topic" }))).TopicArn!;
  const sub = await queue("pipe-topic-sub");
  await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sqs", Endpoint: sub.arn, Attributes: { RawMessageDelivery: "true" } }));
  const src2 = await queue("sns-src");
  await pipes.send(new CreatePipeCommand({ Name: "to-sns", RoleArn: ROLE, Source: src2.arn, Target: topic, TargetParameters: { InputTemplate: "hello <$.body>" } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: src2.url, MessageBody: "world" }));
  assert.deepEqual((await collect(sub.url, 1)).map((m) => m.body), ["hello world"]);
  sns.destroy();

  const fifo = await queue("pipe-out.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  const src3 = await queue("fifo-src");
  await pipes.send(new CreatePipeCommand({
    Name: "to-fifo", RoleArn: ROLE, Source: src3.arn, Target: fifo.arn, TargetParameters: { SqsQueueParameters: { MessageGroupId: "$.body.g" } },
  }));
  await sqs.send(new SendMessageCommand({ QueueUrl: src3.url, MessageBody: JSON.stringify({ g: "grp-1" }) }));
  const fgot = await collect(fifo.url, 1, true);
  assert.equal(fgot[0].group, "grp-1");
});

test("Kinesis source: a failing target is retried MaximumRetryAttempts times, then the batch goes to the DeadLetterConfig and reading goes on", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "dlq-stream", ShardCount: 1 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "dlq-stream" }))).StreamDescriptionSummary!.StreamARN!;
  await until("stream ACTIVE", async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "dlq-stream" }))).StreamDescriptionSummary!.StreamStatus === "ACTIVE");
  const dlq = await queue("kin-dlq");
  const gone = await queue("kin-gone");
  await pipes.send(new CreatePipeCommand({
    Name: "kin-dlq", RoleArn: ROLE, Source: streamArn, Target: gone.arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "TRIM_HORIZON", MaximumRetryAttempts: 2, DeadLetterConfig: { Arn: dlq.arn } } },
  }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
  await kinesis.send(new PutRecordCommand({ StreamName: "dlq-stream", PartitionKey: "p", Data: Buffer.from("lost") }));
  const [dead] = await collect(dlq.url, 1);
  const info = JSON.parse(dead.body);
  assert.equal(info.KinesisBatchInfo.shardId, "shardId-000000000000");
  assert.equal(info.KinesisBatchInfo.batchSize, 1);
  assert.equal(info.KinesisBatchInfo.streamArn, streamArn);
  // The checkpoint moved past the batch: nothing more reaches the dead-letter queue.
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await sleep(15);
  }
  assert.deepEqual(await drain(dlq.url), []);
});

test("API destinations: an enrichment answering JSON, and a target with dynamic HttpParameters", async () => {
  const seen: { path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  let failTarget = false;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.url!.startsWith("/enrich")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ enriched: JSON.parse(body).n * 10 }));
        return;
      }
      seen.push({ path: req.url!, headers: req.headers, body });
      res.writeHead(failTarget ? 500 : 200);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const eb = new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    const { ConnectionArn } = await eb.send(new CreateConnectionCommand({ Name: "pipe-conn", AuthorizationType: "API_KEY", AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-key", ApiKeyValue: "secret" } } }));
    const enrichArn = (await eb.send(new CreateApiDestinationCommand({ Name: "pipe-enrich", ConnectionArn, InvocationEndpoint: `${base}/enrich`, HttpMethod: "POST" }))).ApiDestinationArn!;
    const targetArn = (await eb.send(new CreateApiDestinationCommand({ Name: "pipe-target", ConnectionArn, InvocationEndpoint: `${base}/orders/*`, HttpMethod: "POST" }))).ApiDestinationArn!;
    const src = await queue("api-src", { VisibilityTimeout: "30" });
    // An API destination takes one event per request: a larger batch is refused.
    await assert.rejects(pipes.send(new CreatePipeCommand({ Name: "api-batch", RoleArn: ROLE, Source: src.arn, Target: targetArn, SourceParameters: { SqsQueueParameters: { BatchSize: 5 } } })), { name: "ValidationException" });
    await pipes.send(new CreatePipeCommand({
      Name: "api", RoleArn: ROLE, Source: src.arn, Enrichment: enrichArn, EnrichmentParameters: { InputTemplate: '{"n": <$.body.n>}' },
      Target: targetArn, TargetParameters: { HttpParameters: { PathParameterValues: ["$.enriched"], HeaderParameters: { "x-fixed": "yes" } }, InputTemplate: '{"value": <$.enriched>}' },
    }));
    await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: JSON.stringify({ n: 4 }) }));
    await until("the target request", async () => seen.length > 0);
    assert.equal(seen[0].path, "/orders/40");
    assert.equal(seen[0].headers["x-fixed"], "yes");
    assert.equal(seen[0].headers["x-key"], "secret");
    assert.deepEqual(JSON.parse(seen[0].body), { value: 40 });
    // A 5xx answer fails the batch: the message stays in the queue (in flight until its visibility timeout).
    failTarget = true;
    await sqs.send(new SendMessageCommand({ QueueUrl: src.url, MessageBody: JSON.stringify({ n: 5 }) }));
    await until("the failing request", async () => seen.length > 1);
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src.url, AttributeNames: ["ApproximateNumberOfMessagesNotVisible"] }))).Attributes!;
    assert.equal(a.ApproximateNumberOfMessagesNotVisible, "1");
    failTarget = false;
    await until("the retried request after the visibility timeout", async () => seen.filter((x) => x.path === "/orders/50").length >= 2);
    await until("the source emptied", async () => {
      const c = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src.url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes!;
      return c.ApproximateNumberOfMessages === "0" && c.ApproximateNumberOfMessagesNotVisible === "0";
    });
  } finally {
    eb.destroy();
    await new Promise<void>((r) => receiver.close(() => r()));
  }
});

test("Kinesis ParallelizationFactor: a shard's records in concurrent batches by partition key, each key in order", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "par-stream", ShardCount: 1 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "par-stream" }))).StreamDescriptionSummary!.StreamARN!;
  await until("stream ACTIVE", async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "par-stream" }))).StreamDescriptionSummary!.StreamStatus === "ACTIVE");
  for (let i = 0; i < 12; i++) {
    await kinesis.send(new PutRecordCommand({ StreamName: "par-stream", PartitionKey: `key-${i % 3}`, Data: Buffer.from(JSON.stringify({ k: `key-${i % 3}`, i })) }));
  }
  const out = await queue("par-out.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  await pipes.send(new CreatePipeCommand({
    Name: "par", RoleArn: ROLE, Source: streamArn, Target: out.arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "TRIM_HORIZON", BatchSize: 2, ParallelizationFactor: 3 } },
    TargetParameters: { InputTemplate: "<$.data>", SqsQueueParameters: { MessageGroupId: "$.partitionKey" } },
  }));
  const got = await collect(out.url, 12, true);
  const byKey = new Map<string, number[]>();
  for (const m of got) {
    const v = JSON.parse(m.body) as { k: string; i: number };
    assert.equal(m.group, v.k);
    byKey.set(v.k, [...(byKey.get(v.k) ?? []), v.i]);
  }
  assert.deepEqual(byKey.get("key-0"), [0, 3, 6, 9]);
  assert.deepEqual(byKey.get("key-1"), [1, 4, 7, 10]);
  assert.deepEqual(byKey.get("key-2"), [2, 5, 8, 11]);
});

test("state machines called synchronously must be EXPRESS: a STANDARD enrichment or REQUEST_RESPONSE target is refused", async () => {
  const src = await queue("std-src");
  const standard = await machine("std-machine", "STANDARD", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
  await assert.rejects(pipes.send(new CreatePipeCommand({ Name: "std-enrich", RoleArn: ROLE, Source: src.arn, Target: src.arn, Enrichment: standard })), { name: "ValidationException", message: /EXPRESS/ });
  await assert.rejects(pipes.send(new CreatePipeCommand({ Name: "std-target", RoleArn: ROLE, Source: src.arn, Target: standard })), { name: "ValidationException", message: /EXPRESS/ });
  await pipes.send(new CreatePipeCommand({
    Name: "std-ok", RoleArn: ROLE, Source: src.arn, Target: standard, DesiredState: "STOPPED", TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: "FIRE_AND_FORGET" } },
  }));
});

test("Kinesis StartingPosition LATEST reads only what arrives once the pipe runs; AT_TIMESTAMP from the time given", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "latest-stream", ShardCount: 1 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "latest-stream" }))).StreamDescriptionSummary!.StreamARN!;
  await until("stream ACTIVE", async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "latest-stream" }))).StreamDescriptionSummary!.StreamStatus === "ACTIVE");
  const put = (v: string) => kinesis.send(new PutRecordCommand({ StreamName: "latest-stream", PartitionKey: "p", Data: Buffer.from(JSON.stringify({ v })) }));
  await put("before");
  clock.advance(5000);
  const middle = new Date(clock.now());
  clock.advance(5000);
  await put("middle");
  const latest = await queue("latest-out");
  const stamped = await queue("stamped-out");
  await pipes.send(new CreatePipeCommand({
    Name: "latest", RoleArn: ROLE, Source: streamArn, Target: latest.arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "LATEST" } }, TargetParameters: { InputTemplate: "<$.data.v>" },
  }));
  await pipes.send(new CreatePipeCommand({
    Name: "stamped", RoleArn: ROLE, Source: streamArn, Target: stamped.arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "AT_TIMESTAMP", StartingPositionTimestamp: middle } }, TargetParameters: { InputTemplate: "<$.data.v>" },
  }));
  await until("RUNNING", async () => (await pipes.send(new DescribePipeCommand({ Name: "latest" }))).CurrentState === "RUNNING");
  clock.advance(1000);
  await put("after");
  assert.deepEqual((await collect(latest.url, 1)).map((m) => m.body), ["after"]);
  assert.deepEqual((await collect(stamped.url, 2)).map((m) => m.body), ["middle", "after"]);
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await sleep(15);
  }
  assert.deepEqual(await drain(latest.url), []);
});

test("the AWS/EventBridge/Pipes series: invocations, events and failures per pipe on /metrics", async () => {
  const text = await (await fetch(`${server.endpoint}/metrics`)).text();
  const value = (series: string, pipe: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${series}{`) && l.includes(`pipe_name="${pipe}"`));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
  };
  // "enriched" took two events (in one or two executions); "kin-dlq" failed its target stage until it gave up.
  assert.equal(value("mailroom_pipes_event_count_total", "enriched"), 2);
  assert.ok((value("mailroom_pipes_invocations_total", "enriched") ?? 0) >= 1);
  assert.equal(value("mailroom_pipes_execution_failed_total", "enriched") ?? 0, 0);
  assert.ok((value("mailroom_pipes_target_stage_failed_total", "kin-dlq") ?? 0) >= 3);
  assert.ok((value("mailroom_pipes_execution_failed_total", "kin-dlq") ?? 0) >= 3);
});

test("a Kinesis pipe follows a reshard: the closed parent read to its end, then the children, a key's records in order", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "split-stream", ShardCount: 1 }));
  const streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "split-stream" }))).StreamDescriptionSummary!.StreamARN!;
  const active = () => until("stream ACTIVE", async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "split-stream" }))).StreamDescriptionSummary!.StreamStatus === "ACTIVE");
  await active();
  const out = await queue("split-out");
  await pipes.send(new CreatePipeCommand({
    Name: "split", RoleArn: ROLE, Source: streamArn, Target: out.arn,
    SourceParameters: { KinesisStreamParameters: { StartingPosition: "TRIM_HORIZON" } }, TargetParameters: { InputTemplate: '{"k": "<$.partitionKey>", "d": "<$.data>"}' },
  }));
  await kinesis.send(new PutRecordCommand({ StreamName: "split-stream", PartitionKey: "before", Data: Buffer.from("1") }));
  assert.deepEqual((await collect(out.url, 1)).map((m) => JSON.parse(m.body).k), ["before"]);
  // Stop the pipe, so the parent still holds unread records when the stream is split; the children get more.
  await pipes.send(new StopPipeCommand({ Name: "split" }));
  await until("STOPPED", async () => (await pipes.send(new DescribePipeCommand({ Name: "split" }))).CurrentState === "STOPPED");
  await kinesis.send(new PutRecordCommand({ StreamName: "split-stream", PartitionKey: "k", Data: Buffer.from("1") }));
  await kinesis.send(new SplitShardCommand({ StreamName: "split-stream", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "170141183460469231731687303715884105728" }));
  await active();
  await kinesis.send(new PutRecordCommand({ StreamName: "split-stream", PartitionKey: "k", Data: Buffer.from("2") }));
  await pipes.send(new StartPipeCommand({ Name: "split" }));
  const got = await collect(out.url, 2);
  // The parent's record of key k before the child's.
  assert.deepEqual(got.map((m) => Buffer.from(JSON.parse(m.body).d, "base64").toString()), ["1", "2"]);
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    await sleep(15);
  }
  assert.deepEqual(await drain(out.url), []);
});
