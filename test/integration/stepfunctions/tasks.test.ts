// Task resources end to end with the official clients: the optimized integrations (sqs:sendMessage, sns:publish,
// events:putEvents, states:startExecution), the generic aws-sdk form (SQS, Kinesis, Step Functions), local Lambda
// functions behind a URL, the Step Functions Local mock config, and an HTTP Task without a connection. EXPRESS machines
// (StartSyncExecution) answer at once; a STANDARD run checks the history events of a task. The interpreter and the
// integrations together: .sync/.sync:2 children complete their parent's task, .waitForTaskToken through SendTaskSuccess,
// Retry/Catch, Parallel and Map in EXPRESS executions.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from "@aws-sdk/client-kinesis";
import {
  CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StartSyncExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { SubscribeCommand, CreateTopicCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Mailroom } from "../../../src/index.ts";
import { snsClient, sqsClient, startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";
import { def, ROLE, waitFor } from "./helpers.ts";

let server: Mailroom;
let lambda: Server;
let sfn: SFNClient;
let sqs: ReturnType<typeof sqsClient>;
let sns: ReturnType<typeof snsClient>;
let events: EventBridgeClient;
let kinesis: KinesisClient;
const seen: unknown[] = [];

const MOCK = {
  StateMachines: {
    mocked: {
      TestCases: {
        HappyPath: { Send: "SendOk" },
        Retry: { Send: "SendFlaky" },
      },
    },
  },
  MockedResponses: {
    SendOk: { "0": { Return: { MessageId: "mocked-id", MD5OfMessageBody: "x" } } },
    SendFlaky: { "0": { Throw: { Error: "SQS.AmazonSQSException", Cause: "mocked failure" } } },
  },
};

before(async () => {
  lambda = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const payload = JSON.parse(body);
      seen.push(payload);
      if (req.url === "/huge") {
        // An answer past Lambda's 6 MB response limit, written in 1 MiB chunks.
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(1024 * 1024, 0x61);
        for (let i = 0; i < 8; i++) res.write(chunk);
        res.end();
        return;
      }
      if (req.url === "/fail") {
        res.writeHead(200, { "x-amz-function-error": "Unhandled", "content-type": "application/json" });
        res.end(JSON.stringify({ errorType: "InventoryError", errorMessage: "out of stock", trace: [] }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ doubled: (payload.n ?? 0) * 2 }));
    });
  });
  await new Promise<void>((r) => lambda.listen(0, "127.0.0.1", r));
  const port = (lambda.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), "mailroom-mock-"));
  const mockFile = join(dir, "MockConfigFile.json");
  writeFileSync(mockFile, JSON.stringify(MOCK));
  server = await startTestServer({
    lambdaFunctions: { double: `http://127.0.0.1:${port}/double`, failing: `http://127.0.0.1:${port}/fail`, gone: "http://127.0.0.1:1/", huge: `http://127.0.0.1:${port}/huge` },
    sfnMockConfig: mockFile,
  });
  const config = { endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  sfn = new SFNClient({ ...config, disableHostPrefix: true });
  sqs = sqsClient(server.endpoint);
  sns = snsClient(server.endpoint);
  events = new EventBridgeClient(config);
  kinesis = new KinesisClient(config);
});
after(async () => {
  await server?.close();
  await new Promise((r) => lambda?.close(r));
});

let n = 0;
/** Runs a one-Task EXPRESS machine synchronously and answers its outcome. */
async function runTask(task: Record<string, unknown>, input: unknown = {}, name = `m${n++}`) {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name, roleArn: ROLE, type: "EXPRESS", definition: def({ T: { Type: "Task", End: true, ...task } }),
  }));
  return sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

