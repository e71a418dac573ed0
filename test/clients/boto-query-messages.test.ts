// Messages through boto3 1.26 (Debian) over the SQS query protocol: SendMessage(+Batch) with every attribute type
// and awkward bodies (the XML escaping must keep the MD5s the driver checks right), ReceiveMessage options and long
// polling, DeleteMessage(+Batch), ChangeMessageVisibility(+Batch), redrive to a dead-letter queue, and the errors.
// Time moves only by a ManualClock; nothing sleeps.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ManualClock, type Mailroom } from "../../src/index.ts";
import type { TimerHandle } from "../../src/engine/clock.ts";
import { startTestServer } from "../helpers/server.ts";
import { bytes, startBoto, type Boto } from "./boto.ts";

/** A ManualClock that tells a test when someone starts waiting for a given time (a long poll). */
class WatchedClock extends ManualClock {
  private watchers: { ms: number; resolve: () => void }[] = [];
  setTimer(ms: number, fn: () => void): TimerHandle {
    const h = super.setTimer(ms, fn);
    for (const w of this.watchers.filter((x) => x.ms === ms)) {
      this.watchers.splice(this.watchers.indexOf(w), 1);
      w.resolve();
    }
    return h;
  }
  /** Resolves when a timer of exactly ms is set. */
  timerSet(ms: number): Promise<void> {
    return new Promise((resolve) => this.watchers.push({ ms, resolve }));
  }
}

let server: Mailroom;
let boto: Boto;
let side: Boto; // a second client, for calls made while the first is blocked in a long poll
const clock = new WatchedClock();

before(async () => {
  server = await startTestServer({ clock });
  [boto, side] = await Promise.all([startBoto(server.endpoint), startBoto(server.endpoint)]);
});
after(async () => {
  boto?.close();
  side?.close();
  await server?.close();
});

let n = 0;
async function newQueue(attributes: Record<string, string> = {}): Promise<string> {
  const r = await boto.call("create_queue", { QueueName: `msg-${++n}`, Attributes: attributes });
  return r.QueueUrl as string;
}

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

async function receiveAll(url: string, extra: Record<string, unknown> = {}) {
  const r = await boto.call("receive_message", { QueueUrl: url, MaxNumberOfMessages: 10, ...extra });
  return (r.Messages ?? []) as Record<string, any>[];
}

