// One round trip per codec through the real SDK clients' own serializers and deserializers (see harness.ts):
// AWS JSON 1.1 (EventBridge, Kinesis), AWS JSON 1.0 (Step Functions, SQS with awsQueryCompatible errors), CBOR
// (Kinesis, as the Java SDK sends it), REST-JSON (Scheduler, Schemas, Pipes on one table) and query (SNS).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DescribeEventBusCommand, EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetRecordsCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { PipesClient, CreatePipeCommand, TagResourceCommand as PipesTag } from "@aws-sdk/client-pipes";
import { CreateScheduleCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient, TagResourceCommand as SchedulerTag } from "@aws-sdk/client-scheduler";
import { CreateRegistryCommand, SchemasClient } from "@aws-sdk/client-schemas";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { ListTopicsCommand, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { cbor, tag } from "@smithy/core/cbor";
import { CredentialStore } from "../../src/auth/credentials.ts";
import { ManualClock } from "../../src/engine/clock.ts";
import { createHandler, type Handler } from "../../src/server/handler.ts";
import { createLogger } from "../../src/util/log.ts";
import { AwsError } from "../../src/protocol/errors.ts";
import { eventsModel } from "../../src/protocol/models/events.gen.ts";
import { kinesisModel } from "../../src/protocol/models/kinesis.gen.ts";
import { pipesModel } from "../../src/protocol/models/pipes.gen.ts";
import { schedulerModel } from "../../src/protocol/models/scheduler.gen.ts";
import { schemasModel } from "../../src/protocol/models/schemas.gen.ts";
import { snsModel } from "../../src/protocol/models/sns.gen.ts";
import { sqsModel } from "../../src/protocol/models/sqs.gen.ts";
import { stepfunctionsModel } from "../../src/protocol/models/stepfunctions.gen.ts";
import { echoService, pipeline, through, type Captured } from "./harness.ts";

const events = echoService(eventsModel, ["json"]);
const kinesis = echoService(kinesisModel, ["json", "cbor"]);
const sfn = echoService(stepfunctionsModel, ["json"], { signingName: "states", jsonNamespace: "com.amazonaws.sfn" });
const sqs = echoService(sqsModel, ["json", "query"], { jsonNamespace: "com.amazonaws.sqs", queryCompatible: true });
const sns = echoService(snsModel, ["query"]);
const scheduler = echoService(schedulerModel, ["rest-json"]);
const schemas = echoService(schemasModel, ["rest-json"]);
const pipes = echoService(pipesModel, ["rest-json"]);
const handler = pipeline([sqs, sns, events, kinesis, sfn, scheduler, schemas, pipes].map((s) => s.definition));

const last = (s: { calls: { operation: string; input: Record<string, unknown> }[] }) => s.calls[s.calls.length - 1];
const T = new Date("2026-12-06T20:00:00.123Z");

describe("AWS JSON 1.1", () => {
  test("EventBridge PutEvents: timestamps and lists in, counts and lists out", async () => {
    const cap: Captured = {};
    const client = new EventBridgeClient(through(handler, cap));
    events.answer("PutEvents", { FailedEntryCount: 1, Entries: [{ EventId: "e-1" }, { ErrorCode: "InternalFailure", ErrorMessage: "x" }] });
    const out = await client.send(new PutEventsCommand({ Entries: [{ Source: "my.app", DetailType: "t", Detail: '{"a":1}', Time: T, Resources: ["arn:r"] }, { Source: "s2", DetailType: "t", Detail: "{}" }] }));
    assert.equal(cap.request?.headers["x-amz-target"], "AWSEvents.PutEvents");
    assert.equal(cap.request?.headers["content-type"], "application/x-amz-json-1.1");
    assert.equal(cap.reply?.headers["content-type"], "application/x-amz-json-1.1");
    assert.deepEqual(last(events), {
      operation: "PutEvents",
      input: { Entries: [{ Time: T, Source: "my.app", Resources: ["arn:r"], DetailType: "t", Detail: '{"a":1}' }, { Source: "s2", DetailType: "t", Detail: "{}" }] },
    });
    assert.equal(out.FailedEntryCount, 1);
    assert.deepEqual(out.Entries, [{ EventId: "e-1" }, { ErrorCode: "InternalFailure", ErrorMessage: "x" }]);
  });

  test("Kinesis PutRecord and GetRecords: blobs as base64, timestamps as epoch seconds", async () => {
    const client = new KinesisClient(through(handler));
    kinesis.answer("PutRecord", { ShardId: "shardId-000000000000", SequenceNumber: "1" });
    const put = await client.send(new PutRecordCommand({ StreamName: "s", Data: Buffer.from([0, 1, 2, 255]), PartitionKey: "pk" }));
    assert.deepEqual(last(kinesis).input, { StreamName: "s", Data: Buffer.from([0, 1, 2, 255]), PartitionKey: "pk" });
    assert.equal(put.SequenceNumber, "1");
    kinesis.answer("GetRecords", { Records: [{ SequenceNumber: "1", ApproximateArrivalTimestamp: T, Data: Buffer.from("hi"), PartitionKey: "pk" }], MillisBehindLatest: 0 });
    const got = await client.send(new GetRecordsCommand({ ShardIterator: "it", Limit: 5 }));
    assert.deepEqual(last(kinesis).input, { ShardIterator: "it", Limit: 5 });
    assert.equal(Buffer.from(got.Records![0].Data!).toString(), "hi");
    assert.equal(got.Records![0].ApproximateArrivalTimestamp?.getTime(), T.getTime());
  });

  test("errors name their type; the SDK raises the modelled exception", async () => {
    const client = new EventBridgeClient(through(handler));
    events.answer("DescribeEventBus", new AwsError("ResourceNotFoundException", "Event bus nope does not exist."));
    await assert.rejects(client.send(new DescribeEventBusCommand({ Name: "nope" })), (e: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(e.name, "ResourceNotFoundException");
      assert.equal(e.message, "Event bus nope does not exist.");
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
  });
});

describe("AWS JSON 1.0", () => {
  test("Step Functions StartExecution and DescribeExecution", async () => {
    const cap: Captured = {};
    const client = new SFNClient(through(handler, cap));
    sfn.answer("StartExecution", { executionArn: "arn:aws:states:us-east-1:123456789012:execution:m:e", startDate: T });
    const out = await client.send(new StartExecutionCommand({ stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m", name: "e", input: '{"k":[1,2]}' }));
    assert.equal(cap.request?.headers["x-amz-target"], "AWSStepFunctions.StartExecution");
    assert.equal(cap.reply?.headers["content-type"], "application/x-amz-json-1.0");
    assert.deepEqual(last(sfn).input, { stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m", name: "e", input: '{"k":[1,2]}' });
    assert.equal(out.startDate?.getTime(), T.getTime());
    sfn.answer("DescribeExecution", new AwsError("ExecutionDoesNotExist", "Execution Does Not Exist: 'x'"));
    await assert.rejects(client.send(new DescribeExecutionCommand({ executionArn: "x" })), { name: "ExecutionDoesNotExist" });
  });

  test("SQS (awsQueryCompatible): x-amzn-query-error carries the query code", async () => {
    const cap: Captured = {};
    const client = new SQSClient(through(handler, cap));
    sqs.answer("GetQueueUrl", { QueueUrl: "http://localhost:4566/123456789012/q" });
    assert.equal((await client.send(new GetQueueUrlCommand({ QueueName: "q" }))).QueueUrl, "http://localhost:4566/123456789012/q");
    sqs.answer("GetQueueUrl", new AwsError("QueueDoesNotExist", "The specified queue does not exist.", { queryCode: "AWS.SimpleQueueService.NonExistentQueue" }));
    await assert.rejects(client.send(new GetQueueUrlCommand({ QueueName: "nope" })), (e: Error & { Code?: string }) => {
      assert.equal(cap.reply?.headers["x-amzn-query-error"], "AWS.SimpleQueueService.NonExistentQueue;Sender");
      assert.match(e.name, /QueueDoesNotExist|NonExistentQueue/);
      assert.equal(e.message, "The specified queue does not exist.");
      return true;
    });
  });
});

describe("CBOR (application/x-amz-cbor-1.1)", () => {
  test("PutRecord: byte strings in; GetRecords: tag 1 timestamps out in epoch milliseconds", async () => {
    const open = pipelineAnonymous();
    kinesis.answer("PutRecord", { ShardId: "shardId-000000000000", SequenceNumber: "7" });
    const put = await callOn(open, "PutRecord", { StreamName: "s", Data: new Uint8Array([1, 2, 3]), PartitionKey: "pk" });
    assert.equal(put.status, 200);
    assert.equal(put.headers["content-type"], "application/x-amz-cbor-1.1");
    assert.deepEqual(last(kinesis).input, { StreamName: "s", Data: Buffer.from([1, 2, 3]), PartitionKey: "pk" });
    assert.deepEqual(put.value, { ShardId: "shardId-000000000000", SequenceNumber: "7" });

    kinesis.answer("GetRecords", { Records: [{ SequenceNumber: "7", ApproximateArrivalTimestamp: T, Data: Buffer.from("hi"), PartitionKey: "pk" }], MillisBehindLatest: 0 });
    const got = await callOn(open, "GetRecords", { ShardIterator: "it" });
    const rec = (got.value.Records as Record<string, unknown>[])[0];
    assert.deepEqual(Buffer.from(rec.Data as Uint8Array).toString(), "hi");
    const ts = rec.ApproximateArrivalTimestamp as { tag: number; value: number };
    assert.equal(ts.tag, 1);
    assert.equal(ts.value, T.getTime());
  });

  test("tag 1 timestamps in seconds (Smithy) or milliseconds (Java SDK) are both read", async () => {
    const open = pipelineAnonymous();
    const at = new Date("2026-01-02T03:04:05Z");
    for (const value of [at.getTime() / 1000, at.getTime()]) {
      await callOn(open, "GetShardIterator", { StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: "AT_TIMESTAMP", Timestamp: tag({ tag: 1, value }) });
      assert.equal((last(kinesis).input.Timestamp as Date).getTime(), at.getTime());
    }
  });

  test("errors are CBOR {__type, message}; a body that is not CBOR is SerializationException", async () => {
    const open = pipelineAnonymous();
    kinesis.answer("DescribeStream", new AwsError("ResourceNotFoundException", "Stream s under account 123456789012 not found."));
    const err = await callOn(open, "DescribeStream", { StreamName: "s" });
    assert.equal(err.status, 400);
    assert.deepEqual(err.value, { __type: "com.amazonaws.kinesis#ResourceNotFoundException", message: "Stream s under account 123456789012 not found." });
    const bad = await open.wire({
      method: "POST", url: "/", body: Buffer.from([0xbf, 0x61]), encrypted: false, signal: () => new AbortController().signal,
      rawHeaders: ["host", "h", "x-amz-target", "Kinesis_20131202.DescribeStream", "content-type", "application/x-amz-cbor-1.1"],
    });
    assert.equal(bad.status, 400);
    assert.equal((cbor.deserialize(bad.body as Buffer) as { __type: string }).__type, "com.amazon.coral.service#SerializationException");
  });
});

/** Hand-built CBOR requests are not signed: a pipeline with an anonymous credential store. */
function pipelineAnonymous(): Handler {
  return createHandler({ services: [kinesis.definition], credentials: new CredentialStore([]), clock: new ManualClock(0), log: createLogger("silent") });
}

/** A CBOR request as the Java SDK sends it: the JSON protocol's target and members, the body in CBOR (here from @smithy/core). */
async function callOn(h: Handler, operation: string, body: unknown) {
  const reply = await h.wire({
    method: "POST", url: "/", body: Buffer.from(cbor.serialize(body)), encrypted: false, signal: () => new AbortController().signal,
    rawHeaders: ["host", "localhost:4566", "x-amz-target", `Kinesis_20131202.${operation}`, "content-type", "application/x-amz-cbor-1.1"],
  });
  assert.ok(Buffer.isBuffer(reply.body));
  return { status: reply.status, headers: reply.headers, value: cbor.deserialize(reply.body as Buffer) as Record<string, unknown> };
}

describe("REST-JSON", () => {
  test("Scheduler CreateSchedule: a {label} from the path, the rest from the body; dates both ways", async () => {
    const cap: Captured = {};
    const client = new SchedulerClient(through(handler, cap));
    scheduler.answer("CreateSchedule", { ScheduleArn: "arn:aws:scheduler:us-east-1:123456789012:schedule/default/my sched" });
    const out = await client.send(new CreateScheduleCommand({
      Name: "my sched", ScheduleExpression: "rate(5 minutes)", FlexibleTimeWindow: { Mode: "OFF" }, StartDate: T, ClientToken: "tok",
      Target: { Arn: "arn:aws:sqs:us-east-1:123456789012:q", RoleArn: "arn:aws:iam::123456789012:role/r", RetryPolicy: { MaximumRetryAttempts: 3 } },
    }));
    assert.equal(cap.request?.method, "POST");
    assert.equal(cap.request?.path, "/schedules/my%20sched");
    const input = last(scheduler).input;
    assert.equal(input.Name, "my sched");
    assert.equal((input.StartDate as Date).getTime(), T.getTime());
    assert.deepEqual(input.Target, { Arn: "arn:aws:sqs:us-east-1:123456789012:q", RoleArn: "arn:aws:iam::123456789012:role/r", RetryPolicy: { MaximumRetryAttempts: 3 } });
    assert.equal(out.ScheduleArn, "arn:aws:scheduler:us-east-1:123456789012:schedule/default/my sched");
  });

  test("Scheduler GetSchedule and ListSchedules: query-string members typed from the model", async () => {
    const client = new SchedulerClient(through(handler));
    scheduler.answer("GetSchedule", { Name: "s", CreationDate: T, State: "ENABLED", FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 } });
    const got = await client.send(new GetScheduleCommand({ Name: "s", GroupName: "g" }));
    assert.deepEqual(last(scheduler), { operation: "GetSchedule", input: { Name: "s", GroupName: "g" } });
    assert.equal(got.CreationDate?.getTime(), T.getTime());
    assert.deepEqual(got.FlexibleTimeWindow, { Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 });
    scheduler.answer("ListSchedules", { Schedules: [] });
    await client.send(new ListSchedulesCommand({ MaxResults: 7, State: "ENABLED", NamePrefix: "a b&c" }));
    assert.deepEqual(last(scheduler), { operation: "ListSchedules", input: { MaxResults: 7, State: "ENABLED", NamePrefix: "a b&c" } });
  });

  test("errors carry x-amzn-errortype; the SDK raises the modelled exception with its status", async () => {
    const cap: Captured = {};
    const client = new SchedulerClient(through(handler, cap));
    scheduler.answer("GetSchedule", new AwsError("ResourceNotFoundException", "Schedule s does not exist.", { status: 404 }));
    await assert.rejects(client.send(new GetScheduleCommand({ Name: "s" })), (e: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(cap.reply?.headers["x-amzn-errortype"], "ResourceNotFoundException");
      assert.equal(e.name, "ResourceNotFoundException");
      assert.equal(e.message, "Schedule s does not exist.");
      assert.equal(e.$metadata.httpStatusCode, 404);
      return true;
    });
  });

  test("Schemas CreateRegistry: JSON names (locationName) differ from member names; the operation's 201", async () => {
    const cap: Captured = {};
    const client = new SchemasClient(through(handler, cap));
    schemas.answer("CreateRegistry", { RegistryArn: "arn:aws:schemas:us-east-1:123456789012:registry/r", RegistryName: "r", Tags: { k: "v" } });
    const out = await client.send(new CreateRegistryCommand({ RegistryName: "r", Description: "d", Tags: { k: "v" } }));
    assert.equal(cap.request?.path, "/v1/registries/name/r");
    assert.equal(cap.reply?.status, 201);
    assert.deepEqual(last(schemas).input, { RegistryName: "r", Description: "d", Tags: { k: "v" } });
    assert.equal(out.RegistryArn, "arn:aws:schemas:us-east-1:123456789012:registry/r");
    assert.deepEqual(out.Tags, { k: "v" });
  });

  test("one path, several services (/tags/{arn}): the credential scope picks the service", async () => {
    const arn = "arn:aws:pipes:us-east-1:123456789012:pipe/p";
    pipes.answer("TagResource", {});
    scheduler.answer("TagResource", {});
    const before = { pipes: pipes.calls.length, scheduler: scheduler.calls.length };
    await new PipesClient(through(handler)).send(new PipesTag({ resourceArn: arn, tags: { a: "1" } }));
    assert.equal(pipes.calls.length, before.pipes + 1);
    assert.deepEqual(last(pipes).input, { resourceArn: arn, tags: { a: "1" } });
    await new SchedulerClient(through(handler)).send(new SchedulerTag({ ResourceArn: "arn:aws:scheduler:us-east-1:123456789012:schedule/default/s", Tags: [{ Key: "a", Value: "1" }] }));
    assert.equal(scheduler.calls.length, before.scheduler + 1);
    assert.deepEqual(last(scheduler).input, { ResourceArn: "arn:aws:scheduler:us-east-1:123456789012:schedule/default/s", Tags: [{ Key: "a", Value: "1" }] });
  });

  test("Pipes CreatePipe: nested structures and maps", async () => {
    const client = new PipesClient(through(handler));
    pipes.answer("CreatePipe", { Arn: "arn:aws:pipes:us-east-1:123456789012:pipe/p", Name: "p", CurrentState: "CREATING", CreationTime: T });
    const out = await client.send(new CreatePipeCommand({
      Name: "p", Source: "arn:aws:sqs:us-east-1:123456789012:src", Target: "arn:aws:sqs:us-east-1:123456789012:dst", RoleArn: "arn:aws:iam::123456789012:role/r",
      SourceParameters: { SqsQueueParameters: { BatchSize: 5 } }, Tags: { team: "x" },
    }));
    assert.deepEqual(last(pipes).input, {
      Name: "p", Source: "arn:aws:sqs:us-east-1:123456789012:src", Target: "arn:aws:sqs:us-east-1:123456789012:dst", RoleArn: "arn:aws:iam::123456789012:role/r",
      SourceParameters: { SqsQueueParameters: { BatchSize: 5 } }, Tags: { team: "x" },
    });
    assert.equal(out.CurrentState, "CREATING");
    assert.equal(out.CreationTime?.getTime(), T.getTime());
  });
});

describe("query", () => {
  test("SNS Publish and ListTopics: form parameters in, XML out", async () => {
    const cap: Captured = {};
    const client = new SNSClient(through(handler, cap));
    sns.answer("Publish", { MessageId: "m-1" });
    const out = await client.send(new PublishCommand({
      TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Message: "hi & <bye>",
      MessageAttributes: { n: { DataType: "Number", StringValue: "5" }, b: { DataType: "Binary", BinaryValue: Buffer.from([1, 2]) } },
    }));
    assert.equal(cap.request?.headers["content-type"], "application/x-www-form-urlencoded");
    assert.deepEqual(last(sns).input, {
      TopicArn: "arn:aws:sns:us-east-1:123456789012:t", Message: "hi & <bye>",
      MessageAttributes: { n: { DataType: "Number", StringValue: "5" }, b: { DataType: "Binary", BinaryValue: Buffer.from([1, 2]) } },
    });
    assert.equal(out.MessageId, "m-1");
    sns.answer("ListTopics", { Topics: [{ TopicArn: "arn:a" }, { TopicArn: "arn:b" }], NextToken: "n" });
    const list = await client.send(new ListTopicsCommand({}));
    assert.deepEqual(list.Topics, [{ TopicArn: "arn:a" }, { TopicArn: "arn:b" }]);
    assert.equal(list.NextToken, "n");
  });

  test("errors: the ErrorResponse envelope, parsed by the SDK", async () => {
    const client = new SNSClient(through(handler));
    sns.answer("ListTopics", new AwsError("AuthorizationError", "User is not authorized.", { status: 403 }));
    await assert.rejects(client.send(new ListTopicsCommand({})), { name: "AuthorizationErrorException", message: "User is not authorized." });
  });
});