test("sqs:sendMessage sends the body (JSON serialized) and answers MD5OfMessageBody, MessageId and the SDK metadata", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "task-target" }));
  const r = await runTask({ Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl, "MessageBody.$": "$.body" } }, { body: { order: 7 } });
  assert.equal(r.status, "SUCCEEDED", r.cause);
  const out = JSON.parse(r.output!);
  assert.equal(out.MD5OfMessageBody, md5('{"order":7}'));
  assert.match(out.MessageId, /^[0-9a-f-]{36}$/);
  assert.equal(out.SdkHttpMetadata.HttpStatusCode, 200);
  assert.equal(typeof out.SdkResponseMetadata.RequestId, "string");
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(got.Messages?.[0]?.Body, '{"order":7}');
});

test("optimized SQS errors are SQS.AmazonSQSException; aws-sdk:sqs errors are Sqs.<Error>Exception", async () => {
  const missing = await runTask({ Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: `${server.endpoint}/000000000000/nope`, MessageBody: "x" } });
  assert.equal(missing.status, "FAILED");
  assert.equal(missing.error, "SQS.AmazonSQSException");
  assert.match(missing.cause!, /\(Service: AmazonSQS; Status Code: 400; Error Code: AWS\.SimpleQueueService\.NonExistentQueue; Request ID: [^;]+; Proxy: null\)$/);
  const sdk = await runTask({ Resource: "arn:aws:states:::aws-sdk:sqs:getQueueUrl", Parameters: { QueueName: "no-such-queue" } });
  assert.equal(sdk.status, "FAILED");
  assert.equal(sdk.error, "Sqs.QueueDoesNotExistException");
  assert.match(sdk.cause!, /\(Service: Sqs, Status Code: 400, Request ID: /);
  const created = await runTask({ Resource: "arn:aws:states:::aws-sdk:sqs:createQueue", Parameters: { QueueName: "made-by-task" } });
  assert.equal(created.status, "SUCCEEDED", created.cause);
  assert.match(JSON.parse(created.output!).QueueUrl, /\/000000000000\/made-by-task$/);
  // Input problems are the service's own validation errors.
  const bad = await runTask({ Resource: "arn:aws:states:::aws-sdk:sqs:sendMessage", Parameters: { MessageBody: "x" } });
  assert.equal(bad.status, "FAILED");
  assert.match(bad.error!, /^Sqs\./);
});

test("sns:publish publishes (fan-out to SQS) and answers MessageId; a missing topic is SNS.NotFoundException", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "task-topic" }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "task-topic-sub" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: "true" } }));
  const r = await runTask({ Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn, Message: { hello: "world" } } });
  assert.equal(r.status, "SUCCEEDED", r.cause);
  assert.match(JSON.parse(r.output!).MessageId, /^[0-9a-f-]{36}$/);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(got.Messages?.[0]?.Body, '{"hello":"world"}');
  const missing = await runTask({ Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: `${TopicArn}-gone`, Message: "x" } });
  assert.equal(missing.error, "SNS.NotFoundException");
});

test("events:putEvents puts the entries (Detail as JSON) and answers Entries and FailedEntryCount", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "task-events" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  await events.send(new PutRuleCommand({ Name: "from-task", EventPattern: JSON.stringify({ source: ["sfn.test"] }) }));
  await events.send(new PutTargetsCommand({ Rule: "from-task", Targets: [{ Id: "q", Arn: Attributes!.QueueArn }] }));
  const r = await runTask({ Resource: "arn:aws:states:::events:putEvents", Parameters: { Entries: [{ Source: "sfn.test", DetailType: "t", Detail: { k: 1 } }] } });
  assert.equal(r.status, "SUCCEEDED", r.cause);
  const out = JSON.parse(r.output!);
  assert.equal(out.FailedEntryCount, 0);
  assert.equal(out.Entries.length, 1);
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.deepEqual(JSON.parse(got.Messages![0].Body!).detail, { k: 1 });
});

