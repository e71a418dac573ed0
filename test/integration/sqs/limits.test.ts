// Limits through the JS SDK, each answered with the AWS error: message size (1 MiB, a lower queue
// MaximumMessageSize, attributes counted), body characters, message attributes (count, names, types, values),
// ReceiveMessage parameter ranges, and missing parameters. None of these may be a 500.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand, type MessageAttributeValue,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const MiB = 1_048_576;
const INVALID_CHARS =
  "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF";

let server: Mailroom;
let sqs: SQSClient;
let url: string;

before(async () => {
  server = await startTestServer();
  sqs = sqsClient(server.endpoint);
  url = (await sqs.send(new CreateQueueCommand({ QueueName: "limits" }))).QueueUrl ?? "";
});
after(() => server.close());

function send(MessageBody: string, MessageAttributes?: Record<string, MessageAttributeValue>, QueueUrl = url) {
  return sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageAttributes }));
}

const invalidParam = { name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400, fault: "client" } as const;

describe("message size", () => {
  test("a body of exactly 1 MiB is accepted and received whole", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "limits-big" }));
    await send("a".repeat(MiB), undefined, QueueUrl);
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(r.Messages?.[0].Body?.length, MiB);
  });

  test("1 MiB + 1 byte is InvalidParameterValue", async () => {
    await rejectsAws(send("a".repeat(MiB + 1)), {
      ...invalidParam, message: `One or more parameters are invalid. Reason: Message must be shorter than ${MiB} bytes.`,
    });
  });

  test("size counts UTF-8 bytes, not characters", async () => {
    // 'é' is 2 bytes: MiB/2 + 1 of them are MiB + 2 bytes.
    await rejectsAws(send("é".repeat(MiB / 2 + 1)), { ...invalidParam, message: /Message must be shorter than 1048576 bytes/ });
  });

  test("attribute names, types and values count toward the size", async () => {
    // name "k" (1) + type "String" (6) + value "v" (1) = 8 bytes.
    await send("a".repeat(MiB - 8), { k: { DataType: "String", StringValue: "v" } });
    await rejectsAws(send("a".repeat(MiB - 7), { k: { DataType: "String", StringValue: "v" } }), invalidParam);
  });

  test("a lower queue MaximumMessageSize is enforced with its own number", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "limits-small", Attributes: { MaximumMessageSize: "1024" } }));
    await send("a".repeat(1024), undefined, QueueUrl);
    await rejectsAws(send("a".repeat(1025), undefined, QueueUrl), {
      ...invalidParam, message: "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MaximumMessageSize: "2048" } }));
    await send("a".repeat(2048), undefined, QueueUrl);
  });

  test("a request body far above the limit is still an AWS error, not a dropped connection", async () => {
    await rejectsAws(send("a".repeat(3 * MiB)), { status: 400, fault: "client" });
  });
});

describe("body characters", () => {
  for (const [label, body] of [
    ["NUL", "a\u0000b"], ["backspace", "a\u0008b"], ["vertical tab", "\u000b"], ["U+FFFE", "x\uFFFE"], ["U+FFFF", "\uFFFF"],
    ["lone high surrogate", "a\uD800b"], ["lone low surrogate", "\uDC00"],
  ] as const) {
    test(`${label} is InvalidMessageContents`, async () => {
      await rejectsAws(send(body), {
        name: "InvalidMessageContents", code: "InvalidMessageContents", status: 400, message: INVALID_CHARS,
      });
    });
  }

  test("an invalid character in a String attribute value is rejected too", async () => {
    await rejectsAws(send("ok", { a: { DataType: "String", StringValue: "bad\u0001" } }), { status: 400, fault: "client" });
  });
});

