// Messages through the JS SDK: SendMessage/ReceiveMessage/DeleteMessage round trips, bodies and attributes of
// every type with their MD5s (the SDK checks body MD5s; attribute MD5s are checked against a reference
// implementation), system attributes, MessageAttributeNames filters, receipt handles, DelaySeconds and
// MessageRetentionPeriod on a ManualClock.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand,
  SetQueueAttributesCommand, type Message, type MessageAttributeValue, type QueueAttributeName,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { md5OfAttributes, md5OfBody } from "../../helpers/md5.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
const { sqs } = useTestServer({ clock });

async function create(name: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

async function receiveAll(QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}): Promise<Message[]> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ...extra }));
  return r.Messages ?? [];
}

async function receiveOne(QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}): Promise<Message> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, ...extra }));
  assert.equal(r.Messages?.length, 1, "expected one message");
  return r.Messages[0];
}

describe("bodies", () => {
  const bodies: [string, string][] = [
    ["plain", "hello"],
    ["CR, LF, CRLF and tab", "line1\r\nline2\rline3\nline4\tend\r"],
    ["unicode", "Grüße, 日本語, Ελληνικά, עברית"],
    ["emoji (astral plane)", "📬 mail 🚀👩‍👩‍👧"],
    ["XML/JSON specials", `<a href="x">&amp; 'q' {"k":[1,2]}</a>`],
    ["range edges", "\u0020\uD7FF\uE000\uFFFD\u{10000}\u{10FFFF}"],
    ["only whitespace", " \t\n"],
  ];
  for (const [label, body] of bodies) {
    test(`${label} round-trips with matching MD5`, async () => {
      const url = await create(`body-${label.replace(/[^a-z]/gi, "")}`);
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      assert.equal(sent.MD5OfMessageBody, md5OfBody(body));
      assert.match(sent.MessageId ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(sent.MD5OfMessageAttributes, undefined);
      assert.equal(sent.MD5OfMessageSystemAttributes, undefined);
      const m = await receiveOne(url);
      assert.equal(m.Body, body);
      assert.equal(m.MD5OfBody, md5OfBody(body));
      assert.equal(m.MessageId, sent.MessageId);
    });
  }

  test("the AWS-recorded MD5 of 'msg'", async () => {
    const url = await create("body-md5");
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "msg" }));
    assert.equal(sent.MD5OfMessageBody, "6e2baaf3b97dbeef01c0043275f9a0e7");
  });

  test("empty body is MissingParameter", async () => {
    const url = await create("body-empty");
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "" })), {
      name: "MissingParameter", code: "MissingParameter", status: 400, message: "The request must contain the parameter MessageBody.",
    });
  });
});