test("aws-sdk:kinesis:putRecord writes a record that GetRecords reads", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "task-stream", ShardCount: 1 }));
  const r = await runTask({ Resource: "arn:aws:states:::aws-sdk:kinesis:putRecord", Parameters: { StreamName: "task-stream", PartitionKey: "k", Data: "payload" } });
  assert.equal(r.status, "SUCCEEDED", r.cause);
  const out = JSON.parse(r.output!);
  assert.equal(out.ShardId, "shardId-000000000000");
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: "task-stream", ShardId: out.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
  const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  assert.equal(Buffer.from(Records![0].Data!).toString(), "payload");
  assert.equal(Records![0].SequenceNumber, out.SequenceNumber);
  const missing = await runTask({ Resource: "arn:aws:states:::aws-sdk:kinesis:putRecord", Parameters: { StreamName: "none", PartitionKey: "k", Data: "x" } });
  assert.equal(missing.error, "Kinesis.ResourceNotFoundException");
});

test("states:startExecution starts the child and answers ExecutionArn and StartDate; errors are StepFunctions.<Error>Exception", async () => {
  const { stateMachineArn: childArn } = await sfn.send(new CreateStateMachineCommand({ name: "child", roleArn: ROLE, definition: def({ P: { Type: "Pass", End: true } }) }));
  const child = childArn!;
  const r = await runTask({ Resource: "arn:aws:states:::states:startExecution", Parameters: { StateMachineArn: child, Name: "kid", Input: { a: 1 } } });
  assert.equal(r.status, "SUCCEEDED", r.cause);
  const out = JSON.parse(r.output!);
  assert.equal(out.ExecutionArn, child.replace(":stateMachine:", ":execution:") + ":kid");
  assert.equal(typeof out.StartDate, "number");
  const d = await waitFor(sfn, out.ExecutionArn);
  assert.equal(d.status, "SUCCEEDED");
  assert.equal(d.output, '{"a":1}');
  const missing = await runTask({ Resource: "arn:aws:states:::states:startExecution", Parameters: { StateMachineArn: `${child}-gone` } });
  assert.equal(missing.error, "StepFunctions.StateMachineDoesNotExistException");
  const sdk = await runTask({ Resource: "arn:aws:states:::aws-sdk:sfn:describeStateMachine", Parameters: { StateMachineArn: child } });
  assert.equal(JSON.parse(sdk.output!).Name, "child");
  const sdkMissing = await runTask({ Resource: "arn:aws:states:::aws-sdk:sfn:describeStateMachine", Parameters: { StateMachineArn: `${child}-gone` } });
  assert.equal(sdkMissing.error, "Sfn.StateMachineDoesNotExistException");
});

test("Lambda tasks call the local function configured for the name; function errors carry its errorType", async () => {
  const direct = await runTask({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:double", Parameters: { "n.$": "$.n" } }, { n: 21 });
  assert.equal(direct.status, "SUCCEEDED", direct.cause);
  assert.deepEqual(JSON.parse(direct.output!), { doubled: 42 });
  const invoke = await runTask({ Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "double", Payload: { n: 2 } } });
  const out = JSON.parse(invoke.output!);
  assert.deepEqual(out.Payload, { doubled: 4 });
  assert.equal(out.StatusCode, 200);
  assert.equal(out.ExecutedVersion, "$LATEST");
  const failing = await runTask({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:failing" });
  assert.equal(failing.error, "InventoryError");
  assert.equal(JSON.parse(failing.cause!).errorMessage, "out of stock");
  const unknown = await runTask({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:nobody" });
  assert.equal(unknown.error, "Lambda.ResourceNotFoundException");
  assert.match(unknown.cause!, /--lambda-functions nobody=/);
  const unreachable = await runTask({ Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:gone", Payload: {} } });
  assert.equal(unreachable.error, "Lambda.SdkClientException");
  const huge = await runTask({ Resource: "arn:aws:lambda:us-east-1:000000000000:function:huge" });
  assert.equal(huge.error, "Lambda.ResponseSizeTooLargeException");
});

test("the HTTP Task and unknown resources fail with a clear cause", async () => {
  const http = await runTask({ Resource: "arn:aws:states:::http:invoke", Parameters: { ApiEndpoint: "http://127.0.0.1:1", Method: "GET" } });
  assert.equal(http.status, "FAILED");
  // Without Authentication.ConnectionArn the HTTP Task fails at once (http-task.test.ts calls endpoints through connections).
  assert.equal(http.error, "States.Runtime");
  assert.match(http.cause!, /Authentication\.ConnectionArn/);
  const unknown = await runTask({ Resource: "arn:aws:states:::dynamodb:getItem", Parameters: {} });
  assert.match(unknown.cause!, /is not recognized/);
});

test("the mock config replaces a task's result in the test case named after '#'", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "never-sent" }));
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "mocked", roleArn: ROLE, definition: def({ Send: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl, MessageBody: "m" }, End: true } }),
  }));
  const ok = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#HappyPath` }));
  assert.deepEqual(JSON.parse((await waitFor(sfn, ok.executionArn!)).output!), { MessageId: "mocked-id", MD5OfMessageBody: "x" });
  const bad = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#Retry` }));
  const d = await waitFor(sfn, bad.executionArn!);
  assert.equal(d.error, "SQS.AmazonSQSException");
  assert.equal(d.cause, "mocked failure");
  assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
  await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}#Nope` })), { name: "ValidationException", message: /Test case Nope not found/ });
});

