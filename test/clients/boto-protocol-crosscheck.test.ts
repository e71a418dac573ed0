// The same boto3 calls through both wire protocols against one server: Debian boto3 1.26 (query/XML) and the pyenv
// boto3 1.43 (AWS JSON 1.0, with x-amzn-query-error giving the legacy codes). Each runs one script on its own queues;
// the results must agree once the queue names and per-call ids are set aside. Where AWS itself words an error
// differently per protocol (NonExistentQueue), the test says so.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ManualClock, type Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { bytes, JSON_PYTHON, startBoto, type Boto, type BotoReply } from "./boto.ts";

let server: Mailroom;
let query: Boto;
let json: Boto;
const clock = new ManualClock();

before(async () => {
  server = await startTestServer({ clock, profile: "aws" });
  [query, json] = await Promise.all([startBoto(server.endpoint), startBoto(server.endpoint, { python: JSON_PYTHON })]);
});
after(async () => {
  query?.close();
  json?.close();
  await server?.close();
});

test("the two drivers speak different protocols", () => {
  assert.equal(query.info.protocol, "query");
  assert.equal(json.info.protocol, "json");
});

/** Runs the script with queue names prefixed by p; returns every reply with names and ids normalised. */
async function script(b: Boto, p: string): Promise<unknown[]> {
  const out: BotoReply[] = [];
  const call = async (op: string, args: Record<string, unknown> = {}) => {
    const r = await b.raw(op, args);
    out.push(r);
    return r;
  };
  const urlOf = (r: BotoReply) => ("result" in r ? (r.result.QueueUrl as string) : "");
  const dlq = urlOf(await call("create_queue", { QueueName: `${p}-dlq` }));
  const q = urlOf(await call("create_queue", {
    QueueName: `${p}-main`,
    Attributes: { VisibilityTimeout: "20", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${p}-dlq`, maxReceiveCount: 1 }) },
    tags: { team: "x", "a:b": "é" },
  }));
  await call("create_queue", { QueueName: `${p}-main`, Attributes: { VisibilityTimeout: "21" } });
  await call("create_queue", { QueueName: "bad.name" });
  await call("get_queue_url", { QueueName: `${p}-main` });
  await call("list_queues", { QueueNamePrefix: `${p}-` });
  await call("list_queues", { QueueNamePrefix: `${p}-`, MaxResults: 1 });
  await call("get_queue_attributes", { QueueUrl: q, AttributeNames: ["All"] });
  await call("get_queue_attributes", { QueueUrl: q, AttributeNames: ["Nope"] });
  await call("set_queue_attributes", { QueueUrl: q, Attributes: { DelaySeconds: "901" } });
  await call("list_queue_tags", { QueueUrl: q });
  await call("list_dead_letter_source_queues", { QueueUrl: dlq });
  await call("send_message", {
    QueueUrl: q,
    MessageBody: "cross \r\n <&> 😀",
    MessageAttributes: {
      s: { DataType: "String", StringValue: "v\r" },
      n: { DataType: "Number.custom", StringValue: "1.5" },
      b: { DataType: "Binary", BinaryValue: bytes(Buffer.from([0, 1, 255])) },
    },
    MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } },
  });
  await call("send_message_batch", {
    QueueUrl: q,
    Entries: [
      { Id: "ok", MessageBody: "second" },
      { Id: "bad", MessageBody: "\u0001" },
    ],
  });
  await call("send_message_batch", { QueueUrl: q, Entries: [{ Id: "same", MessageBody: "a" }, { Id: "same", MessageBody: "b" }] });
  await call("receive_message", { QueueUrl: q, MaxNumberOfMessages: 11 });
  const rec = await call("receive_message", { QueueUrl: q, MaxNumberOfMessages: 10, AttributeNames: ["All"], MessageAttributeNames: ["All"] });
  const msgs = "result" in rec ? (rec.result.Messages as { ReceiptHandle: string; Body: string }[]) : [];
  await call("change_message_visibility", { QueueUrl: q, ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 0 });
  await call("delete_message", { QueueUrl: q, ReceiptHandle: "garbage" });
  await call("delete_message_batch", { QueueUrl: q, Entries: [{ Id: "m1", ReceiptHandle: msgs[1].ReceiptHandle }, { Id: "bad", ReceiptHandle: "garbage" }] });
  // The first message (made visible again) goes to the dead-letter queue on this receive.
  await call("receive_message", { QueueUrl: q });
  await call("receive_message", { QueueUrl: dlq, AttributeNames: ["DeadLetterQueueSourceArn"], MessageAttributeNames: ["s", "b"] });
  await call("purge_queue", { QueueUrl: dlq });
  await call("purge_queue", { QueueUrl: dlq });
  await call("get_queue_url", { QueueName: `${p}-missing` });
  await call("delete_queue", { QueueUrl: q });
  return JSON.parse(JSON.stringify(out).replaceAll(`${p}-`, "P-")).map(normalise);
}

const VOLATILE = new Set(["MessageId", "ReceiptHandle", "SentTimestamp", "ApproximateFirstReceiveTimestamp", "CreatedTimestamp", "LastModifiedTimestamp"]);

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (VOLATILE.has(k)) o[k] = typeof x;
      else if (k === "NextToken") o[k] = "token";
      else if (k === "QueryErrorCode") continue; // only the JSON protocol has it
      else o[k] = normalise(x);
    }
    return o;
  }
  return v;
}

test("both protocols give the same results for the same calls", async () => {
  const viaQuery = await script(query, "xq");
  clock.advance(61_000);
  const viaJson = await script(json, "xj");
  assert.equal(viaQuery.length, viaJson.length);
  for (let i = 0; i < viaQuery.length; i++) {
    let a = viaQuery[i] as Record<string, any>;
    const b = viaJson[i] as Record<string, any>;
    // AWS words a missing queue differently per protocol (recorded in LocalStack's SQS snapshots).
    if (a.error?.Code === "AWS.SimpleQueueService.NonExistentQueue") {
      assert.equal(a.error.Message, "The specified queue does not exist for this wsdl version.");
      assert.equal(b.error.Message, "The specified queue does not exist.");
      a = { error: { ...a.error, Message: b.error.Message } };
    }
    // The query protocol has no empty lists: an empty queueUrls is simply absent.
    if (a.result && b.result?.queueUrls?.length === 0 && a.result.queueUrls === undefined) a = { ...a, result: { ...a.result, queueUrls: [] } };
    assert.deepEqual(a, b, `call #${i + 1}`);
  }
  // Spot checks that the script exercised what it meant to.
  const errors = viaJson.filter((r: any) => r.error).map((r: any) => r.error.Code);
  assert.deepEqual(errors, [
    "QueueAlreadyExists", "InvalidParameterValue", "InvalidAttributeName", "InvalidAttributeValue",
    "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "InvalidParameterValue", "ReceiptHandleIsInvalid",
    "AWS.SimpleQueueService.PurgeQueueInProgress", "AWS.SimpleQueueService.NonExistentQueue",
  ]);
});