describe("message attributes", () => {
  const attributes: Record<string, MessageAttributeValue> = {
    str: { DataType: "String", StringValue: "foobar" },
    num: { DataType: "Number", StringValue: "-12.5e3" },
    bin: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 254, 255]) },
    "custom.str": { DataType: "String.json", StringValue: '{"a":1}' },
    customNum: { DataType: "Number.int", StringValue: "42" },
    customBin: { DataType: "Binary.png", BinaryValue: Buffer.from("\x89PNG\r\n", "latin1") },
    uni: { DataType: "String", StringValue: "ünï 📬\r\n" },
    "Name_With-Chars.9": { DataType: "String", StringValue: "x" },
  };

  test("String, Number, Binary and custom types round-trip with matching MD5s", async () => {
    const url = await create("attr-types");
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "with attributes", MessageAttributes: attributes }));
    const expected = md5OfAttributes(attributes);
    assert.equal(sent.MD5OfMessageAttributes, expected);
    const m = await receiveOne(url, { MessageAttributeNames: ["All"] });
    assert.equal(m.MD5OfMessageAttributes, expected);
    assert.deepEqual(Object.keys(m.MessageAttributes ?? {}).sort(), Object.keys(attributes).sort());
    for (const [name, a] of Object.entries(attributes)) {
      const got = m.MessageAttributes?.[name];
      assert.equal(got?.DataType, a.DataType, name);
      if (a.BinaryValue) assert.deepEqual(Buffer.from(got?.BinaryValue ?? []), Buffer.from(a.BinaryValue), name);
      else assert.equal(got?.StringValue, a.StringValue, name);
    }
    // The digest the server returned is over what it returned.
    assert.equal(md5OfAttributes(m.MessageAttributes ?? {}), m.MD5OfMessageAttributes);
  });

  test("AWS-recorded attribute digests", async () => {
    const url = await create("attr-vectors");
    const cases: [Record<string, MessageAttributeValue>, string][] = [
      [{ MyAttribute: { DataType: "String", StringValue: "foobar" } }, "adb59cd4678ea5a855436b949cd07ab6"],
      [{ Foo: { DataType: "String", StringValue: "Bar" } }, "ae7155c6026991b6d54b11589678bf9c"],
      [
        { attr1: { DataType: "Binary", BinaryValue: Buffer.from("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01", "latin1") } },
        "8cbe4db156db8a94db8b801b7addb984",
      ],
    ];
    for (const [MessageAttributes, md5] of cases) {
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "v", MessageAttributes }));
      assert.equal(sent.MD5OfMessageAttributes, md5);
      const m = await receiveOne(url, { MessageAttributeNames: ["All"] });
      assert.equal(m.MD5OfMessageAttributes, md5);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
  });

  describe("MessageAttributeNames filter", () => {
    let url: string;
    const trio: Record<string, MessageAttributeValue> = {
      General: { DataType: "String", StringValue: "Kenobi" },
      Hello: { DataType: "String", StringValue: "There" },
      "Help.Me": { DataType: "String", StringValue: "Me" },
    };
    before(async () => {
      url = await create("attr-filter", { VisibilityTimeout: "0" });
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "filter me", MessageAttributes: trio }));
      assert.equal(sent.MD5OfMessageAttributes, "4c360f3fdafd970e05fae2f149d997f5");
    });
    const cases: [string[] | undefined, string[], string | undefined][] = [
      [["All"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"],
      [[".*"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"],
      [["*"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"],
      [["Hello"], ["Hello"], "a311262e065454b75da111d535b8dacd"],
      [["Hel.*"], ["Hello", "Help.Me"], "83fee93c1bcd8b9a5a923ffacdc636c7"],
      [["General", "Hello"], ["General", "Hello"], "fca026605781cb4126a1e9044df24232"],
      [["General", "Hello", "Unknown"], ["General", "Hello"], "fca026605781cb4126a1e9044df24232"],
      [["Unknown"], [], undefined],
      [["hello"], [], undefined],
      [["AWS."], [], undefined],
      [["..foo"], [], undefined],
      [[], [], undefined],
      [undefined, [], undefined],
    ];
    for (const [names, expected, md5] of cases) {
      test(`${JSON.stringify(names)} returns ${JSON.stringify(expected)}`, async () => {
        const m = await receiveOne(url, names ? { MessageAttributeNames: names } : {});
        assert.deepEqual(Object.keys(m.MessageAttributes ?? {}).sort(), expected);
        assert.equal(m.MD5OfMessageAttributes, md5);
      });
    }
  });

  test("AWSTraceHeader system attribute: MD5OfMessageSystemAttributes and returned on receive", async () => {
    const url = await create("attr-trace");
    const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    const sent = await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: "traced",
      MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: trace } },
    }));
    assert.equal(sent.MD5OfMessageSystemAttributes, md5OfAttributes({ AWSTraceHeader: { DataType: "String", StringValue: trace } }));
    assert.equal(sent.MD5OfMessageAttributes, undefined);
    const m = await receiveOne(url, { MessageSystemAttributeNames: ["AWSTraceHeader"] });
    assert.deepEqual(m.Attributes, { AWSTraceHeader: trace });
    assert.equal(m.MessageAttributes, undefined);
  });
});