test("a STANDARD execution records TaskScheduled, TaskStarted, TaskSucceeded and TaskStateExited", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "standard-task", roleArn: ROLE,
    definition: def({ L: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:double", ResultSelector: { "v.$": "$.doubled" }, ResultPath: "$.r", End: true } }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"n":5}' }));
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(d.output!), { n: 5, r: { v: 10 } });
  const h = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
  assert.deepEqual(h.map((e) => e.type), ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
  assert.equal(h[2].taskScheduledEventDetails?.resourceType, "lambda");
  assert.equal(h[2].taskScheduledEventDetails?.parameters, '{"n":5}');
});

test("aws-sdk outputs keep map keys as they are (message attributes)", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "attrs" }));
  const sent = await runTask({
    Resource: "arn:aws:states:::aws-sdk:sqs:sendMessage",
    Parameters: { QueueUrl, MessageBody: "b", MessageAttributes: { lowerCase: { DataType: "String", StringValue: "v" }, Upper: { DataType: "Number", StringValue: "1" } } },
  });
  assert.equal(sent.status, "SUCCEEDED", sent.cause);
  const got = await runTask({ Resource: "arn:aws:states:::aws-sdk:sqs:receiveMessage", Parameters: { QueueUrl, MessageAttributeNames: ["All"] } });
  assert.equal(got.status, "SUCCEEDED", got.cause);
  const msg = JSON.parse(got.output!).Messages[0];
  assert.equal(msg.Body, "b");
  assert.deepEqual(Object.keys(msg.MessageAttributes).sort(), ["Upper", "lowerCase"]);
  assert.equal(msg.MessageAttributes.lowerCase.StringValue, "v");
});

