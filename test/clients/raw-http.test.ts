// Raw HTTP against the wire formats, with node's fetch and no SDK in between (unsigned: a server with no access
// keys accepts that on loopback): the query protocol's XML envelopes byte for byte, GET and queue-URL-path requests,
// InvalidAction, and the AWS JSON protocol's error bodies and x-amzn-query-error header.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";

const NS = "http://queue.amazonaws.com/doc/2012-11-05/";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

let server: Mailroom;
before(async () => {
  server = await startTestServer({ profile: "aws" });
});
after(() => server?.close());

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function form(params: Record<string, string>, path = "/"): Promise<Reply> {
  const r = await fetch(server.endpoint + path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: new URLSearchParams({ Version: "2012-11-05", ...params }).toString(),
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

async function get(pathAndQuery: string): Promise<Reply> {
  const r = await fetch(server.endpoint + pathAndQuery);
  return { status: r.status, headers: r.headers, text: await r.text() };
}

async function json(target: string, body: string): Promise<Reply> {
  const r = await fetch(server.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target },
    body,
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const url = (name: string) => `${server.endpoint}/000000000000/${name}`;

/** The exact success envelope: <XResponse xmlns><XResult>inner</XResult><ResponseMetadata><RequestId>. */
function assertSuccess(r: Reply, action: string, inner: string | null | RegExp): void {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get("content-type"), "text/xml");
  const result = inner === null ? "" : inner instanceof RegExp ? `<${action}Result>${inner.source}</${action}Result>` : `<${action}Result>${escapeRe(inner)}</${action}Result>`;
  const re = new RegExp(
    `^<\\?xml version="1\\.0"\\?><${action}Response xmlns="${escapeRe(NS)}">${result}<ResponseMetadata><RequestId>(${UUID})</RequestId></ResponseMetadata></${action}Response>$`,
  );
  const m = re.exec(r.text);
  assert.ok(m, `${r.text}\n  does not match\n${re.source}`);
  assert.equal(r.headers.get("x-amzn-requestid"), m[1]);
}

function assertError(r: Reply, status: number, code: string, message: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get("content-type"), "text/xml");
  const re = new RegExp(
    `^<\\?xml version="1\\.0"\\?><ErrorResponse xmlns="${escapeRe(NS)}"><Error><Type>Sender</Type><Code>${escapeRe(code)}</Code>` +
      `<Message>${escapeRe(message.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;"))}</Message><Detail/></Error><RequestId>(${UUID})</RequestId></ErrorResponse>$`,
  );
  const m = re.exec(r.text);
  assert.ok(m, `${r.text}\n  does not match\n${re.source}`);
  assert.equal(r.headers.get("x-amzn-requestid"), m[1]);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("query protocol envelopes", () => {
  test("CreateQueue, GetQueueUrl and ListQueues results", async () => {
    assertSuccess(await form({ Action: "CreateQueue", QueueName: "raw-a", "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40" }), "CreateQueue", `<QueueUrl>${url("raw-a")}</QueueUrl>`);
    assertSuccess(await form({ Action: "GetQueueUrl", QueueName: "raw-a" }), "GetQueueUrl", `<QueueUrl>${url("raw-a")}</QueueUrl>`);
    await form({ Action: "CreateQueue", QueueName: "raw-b" });
    // Lists are flattened: repeated <QueueUrl> with no wrapper.
    assertSuccess(await form({ Action: "ListQueues", QueueNamePrefix: "raw-" }), "ListQueues", `<QueueUrl>${url("raw-a")}</QueueUrl><QueueUrl>${url("raw-b")}</QueueUrl>`);
  });

  test("an empty result is a self-closing element", async () => {
    const r = await form({ Action: "ListQueues", QueueNamePrefix: "nothing-" });
    assert.match(r.text, /<ListQueuesResponse xmlns="[^"]+"><ListQueuesResult\/><ResponseMetadata>/);
    const rm = await form({ Action: "ReceiveMessage", QueueUrl: url("raw-a") });
    assert.match(rm.text, new RegExp(`^<\\?xml version="1\\.0"\\?><ReceiveMessageResponse xmlns="${escapeRe(NS)}"><ReceiveMessageResult/><ResponseMetadata><RequestId>${UUID}</RequestId></ResponseMetadata></ReceiveMessageResponse>$`));
  });

  test("operations without output have no Result element", async () => {
    await form({ Action: "CreateQueue", QueueName: "raw-noout" });
    const q = url("raw-noout");
    assertSuccess(await form({ Action: "SetQueueAttributes", QueueUrl: q, "Attribute.1.Name": "DelaySeconds", "Attribute.1.Value": "0" }), "SetQueueAttributes", null);
    assertSuccess(await form({ Action: "TagQueue", QueueUrl: q, "Tag.1.Key": "k", "Tag.1.Value": "v" }), "TagQueue", null);
    assertSuccess(await form({ Action: "UntagQueue", QueueUrl: q, "TagKey.1": "k" }), "UntagQueue", null);
    assertSuccess(await form({ Action: "PurgeQueue", QueueUrl: q }), "PurgeQueue", null);
    await form({ Action: "SendMessage", QueueUrl: q, MessageBody: "m" });
    const handle = /<ReceiptHandle>([^<]+)<\/ReceiptHandle>/.exec((await form({ Action: "ReceiveMessage", QueueUrl: q })).text)![1];
    assertSuccess(await form({ Action: "ChangeMessageVisibility", QueueUrl: q, ReceiptHandle: handle, VisibilityTimeout: "5" }), "ChangeMessageVisibility", null);
    assertSuccess(await form({ Action: "DeleteMessage", QueueUrl: q, ReceiptHandle: handle }), "DeleteMessage", null);
    assertSuccess(await form({ Action: "DeleteQueue", QueueUrl: q }), "DeleteQueue", null);
  });

  test("maps are flattened Attribute/Tag elements with Name/Key and Value", async () => {
    await form({ Action: "CreateQueue", QueueName: "raw-map", "Tag.1.Key": "team", "Tag.1.Value": "a&b" });
    assertSuccess(await form({ Action: "GetQueueAttributes", QueueUrl: url("raw-map"), "AttributeName.1": "VisibilityTimeout", "AttributeName.2": "DelaySeconds" }), "GetQueueAttributes",
      "<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute><Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute>");
    assertSuccess(await form({ Action: "ListQueueTags", QueueUrl: url("raw-map") }), "ListQueueTags", "<Tag><Key>team</Key><Value>a&amp;b</Value></Tag>");
  });

  test("message text is escaped; CR as &#xD; so the parser keeps it", async () => {
    await form({ Action: "CreateQueue", QueueName: "raw-esc" });
    const q = url("raw-esc");
    const body = 'a\rb\r\nc "q" <t> & é😀';
    const sent = await form({
      Action: "SendMessage", QueueUrl: q, MessageBody: body,
      "MessageAttribute.1.Name": "s", "MessageAttribute.1.Value.DataType": "String", "MessageAttribute.1.Value.StringValue": "x\ry",
      "MessageAttribute.2.Name": "b", "MessageAttribute.2.Value.DataType": "Binary", "MessageAttribute.2.Value.BinaryValue": Buffer.from([0, 255]).toString("base64"),
    });
    assertSuccess(sent, "SendMessage", new RegExp(`(?=.*<MessageId>${UUID}</MessageId>)(?=.*<MD5OfMessageBody>[0-9a-f]{32}</MD5OfMessageBody>)(?=.*<MD5OfMessageAttributes>[0-9a-f]{32}</MD5OfMessageAttributes>).*`));
    const r = await form({ Action: "ReceiveMessage", QueueUrl: q, "MessageAttributeName.1": "All" });
    assert.ok(r.text.includes("<Body>a&#xD;b&#xD;\nc &quot;q&quot; &lt;t&gt; &amp; é😀</Body>"), r.text);
    assert.ok(!r.text.includes("\r"), "no raw CR in the XML");
    assert.ok(r.text.includes("<MessageAttribute><Name>s</Name><Value><StringValue>x&#xD;y</StringValue><DataType>String</DataType></Value></MessageAttribute>") ||
      r.text.includes("<MessageAttribute><Name>s</Name><Value><DataType>String</DataType><StringValue>x&#xD;y</StringValue></Value></MessageAttribute>"), r.text);
    assert.ok(r.text.includes(`<BinaryValue>${Buffer.from([0, 255]).toString("base64")}</BinaryValue>`), r.text);
  });

  test("the error envelope: Type, Code, Message, empty Detail, RequestId beside Error", async () => {
    assertError(await form({ Action: "GetQueueUrl", QueueName: "raw-missing" }), 400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.");
    assertError(await form({ Action: "GetQueueAttributes", QueueUrl: url("raw-a"), "AttributeName.1": "Foobar" }), 400, "InvalidAttributeName", "Unknown Attribute Foobar.");
    assertError(await form({ Action: "DeleteMessage", QueueUrl: url("raw-a"), ReceiptHandle: "garbage" }), 404, "ReceiptHandleIsInvalid", 'The input receipt handle "garbage" is not a valid receipt handle.');
    assertError(await form({ Action: "SendMessage", QueueUrl: url("raw-a") }), 400, "MissingParameter", "The request must contain the parameter MessageBody.");
    assertError(await form({ Action: "SendMessageBatch", QueueUrl: url("raw-a"), "SendMessageBatchRequestEntry.1.Id": "x", "SendMessageBatchRequestEntry.1.MessageBody": "a", "SendMessageBatchRequestEntry.2.Id": "x", "SendMessageBatchRequestEntry.2.MessageBody": "b" }),
      400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id x repeated.");
    assertError(await form({ Action: "ReceiveMessage", QueueUrl: url("raw-a"), MaxNumberOfMessages: "ten" }), 400, "InvalidParameterValue", "Value ten for parameter MaxNumberOfMessages is invalid.");
  });

  test("an unknown Action is InvalidAction; no Action at all is 404 UnknownOperationException", async () => {
    assertError(await form({ Action: "FooBar" }), 400, "InvalidAction", "The action FooBar is not valid for this endpoint.");
    assertError(await get("/?Action=FooBar"), 400, "InvalidAction", "The action FooBar is not valid for this endpoint.");
    const none = await form({ QueueName: "x" });
    assert.equal(none.status, 404);
    assert.match(none.text, /<UnknownOperationException/);
    const getNone = await get("/000000000000/raw-a");
    assert.equal(getNone.status, 404);
    assert.match(getNone.text, /<UnknownOperationException/);
  });
});

describe("query requests by GET and at the queue URL", () => {
  test("GET with the parameters in the query string", async () => {
    assertSuccess(await get("/?Action=CreateQueue&QueueName=raw-get&Version=2012-11-05"), "CreateQueue", `<QueueUrl>${url("raw-get")}</QueueUrl>`);
    assertSuccess(await get(`/?Action=SendMessage&QueueUrl=${encodeURIComponent(url("raw-get"))}&MessageBody=${encodeURIComponent("hi & <bye>")}`), "SendMessage", /.*/);
    const r = await get(`/?Action=ReceiveMessage&QueueUrl=${encodeURIComponent(url("raw-get"))}&VisibilityTimeout=0`);
    assert.ok(r.text.includes("<Body>hi &amp; &lt;bye&gt;</Body>"), r.text);
  });

  test("POST and GET to /<account>/<name> act on that queue without a QueueUrl", async () => {
    await form({ Action: "CreateQueue", QueueName: "raw-path" });
    await form({ Action: "CreateQueue", QueueName: "raw-path2" });
    assertSuccess(await form({ Action: "SendMessage", MessageBody: "by path" }, "/000000000000/raw-path"), "SendMessage", /.*/);
    const r = await get("/000000000000/raw-path?Action=ReceiveMessage&VisibilityTimeout=0");
    assert.ok(r.text.includes("<Body>by path</Body>"), r.text);
    // A QueueUrl parameter wins over the path.
    await form({ Action: "SendMessage", MessageBody: "to two", QueueUrl: url("raw-path2") }, "/000000000000/raw-path");
    assert.ok((await form({ Action: "ReceiveMessage" }, "/000000000000/raw-path2")).text.includes("<Body>to two</Body>"));
    assertError(await form({ Action: "GetQueueAttributes", "AttributeName.1": "All" }, "/000000000000/raw-nope"), 400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.");
  });

  test("CreateQueue and ListQueues at a queue URL are InvalidAction", async () => {
    assertError(await form({ Action: "CreateQueue", QueueName: "raw-x" }, "/000000000000/raw-path"), 400, "InvalidAction", "The action CreateQueue is not valid for this endpoint.");
    assertError(await get("/000000000000/raw-path?Action=ListQueues"), 400, "InvalidAction", "The action ListQueues is not valid for this endpoint.");
    // GetQueueUrl names its queue by QueueName, wherever it is sent.
    assertSuccess(await form({ Action: "GetQueueUrl", QueueName: "raw-path2" }, "/000000000000/raw-path"), "GetQueueUrl", `<QueueUrl>${url("raw-path2")}</QueueUrl>`);
  });
});

describe("AWS JSON protocol errors", () => {
  test("a missing queue: __type QueueDoesNotExist, message, x-amzn-query-error", async () => {
    const r = await json("AmazonSQS.GetQueueUrl", JSON.stringify({ QueueName: "json-missing" }));
    assert.equal(r.status, 400);
    assert.equal(r.headers.get("content-type"), "application/x-amz-json-1.0");
    assert.equal(r.headers.get("x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender");
    assert.match(r.headers.get("x-amzn-requestid") ?? "", new RegExp(`^${UUID}$`));
    assert.deepEqual(JSON.parse(r.text), { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." });
  });

  test("a success body is JSON; an empty output is {}", async () => {
    const r = await json("AmazonSQS.CreateQueue", JSON.stringify({ QueueName: "json-ok" }));
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.text), { QueueUrl: url("json-ok") });
    const d = await json("AmazonSQS.DeleteQueue", JSON.stringify({ QueueUrl: url("json-ok") }));
    assert.equal(d.status, 200);
    assert.deepEqual(JSON.parse(d.text), {});
  });

  test("malformed JSON is SerializationException", async () => {
    const r = await json("AmazonSQS.ListQueues", "{not json");
    assert.equal(r.status, 400);
    assert.equal(JSON.parse(r.text).__type, "com.amazon.coral.service#SerializationException");
    assert.equal(r.headers.get("x-amzn-query-error"), "MalformedInput;Sender");
  });

  test("an unknown X-Amz-Target is UnknownOperationException", async () => {
    for (const target of ["AmazonSQS.FooBar", "NotAService.ListQueues"]) {
      const r = await json(target, "{}");
      assert.equal(r.status, 400, target);
      assert.equal(JSON.parse(r.text).__type, "com.amazon.coral.service#UnknownOperationException", target);
    }
  });

  test("coral and modelled error types with their query codes", async () => {
    await json("AmazonSQS.CreateQueue", JSON.stringify({ QueueName: "json-e" }));
    let r = await json("AmazonSQS.SendMessage", JSON.stringify({ QueueUrl: url("json-e"), MessageBody: "" }));
    assert.equal(JSON.parse(r.text).__type, "com.amazon.coral.service#MissingRequiredParameterException");
    assert.equal(r.headers.get("x-amzn-query-error"), "MissingParameter;Sender");
    r = await json("AmazonSQS.ReceiveMessage", JSON.stringify({ QueueUrl: url("json-e"), MaxNumberOfMessages: 11 }));
    assert.deepEqual(JSON.parse(r.text), {
      __type: "com.amazon.coral.service#InvalidParameterValueException",
      message: "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
    });
    assert.equal(r.headers.get("x-amzn-query-error"), "InvalidParameterValue;Sender");
    r = await json("AmazonSQS.PurgeQueue", JSON.stringify({ QueueUrl: url("json-e") }));
    r = await json("AmazonSQS.PurgeQueue", JSON.stringify({ QueueUrl: url("json-e") }));
    assert.equal(r.status, 403);
    assert.equal(JSON.parse(r.text).__type, "com.amazonaws.sqs#PurgeQueueInProgress");
    assert.equal(r.headers.get("x-amzn-query-error"), "AWS.SimpleQueueService.PurgeQueueInProgress;Sender");
  });
});