describe("system attributes", () => {
  test("SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp and SenderId", async () => {
    const url = await create("sys-attrs", { VisibilityTimeout: "5" });
    const sentAt = clock.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "s" }));
    clock.advance(1_500);
    const firstAt = clock.now();
    const m1 = await receiveOne(url, { MessageSystemAttributeNames: ["All"] });
    assert.deepEqual(m1.Attributes, {
      SenderId: TEST_CREDENTIALS.accessKeyId,
      SentTimestamp: String(sentAt),
      ApproximateReceiveCount: "1",
      ApproximateFirstReceiveTimestamp: String(firstAt),
    });
    clock.advance(5_000);
    const m2 = await receiveOne(url, { AttributeNames: ["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"] as string[] as QueueAttributeName[] });
    assert.deepEqual(m2.Attributes, { ApproximateReceiveCount: "2", ApproximateFirstReceiveTimestamp: String(firstAt) });
    clock.advance(5_000);
    const m3 = await receiveOne(url, { AttributeNames: ["SentTimestamp"] as string[] as QueueAttributeName[], MessageSystemAttributeNames: ["SenderId"] });
    assert.deepEqual(m3.Attributes, { SentTimestamp: String(sentAt), SenderId: TEST_CREDENTIALS.accessKeyId });
  });

  test("All includes AWSTraceHeader only when it was sent", async () => {
    const url = await create("sys-all");
    await sqs.send(new SendMessageCommand({
      QueueUrl: url, MessageBody: "t", MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } },
    }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "u" }));
    const ms = await receiveAll(url, { AttributeNames: ["All"] });
    const byBody = Object.fromEntries(ms.map((m) => [m.Body, m.Attributes ?? {}]));
    assert.equal(byBody.t.AWSTraceHeader, "Root=1-abc");
    assert.equal("AWSTraceHeader" in byBody.u, false);
    assert.deepEqual(Object.keys(byBody.u).sort(), ["ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"]);
  });

  test("no attribute names gives no Attributes", async () => {
    const url = await create("sys-none");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    const m = await receiveOne(url);
    assert.equal(m.Attributes, undefined);
  });

  test("a system attribute other than AWSTraceHeader cannot be sent", async () => {
    const url = await create("sys-bad");
    await rejectsAws(
      sqs.send(new SendMessageCommand({
        QueueUrl: url, MessageBody: "x",
        MessageSystemAttributes: { SenderId: { DataType: "String", StringValue: "me" } } as never,
      })),
      { name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400 },
    );
  });
});

describe("standard-queue parameters", () => {
  test("MessageGroupId is accepted (fair queues) and returned as a system attribute", async () => {
    const url = await create("std-group");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "g", MessageGroupId: "tenant-1" }));
    const m = await receiveOne(url, { MessageSystemAttributeNames: ["MessageGroupId"] });
    assert.deepEqual(m.Attributes, { MessageGroupId: "tenant-1" });
  });

  test("an invalid MessageGroupId is InvalidParameterValue", async () => {
    const url = await create("std-group-bad");
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "g", MessageGroupId: "has space" })), {
      name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400,
      message: "Value has space for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
    });
  });

  test("MessageDeduplicationId is not valid for a standard queue", async () => {
    const url = await create("std-dedup");
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "d", MessageDeduplicationId: "d1" })), {
      name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400,
      message: "Value d1 for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.",
    });
  });

  test("MessageAttributeNames All on a message without attributes gives neither attributes nor digest", async () => {
    const url = await create("std-noattrs");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "plain" }));
    const m = await receiveOne(url, { MessageAttributeNames: ["All"] });
    assert.equal(m.MessageAttributes, undefined);
    assert.equal(m.MD5OfMessageAttributes, undefined);
  });
});