describe("SendMessage and ReceiveMessage", () => {
  test("bodies with CR, CRLF, markup, entities, unicode and emoji come back byte for byte", async () => {
    const url = await newQueue();
    const bodies = [
      "plain",
      "carriage\rreturn",
      "crlf\r\nline\r\n",
      "\r",
      "lf\nonly",
      "tab\there",
      "<tag attr=\"x\">&amp; & &lt; </tag> ]]> <![CDATA[x]]>",
      "'single' \"double\"",
      "ünïcødé ✓ 中文 עברית",
      "emoji 😀👍🏽 and astral 𝄞",
      "  leading and trailing spaces  ",
      "\uE000\uFFFD\u{10FFFF}",
      "x".repeat(10_000),
    ];
    for (const body of bodies) {
      const sent = await boto.call("send_message", { QueueUrl: url, MessageBody: body });
      assert.equal(sent.MD5OfMessageBody, md5(body));
      assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
      const [m, ...rest] = await receiveAll(url);
      assert.equal(rest.length, 0);
      assert.equal(m.Body, body);
      assert.equal(m.MD5OfBody, md5(body));
      assert.equal(m.MessageId, sent.MessageId);
      await boto.call("delete_message", { QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
    }
  });

  test("message attributes of String, Number, Binary and custom types", async () => {
    const url = await newQueue();
    const attrs = {
      s: { DataType: "String", StringValue: "text with \r\n & <xml> é 😀" },
      n: { DataType: "Number", StringValue: "-12.5e3" },
      int: { DataType: "Number.int", StringValue: "42" },
      b: { DataType: "Binary", BinaryValue: bytes(Buffer.from([0, 1, 2, 0xfe, 0xff, 13, 10])) },
      custom: { DataType: "String.custom-type", StringValue: "v" },
      img: { DataType: "Binary.gif", BinaryValue: bytes("GIF89a") },
      "dotted.name-x_y": { DataType: "String", StringValue: "dots" },
    };
    const sent = await boto.call("send_message", { QueueUrl: url, MessageBody: "attrs", MessageAttributes: attrs });
    assert.ok(sent.MD5OfMessageAttributes);
    const [m] = await receiveAll(url, { MessageAttributeNames: ["All"] });
    assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
    assert.deepEqual(m.MessageAttributes, {
      s: { DataType: "String", StringValue: "text with \r\n & <xml> é 😀" },
      n: { DataType: "Number", StringValue: "-12.5e3" },
      int: { DataType: "Number.int", StringValue: "42" },
      b: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 0xfe, 0xff, 13, 10]).toString("base64") },
      custom: { DataType: "String.custom-type", StringValue: "v" },
      img: { DataType: "Binary.gif", BinaryValue: Buffer.from("GIF89a").toString("base64") },
      "dotted.name-x_y": { DataType: "String", StringValue: "dots" },
    });
  });

  test("MD5OfMessageAttributes matches AWS's recorded values", async () => {
    const url = await newQueue();
    const sent = await boto.call("send_message", { QueueUrl: url, MessageBody: "msg", MessageAttributes: { MyAttribute: { DataType: "String", StringValue: "foobar" } } });
    assert.equal(sent.MD5OfMessageBody, "6e2baaf3b97dbeef01c0043275f9a0e7");
    assert.equal(sent.MD5OfMessageAttributes, "adb59cd4678ea5a855436b949cd07ab6");
    const bin = await boto.call("send_message", {
      QueueUrl: url,
      MessageBody: "msg",
      MessageAttributes: { attr1: { DataType: "Binary", BinaryValue: bytes("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01") } },
    });
    assert.equal(bin.MD5OfMessageAttributes, "8cbe4db156db8a94db8b801b7addb984");
  });

  test("MessageAttributeNames: All, .*, exact names and prefix.* select attributes; MD5 over the returned subset", async () => {
    const url = await newQueue();
    const attrs = {
      General: { DataType: "String", StringValue: "Kenobi" },
      Hello: { DataType: "String", StringValue: "There" },
      "Help.Me": { DataType: "String", StringValue: "Me" },
    };
    const sent = await boto.call("send_message", { QueueUrl: url, MessageBody: "filters", MessageAttributes: attrs });
    assert.equal(sent.MD5OfMessageAttributes, "4c360f3fdafd970e05fae2f149d997f5");
    const cases: [string[] | undefined, string[], string | undefined][] = [
      [["All"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"],
      [[".*"], ["General", "Hello", "Help.Me"], "4c360f3fdafd970e05fae2f149d997f5"],
      [["Hel.*"], ["Hello", "Help.Me"], "83fee93c1bcd8b9a5a923ffacdc636c7"],
      [["General", "Hello"], ["General", "Hello"], "fca026605781cb4126a1e9044df24232"],
      [["Hello", "Nope"], ["Hello"], "a311262e065454b75da111d535b8dacd"],
      [["Nope"], [], undefined],
      [undefined, [], undefined],
    ];
    for (const [names, expected, digest] of cases) {
      const r = await boto.call("receive_message", { QueueUrl: url, VisibilityTimeout: 0, ...(names ? { MessageAttributeNames: names } : {}) });
      const m = r.Messages[0];
      assert.deepEqual(Object.keys(m.MessageAttributes ?? {}).sort(), expected, String(names));
      assert.equal(m.MD5OfMessageAttributes, digest, String(names));
    }
  });

  test("AWSTraceHeader as a message system attribute", async () => {
    const url = await newQueue();
    const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    const sent = await boto.call("send_message", {
      QueueUrl: url,
      MessageBody: "traced",
      MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: trace } },
    });
    assert.equal(sent.MD5OfMessageAttributes, undefined);
    // The same digest algorithm over the system attributes.
    const encoded = Buffer.concat([
      lp("AWSTraceHeader"), lp("String"), Buffer.from([1]), lp(trace),
    ]);
    assert.equal(sent.MD5OfMessageSystemAttributes, createHash("md5").update(encoded).digest("hex"));
    const [m] = await receiveAll(url, { AttributeNames: ["AWSTraceHeader"] });
    assert.deepEqual(m.Attributes, { AWSTraceHeader: trace });
    const bad = await boto.fail("send_message", {
      QueueUrl: url,
      MessageBody: "x",
      MessageSystemAttributes: { AWSTraceHeader: { DataType: "Number", StringValue: "1" } },
    });
    assert.equal(bad.Code, "InvalidParameterValue");
  });

  test("AttributeNames All gives the system attributes of a standard message", async () => {
    const url = await newQueue();
    const sentAt = clock.now();
    await boto.call("send_message", { QueueUrl: url, MessageBody: "sys" });
    clock.advance(1500);
    const [m] = await receiveAll(url, { AttributeNames: ["All"], VisibilityTimeout: 0 });
    assert.deepEqual(m.Attributes, {
      SenderId: "AKIDTEST",
      SentTimestamp: String(sentAt),
      ApproximateReceiveCount: "1",
      ApproximateFirstReceiveTimestamp: String(sentAt + 1500),
    });
    clock.advance(1000);
    const [again] = await receiveAll(url, { AttributeNames: ["ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"] });
    assert.deepEqual(again.Attributes, { ApproximateReceiveCount: "2", ApproximateFirstReceiveTimestamp: String(sentAt + 1500) });
    const e = await boto.fail("receive_message", { QueueUrl: url, AttributeNames: ["Bogus"] });
    assert.deepEqual([e.Code, e.Message], ["InvalidAttributeName", "Unknown Attribute Bogus."]);
  });

  test("MaxNumberOfMessages bounds how many come back", async () => {
    const url = await newQueue();
    for (let i = 0; i < 12; i++) await boto.call("send_message", { QueueUrl: url, MessageBody: `m${i}` });
    assert.equal((await boto.call("receive_message", { QueueUrl: url })).Messages.length, 1);
    assert.equal((await boto.call("receive_message", { QueueUrl: url, MaxNumberOfMessages: 3 })).Messages.length, 3);
    assert.equal((await boto.call("receive_message", { QueueUrl: url, MaxNumberOfMessages: 10 })).Messages.length, 8);
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url, MaxNumberOfMessages: 10 }), {});
    for (const bad of [0, 11]) {
      const e = await boto.fail("receive_message", { QueueUrl: url, MaxNumberOfMessages: bad });
      assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], [
        "InvalidParameterValue",
        `Value ${bad} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
        400,
      ]);
    }
  });

  test("VisibilityTimeout 0 leaves messages visible but returns each once per receive", async () => {
    const url = await newQueue();
    for (const b of ["a", "b"]) await boto.call("send_message", { QueueUrl: url, MessageBody: b });
    for (const count of ["1", "2"]) {
      const got = await receiveAll(url, { VisibilityTimeout: 0, AttributeNames: ["ApproximateReceiveCount"] });
      assert.deepEqual(got.map((m) => [m.Body, m.Attributes.ApproximateReceiveCount]).sort(), [["a", count], ["b", count]]);
    }
  });

  test("VisibilityTimeout hides a received message until it runs out", async () => {
    const url = await newQueue({ VisibilityTimeout: "30" });
    await boto.call("send_message", { QueueUrl: url, MessageBody: "vis" });
    const [m1] = await receiveAll(url, { VisibilityTimeout: 5 });
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    clock.advance(4_999);
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    clock.advance(1);
    // Without VisibilityTimeout the queue's 30 s applies.
    const [m2] = await receiveAll(url, { AttributeNames: ["ApproximateReceiveCount"] });
    assert.equal(m2.MessageId, m1.MessageId);
    assert.notEqual(m2.ReceiptHandle, m1.ReceiptHandle);
    assert.equal(m2.Attributes.ApproximateReceiveCount, "2");
    clock.advance(29_999);
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    clock.advance(1);
    assert.equal((await receiveAll(url)).length, 1);
    const e = await boto.fail("receive_message", { QueueUrl: url, VisibilityTimeout: 43_201 });
    assert.equal(e.Code, "InvalidParameterValue");
  });

  test("DelaySeconds delays a message", async () => {
    const url = await newQueue();
    await boto.call("send_message", { QueueUrl: url, MessageBody: "later", DelaySeconds: 10 });
    const attrs = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessagesDelayed"] });
    assert.equal(attrs.Attributes.ApproximateNumberOfMessagesDelayed, "1");
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    clock.advance(10_000);
    assert.equal((await receiveAll(url))[0].Body, "later");
  });
});

describe("long polling (WaitTimeSeconds)", () => {
  test("a waiting receive returns the message sent while it waits", async () => {
    const url = await newQueue();
    const waiting = clock.timerSet(20_000);
    const poll = boto.call("receive_message", { QueueUrl: url, WaitTimeSeconds: 20, MessageAttributeNames: ["All"] });
    await waiting;
    clock.advance(19_000);
    await side.call("send_message", { QueueUrl: url, MessageBody: "woke you", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } });
    const r = await poll;
    assert.equal(r.Messages.length, 1);
    assert.equal(r.Messages[0].Body, "woke you");
    assert.equal(r.Messages[0].MessageAttributes.k.StringValue, "v");
  });

  test("an empty queue answers with no messages when the wait runs out", async () => {
    const url = await newQueue();
    const waiting = clock.timerSet(5_000);
    const poll = boto.call("receive_message", { QueueUrl: url, WaitTimeSeconds: 5 });
    await waiting;
    clock.advance(5_000);
    assert.deepEqual(await poll, {});
  });

  test("the queue's ReceiveMessageWaitTimeSeconds applies when the request has none", async () => {
    const url = await newQueue({ ReceiveMessageWaitTimeSeconds: "7" });
    const waiting = clock.timerSet(7_000);
    const poll = boto.call("receive_message", { QueueUrl: url });
    await waiting;
    clock.advance(7_000);
    assert.deepEqual(await poll, {});
  });

  test("WaitTimeSeconds out of range", async () => {
    const url = await newQueue();
    for (const bad of [21, -1]) {
      const e = await boto.fail("receive_message", { QueueUrl: url, WaitTimeSeconds: bad });
      assert.deepEqual([e.Code, e.Message], ["InvalidParameterValue", `Value ${bad} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`]);
    }
  });
});

describe("DeleteMessage and ChangeMessageVisibility", () => {
  test("DeleteMessage removes the message; a used handle is accepted again", async () => {
    const url = await newQueue();
    await boto.call("send_message", { QueueUrl: url, MessageBody: "del" });
    const [m] = await receiveAll(url, { VisibilityTimeout: 0 });
    assert.deepEqual(await boto.call("delete_message", { QueueUrl: url, ReceiptHandle: m.ReceiptHandle }), {});
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    assert.deepEqual(await boto.call("delete_message", { QueueUrl: url, ReceiptHandle: m.ReceiptHandle }), {});
  });

  test("a malformed receipt handle is ReceiptHandleIsInvalid", async () => {
    const url = await newQueue();
    const e = await boto.fail("delete_message", { QueueUrl: url, ReceiptHandle: "garbage" });
    assert.deepEqual(e, {
      Code: "ReceiptHandleIsInvalid",
      Message: 'The input receipt handle "garbage" is not a valid receipt handle.',
      Type: "Sender",
      QueryErrorCode: null,
      HTTPStatusCode: 404,
    });
    const c = await boto.fail("change_message_visibility", { QueueUrl: url, ReceiptHandle: "garbage", VisibilityTimeout: 10 });
    assert.deepEqual([c.Code, c.Message], ["ReceiptHandleIsInvalid", 'The input receipt handle "garbage" is not a valid receipt handle.']);
    // A handle from another queue is not valid here either.
    const other = await newQueue();
    await boto.call("send_message", { QueueUrl: other, MessageBody: "x" });
    const [m] = await receiveAll(other);
    assert.equal((await boto.fail("delete_message", { QueueUrl: url, ReceiptHandle: m.ReceiptHandle })).Code, "ReceiptHandleIsInvalid");
  });

  test("ChangeMessageVisibility extends or ends the invisibility", async () => {
    const url = await newQueue({ VisibilityTimeout: "10" });
    await boto.call("send_message", { QueueUrl: url, MessageBody: "cmv" });
    const [m] = await receiveAll(url);
    assert.deepEqual(await boto.call("change_message_visibility", { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 100 }), {});
    clock.advance(99_000);
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    await boto.call("change_message_visibility", { QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    const [again] = await receiveAll(url);
    assert.equal(again.MessageId, m.MessageId);
    const e = await boto.fail("change_message_visibility", { QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 43_201 });
    assert.equal(e.Code, "InvalidParameterValue");
    await boto.call("delete_message", { QueueUrl: url, ReceiptHandle: again.ReceiptHandle });
    const gone = await boto.fail("change_message_visibility", { QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 5 });
    assert.deepEqual([gone.Code, gone.Message], [
      "InvalidParameterValue",
      `Value ${again.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    ]);
  });
});

