// The pure parts of Task resources: which resource an ARN names, parameter and output shaping, error names, the
// .sync output, and the mock-config file (parsing, invocation ranges, test-case selection).
import assert from "node:assert/strict";
import { test } from "node:test";
import { sqsModel } from "../../../protocol/models/sqs.gen.ts";
import { fromServiceOutput, parseResource, sdkErrorName, toServiceInput } from "./integrations.ts";
import { hasTestCase, mockedOutcome, parseMockConfig, splitTestCase } from "./mock-config.ts";

test("resource ARNs: optimized, aws-sdk, patterns, Lambda, activities, HTTP, unknown", () => {
  assert.deepEqual(parseResource("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), { kind: "optimized", service: "sqs", action: "sendMessage", pattern: "waitForTaskToken" });
  assert.deepEqual(parseResource("arn:aws:states:::states:startExecution.sync:2"), { kind: "optimized", service: "states", action: "startExecution", pattern: "sync:2" });
  assert.deepEqual(parseResource("arn:aws-cn:states:::aws-sdk:sqs:getQueueUrl"), { kind: "aws-sdk", service: "sqs", action: "getQueueUrl", pattern: "request-response" });
  assert.deepEqual(parseResource("arn:aws:lambda:us-east-1:123456789012:function:f:prod"), { kind: "lambda-arn", functionName: "f", qualifier: "prod" });
  assert.equal(parseResource("arn:aws:states:us-east-1:123456789012:activity:a").kind, "activity");
  assert.equal(parseResource("arn:aws:states:::http:invoke").kind, "http");
  for (const bad of ["", "arn:aws:states:::sqs", "arn:aws:states:::sqs:send.Message", "arn:aws:states:::sqs:sendMessage.sync:3", "x".repeat(10_000)]) {
    assert.equal(parseResource(bad).kind, "unknown", bad.slice(0, 40));
  }
});

test("parameters: PascalCase to the model's member names, blobs as base64, a __proto__ key stays a key", () => {
  const input = JSON.parse('{"queueUrl":"u","MessageBody":"b","MessageAttributes":{"__proto__":{"DataType":"String","StringValue":"p"}}}');
  const out = toServiceInput(sqsModel, "SendMessageRequest", input) as Record<string, any>;
  assert.equal(out.QueueUrl, "u");
  assert.deepEqual(Object.keys(out.MessageAttributes), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(out.MessageAttributes), Object.prototype);
  const withBlob = toServiceInput(sqsModel, "SendMessageRequest", { MessageAttributes: { b: { DataType: "Binary", BinaryValue: "hi" } } }) as Record<string, any>;
  assert.equal(withBlob.MessageAttributes.b.BinaryValue, Buffer.from("hi").toString("base64"));
});

test("outputs: members PascalCase, map keys kept, dates ISO, buffers as text", () => {
  const out = fromServiceOutput({ messages: [{ body: "x", messageAttributes: { lower: { stringValue: "v" } } }], when: new Date(0), data: Buffer.from("d") }) as Record<string, any>;
  assert.equal(out.When, "1970-01-01T00:00:00.000Z");
  assert.equal(out.Data, "d");
  assert.equal(out.Messages[0].Body, "x");
  const shaped = fromServiceOutput({ Messages: [{ MessageAttributes: { lower: { StringValue: "v" } } }] }, sqsModel, "ReceiveMessageResult") as Record<string, any>;
  assert.deepEqual(Object.keys(shaped.Messages[0].MessageAttributes), ["lower"]);
});

test("aws-sdk error names: <Service>.<Error>, with the Exception suffix added once", () => {
  assert.equal(sdkErrorName("sqs", "QueueDoesNotExist"), "Sqs.QueueDoesNotExistException");
  assert.equal(sdkErrorName("sfn", "InvalidArn"), "Sfn.InvalidArnException");
  assert.equal(sdkErrorName("kinesis", "ResourceNotFoundException"), "Kinesis.ResourceNotFoundException");
  assert.equal(sdkErrorName("eventbridge", "ResourceNotFoundException"), "EventBridge.ResourceNotFoundException");
});

test("mock config: Return/Throw per invocation and range, test cases by '#', problems named", () => {
  const c = parseMockConfig(JSON.stringify({
    StateMachines: { M: { TestCases: { T: { S: "R" } } } },
    MockedResponses: { R: { "0": { Throw: { Error: "E", Cause: "C" } }, "1-2": { Return: { ok: 1 } } } },
  }));
  assert.deepEqual(mockedOutcome(c, "M", "T", "S", 0), { type: "failed", error: "E", cause: "C" });
  assert.deepEqual(mockedOutcome(c, "M", "T", "S", 2), { type: "succeeded", output: { ok: 1 } });
  assert.equal(mockedOutcome(c, "M", "T", "S", 3)?.type, "failed");
  assert.equal(mockedOutcome(c, "M", "T", "Other", 0), undefined);
  assert.equal(hasTestCase(c, "M", "T"), true);
  assert.equal(hasTestCase(c, "M", "X"), false);
  assert.deepEqual(splitTestCase("arn:aws:states:us-east-1:123456789012:stateMachine:M#T"), { arn: "arn:aws:states:us-east-1:123456789012:stateMachine:M", testCase: "T" });
  for (const [bad, why] of [
    ["{", /not JSON/], ["[]", /StateMachines/], [JSON.stringify({ StateMachines: { M: { TestCases: { T: { S: "missing" } } } } }), /names no MockedResponses/],
    [JSON.stringify({ StateMachines: {}, MockedResponses: { R: { "x": { Return: 1 } } } }), /invocation number/],
    [JSON.stringify({ StateMachines: {}, MockedResponses: { R: { "0": { Return: 1, Throw: { Error: "E" } } } } }), /exactly one of Return or Throw/],
    [JSON.stringify({ StateMachines: {}, MockedResponses: { R: { "3-1": { Return: 1 } } } }), /ends before it starts/],
  ] as const) {
    assert.throws(() => parseMockConfig(bad), why);
  }
});