/** A STANDARD parent whose one Task starts `child` with the given pattern; Catch keeps a failure's Error and Cause. */
async function runParent(name: string, resource: string, child: string, input: unknown) {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name, roleArn: ROLE,
    definition: def({
      T: {
        Type: "Task", Resource: resource, Parameters: { StateMachineArn: child, "Input.$": "$" }, End: true,
        Catch: [{ ErrorEquals: ["States.TaskFailed"], ResultPath: "$.caught", Next: "Caught" }],
      },
      Caught: { Type: "Pass", End: true },
    }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  return waitFor(sfn, executionArn!);
}

test(".sync and .sync:2 wait for the child execution and answer its DescribeExecution; a failed child fails the task with States.TaskFailed", async () => {
  const { stateMachineArn: ok } = await sfn.send(new CreateStateMachineCommand({
    name: "sync-child", roleArn: ROLE, definition: def({ W: { Type: "Wait", Seconds: 0, Next: "P" }, P: { Type: "Pass", Parameters: { "got.$": "$.v" }, End: true } }),
  }));
  // .sync answers Input and Output as JSON text, .sync:2 as JSON (developer guide, "Start a new AWS Step Functions state machine execution").
  const d1 = await runParent("sync-parent", "arn:aws:states:::states:startExecution.sync", ok!, { v: 1 });
  assert.equal(d1.status, "SUCCEEDED", d1.cause);
  const o1 = JSON.parse(d1.output!);
  assert.equal(o1.Status, "SUCCEEDED");
  assert.equal(o1.Output, '{"got":1}');
  assert.equal(o1.Input, '{"v":1}');
  assert.equal(o1.StateMachineArn, ok);
  const child = await waitFor(sfn, o1.ExecutionArn);
  assert.equal(child.status, "SUCCEEDED");
  const d2 = await runParent("sync2-parent", "arn:aws:states:::states:startExecution.sync:2", ok!, { v: 2 });
  assert.equal(d2.status, "SUCCEEDED", d2.cause);
  assert.deepEqual(JSON.parse(d2.output!).Output, { got: 2 });
  const h = (await sfn.send(new GetExecutionHistoryCommand({ executionArn: d2.executionArn }))).events!.map((e) => e.type);
  assert.deepEqual(h, ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);

  const { stateMachineArn: bad } = await sfn.send(new CreateStateMachineCommand({ name: "sync-bad-child", roleArn: ROLE, definition: def({ F: { Type: "Fail", Error: "Oops", Cause: "child failed" } }) }));
  const d3 = await runParent("sync-parent-bad", "arn:aws:states:::states:startExecution.sync", bad!, {});
  assert.equal(d3.status, "SUCCEEDED", d3.cause);
  const caught = JSON.parse(d3.output!).caught;
  assert.equal(caught.Error, "States.TaskFailed");
  assert.equal(JSON.parse(caught.Cause).Status, "FAILED");
  assert.equal(JSON.parse(caught.Cause).Error, "Oops");

  // A child that does not exist fails the task at once with the service's error, as the request-response form does
  // (States.TaskFailed in a Catcher matches it: any error but States.Timeout, developer guide "States.TaskFailed").
  const d4 = await runParent("sync-parent-missing", "arn:aws:states:::states:startExecution.sync", `${ok}-gone`, {});
  assert.equal(d4.status, "SUCCEEDED");
  assert.equal(JSON.parse(d4.output!).caught.Error, "StepFunctions.StateMachineDoesNotExistException");
});

test("a .sync child stopped with StopExecution fails its parent's task (ABORTED in the cause)", async () => {
  const { stateMachineArn: slow } = await sfn.send(new CreateStateMachineCommand({ name: "sync-slow-child", roleArn: ROLE, definition: def({ W: { Type: "Wait", Seconds: 3600, End: true } }) }));
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "sync-parent-stopped", roleArn: ROLE,
    definition: def({ T: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: slow, Name: "stopped-kid" }, End: true } }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
  const kid = slow!.replace(":stateMachine:", ":execution:") + ":stopped-kid";
  for (let i = 0; i < 200; i++) {
    const started = await sfn.send(new DescribeExecutionCommand({ executionArn: kid })).then(() => true, () => false);
    if (started) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await sfn.send(new StopExecutionCommand({ executionArn: kid }));
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "FAILED");
  assert.equal(d.error, "States.TaskFailed");
  assert.equal(JSON.parse(d.cause!).Status, "ABORTED");
});

test("sqs:sendMessage.waitForTaskToken waits until SendTaskSuccess with the token the message carried", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "callbacks" }));
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "callback-parent", roleArn: ROLE,
    definition: def({ T: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { QueueUrl, MessageBody: { "token.$": "$$.Task.Token" } }, End: true } }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
  let token: string | undefined;
  for (let i = 0; i < 100 && !token; i++) {
    const m = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    token = m.Messages?.[0] && JSON.parse(m.Messages[0].Body!).token;
    if (!token) await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(token);
  assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status, "RUNNING");
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED", d.cause);
  assert.deepEqual(JSON.parse(d.output!), { approved: true });
});