describe("batches", () => {
  test("SendMessageBatch: all entries, with attributes", async () => {
    const url = await newQueue();
    const entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `e-${i}_x`,
      MessageBody: `batch ${i} \r\n<&>`,
      MessageAttributes: { i: { DataType: "Number", StringValue: String(i) } },
      ...(i === 9 ? { DelaySeconds: 60 } : {}),
    }));
    const r = await boto.call("send_message_batch", { QueueUrl: url, Entries: entries });
    assert.equal(r.Successful.length, 10);
    assert.equal(r.Failed, undefined);
    assert.deepEqual(r.Successful.map((s: any) => s.Id), entries.map((e) => e.Id));
    for (const s of r.Successful) assert.equal(s.MD5OfMessageBody, md5(entries.find((e) => e.Id === s.Id)!.MessageBody));
    const got = await receiveAll(url, { MessageAttributeNames: ["All"] });
    assert.equal(got.length, 9);
    assert.deepEqual(got.map((m) => m.Body).sort(), entries.slice(0, 9).map((e) => e.MessageBody).sort());
  });

  test("SendMessageBatch: a partial failure reports failed entries and sends the rest", async () => {
    const url = await newQueue({ MaximumMessageSize: "1024" });
    const r = await boto.call("send_message_batch", {
      QueueUrl: url,
      Entries: [
        { Id: "ok1", MessageBody: "fine" },
        { Id: "bad-chars", MessageBody: "nul \u0000 here" },
        { Id: "too-big", MessageBody: "x".repeat(1025) },
        { Id: "empty", MessageBody: "" },
        { Id: "bad-attr", MessageBody: "y", MessageAttributes: { a: { DataType: "String", StringValue: "" } } },
        { Id: "ok2", MessageBody: "also fine" },
      ],
    });
    assert.deepEqual(r.Successful.map((s: any) => s.Id), ["ok1", "ok2"]);
    const failed = Object.fromEntries(r.Failed.map((f: any) => [f.Id, f]));
    assert.deepEqual(Object.keys(failed).sort(), ["bad-attr", "bad-chars", "empty", "too-big"]);
    for (const f of r.Failed) assert.equal(f.SenderFault, true);
    assert.equal(failed["bad-chars"].Code, "InvalidMessageContents");
    assert.deepEqual([failed["too-big"].Code, failed["too-big"].Message], [
      "InvalidParameterValue",
      "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.",
    ]);
    assert.deepEqual([failed.empty.Code, failed.empty.Message], ["MissingParameter", "The request must contain the parameter MessageBody."]);
    assert.deepEqual([failed["bad-attr"].Code, failed["bad-attr"].Message], [
      "InvalidParameterValue",
      "Message (user) attribute 'a' must contain a non-empty value of type 'String'.",
    ]);
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body).sort(), ["also fine", "fine"]);
  });

  test("DeleteMessageBatch and ChangeMessageVisibilityBatch, with a bad handle among good ones", async () => {
    const url = await newQueue();
    for (let i = 0; i < 3; i++) await boto.call("send_message", { QueueUrl: url, MessageBody: `d${i}` });
    const ms = await receiveAll(url, { VisibilityTimeout: 30 });
    assert.equal(ms.length, 3);
    const cmv = await boto.call("change_message_visibility_batch", {
      QueueUrl: url,
      Entries: [
        { Id: "a", ReceiptHandle: ms[0].ReceiptHandle, VisibilityTimeout: 0 },
        { Id: "b", ReceiptHandle: "garbage", VisibilityTimeout: 0 },
      ],
    });
    assert.deepEqual(cmv.Successful, [{ Id: "a" }]);
    assert.deepEqual(cmv.Failed, [{ Id: "b", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: 'The input receipt handle "garbage" is not a valid receipt handle.' }]);
    const back = await receiveAll(url);
    assert.deepEqual(back.map((m) => m.MessageId), [ms[0].MessageId]);

    const del = await boto.call("delete_message_batch", {
      QueueUrl: url,
      Entries: [
        { Id: "x0", ReceiptHandle: back[0].ReceiptHandle },
        { Id: "x1", ReceiptHandle: ms[1].ReceiptHandle },
        { Id: "x2", ReceiptHandle: ms[2].ReceiptHandle },
        { Id: "bad", ReceiptHandle: "garbage" },
      ],
    });
    assert.deepEqual(del.Successful.map((s: any) => s.Id).sort(), ["x0", "x1", "x2"]);
    assert.deepEqual(del.Failed, [{ Id: "bad", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: 'The input receipt handle "garbage" is not a valid receipt handle.' }]);
    clock.advance(60_000);
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
    const attrs = await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] });
    assert.deepEqual(attrs.Attributes, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  test("whole-batch errors: empty, too many, repeated ids, invalid ids, too long", async () => {
    const url = await newQueue();
    const e = (entries: unknown[]) => boto.fail("send_message_batch", { QueueUrl: url, Entries: entries });
    let err = await e([]);
    assert.deepEqual([err.Code, err.HTTPStatusCode], ["AWS.SimpleQueueService.EmptyBatchRequest", 400]);
    assert.equal(err.Message, "There should be at least one SendMessageBatchRequestEntry in the request.");
    err = await boto.fail("delete_message_batch", { QueueUrl: url, Entries: [] });
    assert.equal(err.Code, "AWS.SimpleQueueService.EmptyBatchRequest");
    err = await boto.fail("change_message_visibility_batch", { QueueUrl: url, Entries: [] });
    assert.equal(err.Code, "AWS.SimpleQueueService.EmptyBatchRequest");

    err = await e(Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: "x" })));
    assert.deepEqual([err.Code, err.Message], ["AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 11."]);
    err = await boto.fail("delete_message_batch", { QueueUrl: url, Entries: Array.from({ length: 20 }, (_, i) => ({ Id: `i${i}`, ReceiptHandle: "h" })) });
    assert.deepEqual([err.Code, err.Message], ["AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 20."]);

    err = await e([{ Id: "same", MessageBody: "a" }, { Id: "same", MessageBody: "b" }]);
    assert.deepEqual([err.Code, err.Message, err.Type], ["AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id same repeated.", "Sender"]);

    for (const id of ["invalid:id", "x".repeat(81), "sp ace", "dot.ted"]) {
      err = await e([{ Id: id, MessageBody: "a" }]);
      assert.deepEqual([err.Code, err.Message], [
        "AWS.SimpleQueueService.InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
      ], id);
    }

    const half = "y".repeat(524_289);
    err = await e([{ Id: "a", MessageBody: half }, { Id: "b", MessageBody: half }]);
    assert.deepEqual([err.Code, err.Message], ["AWS.SimpleQueueService.BatchRequestTooLong", "Batch requests cannot be longer than 1048576 bytes. You have sent 1048578 bytes."]);
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
  });
});