describe("message attributes", () => {
  const many = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`a${i}`, { DataType: "String", StringValue: "v" }]));

  test("10 attributes are accepted, 11 are InvalidParameterValue", async () => {
    await send("ten", many(10));
    await rejectsAws(send("eleven", many(11)), invalidParam);
  });

  for (const name of ["AWS.foo", "aws.foo", "Amazon.bar", "AMAZON.bar"]) {
    test(`reserved name ${name} is InvalidParameterValue`, async () => {
      await rejectsAws(send("x", { [name]: { DataType: "String", StringValue: "v" } }), invalidParam);
    });
  }

  for (const name of [".start", "end.", "dou..ble", "sp ace", "star*", "ünï", "x".repeat(257)]) {
    test(`invalid name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 5)}…(${name.length})` : name)} is InvalidParameterValue`, async () => {
      await rejectsAws(send("x", { [name]: { DataType: "String", StringValue: "v" } }), invalidParam);
    });
  }

  test("a 256-character name is accepted", async () => {
    await send("x", { ["n".repeat(256)]: { DataType: "String", StringValue: "v" } });
  });

  test("an empty String value is InvalidParameterValue with AWS's message", async () => {
    await rejectsAws(send("x", { ErrorDetails: { DataType: "String", StringValue: "" } }), {
      ...invalidParam, message: "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
    });
  });

  test("a missing value is InvalidParameterValue", async () => {
    await rejectsAws(send("x", { a: { DataType: "String" } }), invalidParam);
  });

  test("an empty Binary value is InvalidParameterValue", async () => {
    await rejectsAws(send("x", { b: { DataType: "Binary", BinaryValue: new Uint8Array(0) } }), invalidParam);
  });

  test("an empty Number value is InvalidParameterValue", async () => {
    await rejectsAws(send("x", { n: { DataType: "Number", StringValue: "" } }), invalidParam);
  });

  for (const value of ["abc", "1.2.3", "--1", "1e", "0x10", "1".repeat(39)]) {
    test(`Number value ${JSON.stringify(value.length > 20 ? `${value.slice(0, 5)}…(${value.length})` : value)} is InvalidParameterValue`, async () => {
      await rejectsAws(send("x", { n: { DataType: "Number", StringValue: value } }), invalidParam);
    });
  }

  for (const value of ["0", "-1", "3.14", "1e10", "-2.5E-3", "1".repeat(38)]) {
    test(`Number value ${JSON.stringify(value.length > 20 ? `${value.slice(0, 5)}…(${value.length})` : value)} is accepted`, async () => {
      await send("x", { n: { DataType: "Number", StringValue: value } });
    });
  }

  for (const type of ["", "Str", "string", "Integer", "Blob"]) {
    test(`DataType ${JSON.stringify(type)} is InvalidParameterValue`, async () => {
      await rejectsAws(send("x", { a: { DataType: type, StringValue: "v" } }), invalidParam);
    });
  }

  test("a String attribute with a BinaryValue is InvalidParameterValue", async () => {
    await rejectsAws(send("x", { a: { DataType: "String", BinaryValue: new Uint8Array([1]) } }), invalidParam);
  });

  test("StringListValues are UnsupportedOperation", async () => {
    await rejectsAws(send("x", { a: { DataType: "String", StringListValues: ["a"] } }), {
      name: "UnsupportedOperation", code: "AWS.SimpleQueueService.UnsupportedOperation", status: 400,
    });
  });
});

describe("ReceiveMessage parameters", () => {
  for (const v of [0, 11, -1]) {
    test(`MaxNumberOfMessages ${v} is InvalidParameterValue`, async () => {
      await rejectsAws(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: v })), {
        ...invalidParam, message: `Value ${v} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      });
    });
  }

  for (const v of [21, -1]) {
    test(`WaitTimeSeconds ${v} is InvalidParameterValue`, async () => {
      await rejectsAws(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: v })), {
        ...invalidParam, message: `Value ${v} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      });
    });
  }

  test("VisibilityTimeout 43201 is InvalidParameterValue", async () => {
    await rejectsAws(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 43_201 })), invalidParam);
  });

  test("an unknown system attribute name is InvalidAttributeName", async () => {
    await rejectsAws(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["Foobar" as never] })), {
      name: "InvalidAttributeName", code: "InvalidAttributeName", status: 400,
    });
  });
});

describe("missing and malformed parameters", () => {
  test("SendMessage without QueueUrl is QueueDoesNotExist", async () => {
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: undefined as never, MessageBody: "x" })), {
      name: "QueueDoesNotExist", code: "AWS.SimpleQueueService.NonExistentQueue", status: 400,
    });
  });

  test("SendMessage without MessageBody is MissingParameter", async () => {
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: undefined as never })), {
      name: "MissingParameter", code: "MissingParameter", status: 400, message: "The request must contain the parameter MessageBody.",
    });
  });

  test("GetQueueUrl without QueueName is InvalidParameterValue", async () => {
    const { GetQueueUrlCommand } = await import("@aws-sdk/client-sqs");
    await rejectsAws(sqs.send(new GetQueueUrlCommand({ QueueName: undefined as never })), invalidParam);
  });

  test("a queue URL of another shape is an AWS error", async () => {
    const err = await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: `${server.endpoint}/not/a/queue/url`, MessageBody: "x" })), {
      fault: "client",
    });
    assert.ok([400, 404].includes((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0));
  });
});