test("EXPRESS executions run the whole interpreter: Retry then Catch, Parallel, Map over Lambda tasks", async () => {
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "express-full", roleArn: ROLE, type: "EXPRESS",
    definition: def({
      Flaky: {
        Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:failing", Next: "Par",
        Retry: [{ ErrorEquals: ["InventoryError"], IntervalSeconds: 1, MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.err", Next: "Par" }],
      },
      Par: {
        Type: "Parallel", Next: "Each", ResultSelector: { "a.$": "$[0]", "b.$": "$[1]" }, ResultPath: "$.par",
        Branches: [
          { StartAt: "A", States: { A: { Type: "Pass", Result: "a", End: true } } },
          { StartAt: "B", States: { B: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:double", Parameters: { n: 4 }, End: true } } },
        ],
      },
      Each: {
        Type: "Map", ItemsPath: "$.items", ResultPath: "$.doubled", End: true,
        ItemProcessor: { StartAt: "D", States: { D: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:double", Parameters: { "n.$": "$" }, OutputPath: "$.doubled", End: true } } },
      },
    }),
  }));
  const before = seen.length;
  const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ items: [1, 2, 3] }) }));
  assert.equal(r.status, "SUCCEEDED", r.cause);
  const out = JSON.parse(r.output!);
  assert.equal(out.err.Error, "InventoryError");
  assert.deepEqual(out.par, { a: "a", b: { doubled: 8 } });
  assert.deepEqual(out.doubled, [2, 4, 6]);
  // The failing function was called twice (once and one retry), then the Parallel's and the Map's tasks.
  assert.equal(seen.length - before, 2 + 1 + 3);
});

test("a STANDARD parent's .sync child may be an EXPRESS machine: its outcome completes the parent's task", async () => {
  const { stateMachineArn: exp } = await sfn.send(new CreateStateMachineCommand({
    name: "sync-express-child", roleArn: ROLE, type: "EXPRESS", definition: def({ P: { Type: "Pass", Parameters: { "x.$": "$.v" }, End: true } }),
  }));
  const d = await runParent("sync-parent-express", "arn:aws:states:::states:startExecution.sync:2", exp!, { v: 9 });
  assert.equal(d.status, "SUCCEEDED", d.cause);
  const o = JSON.parse(d.output!);
  assert.equal(o.Status, "SUCCEEDED");
  assert.deepEqual(o.Output, { x: 9 });
  assert.match(o.ExecutionArn, /:express:sync-express-child:/);
});

test("probe: a .sync task given a bad StateMachineArn, a non-JSON Input or an oversized one fails the task with an error, never a hang", async () => {
  const { stateMachineArn: ok } = await sfn.send(new CreateStateMachineCommand({ name: "probe-child", roleArn: ROLE, definition: def({ P: { Type: "Pass", End: true } }) }));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ StateMachineArn: 42 }, /^StepFunctions\.InvalidArnException$/],
    [{ StateMachineArn: "not-an-arn" }, /^StepFunctions\.InvalidArnException$/],
    [{ StateMachineArn: ok, Input: "x".repeat(300_000) }, /^States\.DataLimitExceeded$/],
    [{ StateMachineArn: ok, Name: "bad name with spaces" }, /^StepFunctions\.InvalidNameException$/],
  ];
  let i = 0;
  for (const [parameters, error] of cases) {
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
      name: `probe-parent-${i++}`, roleArn: ROLE,
      definition: def({ T: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync", Parameters: parameters, End: true } }),
    }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
    const d = await waitFor(sfn, executionArn!);
    assert.equal(d.status, "FAILED", JSON.stringify(parameters).slice(0, 80));
    assert.match(d.error!, error, `${JSON.stringify(parameters).slice(0, 80)}: ${d.error} ${d.cause?.slice(0, 200)}`);
  }
});