describe("send errors", () => {
  test("message too long, by the queue's MaximumMessageSize and by 1 MiB", async () => {
    const url = await newQueue({ MaximumMessageSize: "1024" });
    await boto.call("send_message", { QueueUrl: url, MessageBody: "x".repeat(1024) });
    let e = await boto.fail("send_message", { QueueUrl: url, MessageBody: "x".repeat(1025) });
    assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], ["InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.", 400]);
    // Attributes count toward the size.
    e = await boto.fail("send_message", { QueueUrl: url, MessageBody: "x".repeat(1000), MessageAttributes: { name: { DataType: "String", StringValue: "v".repeat(30) } } });
    assert.equal(e.Code, "InvalidParameterValue");
    const big = await newQueue();
    await boto.call("send_message", { QueueUrl: big, MessageBody: "é".repeat(524_288) });
    e = await boto.fail("send_message", { QueueUrl: big, MessageBody: "x".repeat(1_048_577) });
    assert.equal(e.Message, "One or more parameters are invalid. Reason: Message must be shorter than 1048576 bytes.");
  });

  test("invalid characters are InvalidMessageContents", async () => {
    const url = await newQueue();
    for (const body of ["nul\u0000", "bell\u0007", "esc\u001b", "\uFFFE", "\uFFFF"]) {
      const e = await boto.fail("send_message", { QueueUrl: url, MessageBody: body });
      assert.deepEqual([e.Code, e.HTTPStatusCode], ["InvalidMessageContents", 400], JSON.stringify(body));
      assert.equal(e.Message, "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    }
  });

  test("invalid parameter values", async () => {
    const url = await newQueue();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ MessageBody: "" }, "MissingParameter", "The request must contain the parameter MessageBody."],
      [{ MessageBody: "x", DelaySeconds: 901 }, "InvalidParameterValue"],
      [{ MessageBody: "x", DelaySeconds: -1 }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageAttributes: { e: { DataType: "String", StringValue: "" } } }, "InvalidParameterValue", "Message (user) attribute 'e' must contain a non-empty value of type 'String'."],
      [{ MessageBody: "x", MessageAttributes: { n: { DataType: "Number", StringValue: "abc" } } }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageAttributes: { t: { DataType: "Text", StringValue: "v" } } }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageAttributes: { "AWS.x": { DataType: "String", StringValue: "v" } } }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageAttributes: { ".dot": { DataType: "String", StringValue: "v" } } }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageAttributes: { b: { DataType: "Binary", StringValue: "v" } } }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageAttributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: "String", StringValue: "v" }])) }, "InvalidParameterValue"],
      [{ MessageBody: "x", MessageDeduplicationId: "d" }, "InvalidParameterValue"],
    ];
    for (const [args, code, message] of cases) {
      const e = await boto.fail("send_message", { QueueUrl: url, ...args });
      assert.equal(e.Code, code, JSON.stringify(args));
      assert.equal(e.HTTPStatusCode, 400);
      if (message) assert.equal(e.Message, message);
    }
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
  });

  test("a queue URL of a queue that does not exist", async () => {
    const e = await boto.fail("send_message", { QueueUrl: `${server.endpoint}/000000000000/never-made`, MessageBody: "x" });
    assert.deepEqual(e, {
      Code: "AWS.SimpleQueueService.NonExistentQueue",
      Message: "The specified queue does not exist for this wsdl version.",
      Type: "Sender",
      QueryErrorCode: null,
      HTTPStatusCode: 400,
    });
  });
});