describe("receive and delete", () => {
  test("MaxNumberOfMessages caps the batch; oldest first", async () => {
    const url = await create("rcv-max");
    for (let i = 0; i < 15; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
    const one = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(one.Messages?.length, 1);
    assert.equal(one.Messages?.[0].Body, "m0");
    const three = await receiveAll(url, { MaxNumberOfMessages: 3 });
    assert.deepEqual(three.map((m) => m.Body), ["m1", "m2", "m3"]);
    const ten = await receiveAll(url, { MaxNumberOfMessages: 10 });
    assert.equal(ten.length, 10);
    const rest = await receiveAll(url);
    assert.deepEqual(rest.map((m) => m.Body), ["m14"]);
    assert.deepEqual(await receiveAll(url), []);
  });

  test("an empty queue gives no Messages", async () => {
    const url = await create("rcv-empty");
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.equal(r.Messages, undefined);
  });

  test("DeleteMessage removes it for good", async () => {
    const url = await create("del-basic", { VisibilityTimeout: "1" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "bye" }));
    const m = await receiveOne(url);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    clock.advance(2_000);
    assert.deepEqual(await receiveAll(url), []);
    // Deleting again with the same handle still succeeds (AWS-validated).
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  });

  test("receipt handles change on every receive; a stale handle's delete succeeds but deletes nothing", async () => {
    const url = await create("del-stale", { VisibilityTimeout: "10" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    const first = await receiveOne(url);
    clock.advance(10_000);
    const second = await receiveOne(url);
    assert.equal(second.MessageId, first.MessageId);
    assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    clock.advance(10_000);
    const third = await receiveOne(url);
    assert.equal(third.MessageId, first.MessageId);
    assert.notEqual(third.ReceiptHandle, second.ReceiptHandle);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third.ReceiptHandle }));
    clock.advance(10_000);
    assert.deepEqual(await receiveAll(url), []);
  });

  test("the latest handle deletes even after its visibility expired (no re-receive)", async () => {
    const url = await create("del-expired", { VisibilityTimeout: "5" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    const m = await receiveOne(url);
    clock.advance(6_000);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    assert.deepEqual(await receiveAll(url), []);
  });

  test("an invalid receipt handle is ReceiptHandleIsInvalid", async () => {
    const url = await create("del-invalid");
    await rejectsAws(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "garbage" })), {
      name: "ReceiptHandleIsInvalid",
      code: "ReceiptHandleIsInvalid",
      status: 404,
      message: 'The input receipt handle "garbage" is not a valid receipt handle.',
    });
  });

  test("a handle from another queue is ReceiptHandleIsInvalid", async () => {
    const a = await create("del-cross-a");
    const b = await create("del-cross-b");
    await sqs.send(new SendMessageCommand({ QueueUrl: a, MessageBody: "x" }));
    const m = await receiveOne(a);
    await rejectsAws(sqs.send(new DeleteMessageCommand({ QueueUrl: b, ReceiptHandle: m.ReceiptHandle })), { name: "ReceiptHandleIsInvalid" });
  });

  test("an empty receipt handle is MissingParameter", async () => {
    const url = await create("del-empty");
    await rejectsAws(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "" })), {
      name: "MissingParameter", status: 400,
    });
  });
});

describe("DelaySeconds", () => {
  test("per message: invisible until the delay has passed", async () => {
    const url = await create("delay-msg");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 30 }));
    assert.deepEqual(await receiveAll(url), []);
    clock.advance(29_999);
    assert.deepEqual(await receiveAll(url), []);
    clock.advance(1);
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["later"]);
  });

  test("per queue, and a message's own DelaySeconds (even 0) overrides it", async () => {
    const url = await create("delay-queue", { DelaySeconds: "20", VisibilityTimeout: "3600" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "queue-delay" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "no-delay", DelaySeconds: 0 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "long-delay", DelaySeconds: 40 }));
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["no-delay"]);
    clock.advance(20_000);
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["queue-delay"]);
    clock.advance(20_000);
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["long-delay"]);
  });

  test("changing the queue's DelaySeconds affects only later messages", async () => {
    const url = await create("delay-change", { VisibilityTimeout: "3600" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "before" }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "60" } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "after" }));
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["before"]);
    clock.advance(60_000);
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["after"]);
  });

  test("900 is accepted, 901 and -1 are InvalidParameterValue", async () => {
    const url = await create("delay-limits");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "max", DelaySeconds: 900 }));
    for (const DelaySeconds of [901, -1]) {
      await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", DelaySeconds })), {
        name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400,
        message: `Value ${DelaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
      });
    }
  });
});

describe("MessageRetentionPeriod", () => {
  test("messages older than the retention period are gone (never received, not counted)", async () => {
    const url = await create("ret-basic", { MessageRetentionPeriod: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "old" }));
    clock.advance(30_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "young" }));
    clock.advance(30_001);
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(a.Attributes?.ApproximateNumberOfMessages, "1");
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), ["young"]);
  });

  test("an in-flight message expires too", async () => {
    const url = await create("ret-inflight", { MessageRetentionPeriod: "60", VisibilityTimeout: "120" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    await receiveOne(url);
    clock.advance(120_000);
    assert.deepEqual(await receiveAll(url), []);
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
    assert.equal(a.Attributes?.ApproximateNumberOfMessages, "0");
    assert.equal(a.Attributes?.ApproximateNumberOfMessagesNotVisible, "0");
  });

  test("shortening the period applies to messages already in the queue", async () => {
    const url = await create("ret-shorten");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    clock.advance(61_000);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MessageRetentionPeriod: "60" } }));
    assert.deepEqual(await receiveAll(url), []);
  });
});