describe("redrive", () => {
  test("after maxReceiveCount receives the message moves to the dead-letter queue", async () => {
    const dlq = await newQueue();
    const dlqArn = (await boto.call("get_queue_attributes", { QueueUrl: dlq, AttributeNames: ["QueueArn"] })).Attributes.QueueArn;
    const src = await newQueue({ VisibilityTimeout: "10", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    const srcArn = (await boto.call("get_queue_attributes", { QueueUrl: src, AttributeNames: ["QueueArn"] })).Attributes.QueueArn;
    assert.deepEqual((await boto.call("list_dead_letter_source_queues", { QueueUrl: dlq })).queueUrls, [src]);
    const sent = await boto.call("send_message", { QueueUrl: src, MessageBody: "poison \r\n<&>", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } });
    for (let i = 1; i <= 2; i++) {
      const [m] = await receiveAll(src, { AttributeNames: ["ApproximateReceiveCount"] });
      assert.equal(m.Attributes.ApproximateReceiveCount, String(i));
      clock.advance(10_000);
    }
    assert.deepEqual(await boto.call("receive_message", { QueueUrl: src }), {});
    const [dead] = await receiveAll(dlq, { AttributeNames: ["All"], MessageAttributeNames: ["All"] });
    assert.equal(dead.MessageId, sent.MessageId);
    assert.equal(dead.Body, "poison \r\n<&>");
    assert.equal(dead.MessageAttributes.k.StringValue, "v");
    assert.equal(dead.Attributes.DeadLetterQueueSourceArn, srcArn);
  });
});

function lp(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}
