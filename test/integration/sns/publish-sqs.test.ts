// Publish and PublishBatch to SQS subscriptions: the JSON envelope as AWS writes it with a real signature,
// raw delivery, MessageStructure=json, filter policies, batch partial failures, long-poll wake-ups, fan-out.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateTopicCommand, PublishBatchCommand, PublishCommand, SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand, SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { md5OfAttributes, md5OfBody } from "../../helpers/md5.ts";
import { useTestServer } from "../../helpers/server.ts";
import { verifySnsMessage } from "../../helpers/sns-verify.ts";

const { server, sqs, sns } = useTestServer();

let n = 0;
async function topicWithQueue(attrs: Record<string, string> = {}, subAttrs: Record<string, string> = {}) {
  const id = ++n;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `pub-${id}` }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `pubq-${id}` }));
  const QueueArn = `arn:aws:sqs:us-east-1:000000000000:pubq-${id}`;
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QueueArn, Attributes: subAttrs }));
  for (const [k, v] of Object.entries(attrs)) await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: k, AttributeValue: v }));
  return { TopicArn: TopicArn!, QueueUrl: QueueUrl!, SubscriptionArn: SubscriptionArn! };
}

async function receiveAll(QueueUrl: string, max = 10) {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max, MessageAttributeNames: ["All"], VisibilityTimeout: 30 }));
  return r.Messages ?? [];
}

test("the SQS body is AWS's notification envelope, in AWS's field order and layout, signed verifiably (v1)", async () => {
  const { TopicArn, QueueUrl, SubscriptionArn } = await topicWithQueue();
  const out = await sns.send(new PublishCommand({
    TopicArn, Message: "hello \"world\"\n", Subject: "Greeting",
    MessageAttributes: {
      s: { DataType: "String", StringValue: "v" }, n: { DataType: "Number", StringValue: "1.5" },
      b: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) }, a: { DataType: "String.Array", StringValue: '["x",1]' },
    },
  }));
  assert.match(out.MessageId!, /^[0-9a-f-]{36}$/);
  const [m] = await receiveAll(QueueUrl);
  assert.equal(m.MD5OfBody, md5OfBody(m.Body!));
  assert.equal(m.MessageAttributes, undefined);
  const env = JSON.parse(m.Body!);
  assert.deepEqual(Object.keys(env), ["Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp", "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"]);
  assert.ok(m.Body!.startsWith('{\n  "Type" : "Notification",\n  "MessageId" : '));
  assert.equal(env.Type, "Notification");
  assert.equal(env.MessageId, out.MessageId);
  assert.equal(env.TopicArn, TopicArn);
  assert.equal(env.Subject, "Greeting");
  assert.equal(env.Message, "hello \"world\"\n");
  assert.match(env.Timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(env.SignatureVersion, "1");
  assert.equal(env.UnsubscribeURL, `${server.endpoint}/?Action=Unsubscribe&SubscriptionArn=${SubscriptionArn}`);
  assert.deepEqual(env.MessageAttributes, {
    s: { Type: "String", Value: "v" }, n: { Type: "Number", Value: "1.5" }, b: { Type: "Binary", Value: "AQID" }, a: { Type: "String.Array", Value: '["x",1]' },
  });
  // SigningCertURL is https on the same port ("Always retrieve the signing certificate using HTTPS", SNS developer guide).
  assert.ok(env.SigningCertURL.startsWith(`${server.endpoint.replace(/^http:/, "https:")}/_aws/sns/SimpleNotificationService-`));
  assert.equal(await verifySnsMessage(env), true);
  assert.equal(await verifySnsMessage({ ...env, Message: "tampered" }), false);
});

test("SignatureVersion 2 signs with SHA256; no Subject means no Subject key", async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue({ SignatureVersion: "2" });
  await sns.send(new PublishCommand({ TopicArn, Message: "v2" }));
  const env = JSON.parse((await receiveAll(QueueUrl))[0].Body!);
  assert.equal(env.SignatureVersion, "2");
  assert.equal("Subject" in env, false);
  assert.equal("MessageAttributes" in env, false);
  assert.equal(await verifySnsMessage(env), true);
});

test("raw delivery passes the body and attributes through, with SQS's MD5s", async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue({}, { RawMessageDelivery: "true" });
  const attrs = { color: { DataType: "String", StringValue: "red" }, bin: { DataType: "Binary", BinaryValue: Buffer.from("xyz") } };
  await sns.send(new PublishCommand({ TopicArn, Message: "raw body", MessageAttributes: attrs }));
  const [m] = await receiveAll(QueueUrl);
  assert.equal(m.Body, "raw body");
  assert.equal(m.MessageAttributes?.color.StringValue, "red");
  assert.equal(Buffer.from(m.MessageAttributes!.bin.BinaryValue!).toString(), "xyz");
  assert.equal(m.MD5OfMessageAttributes, md5OfAttributes(attrs));
});

test("MessageStructure=json sends the sqs entry to queues, default otherwise; bad structures are refused", async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue();
  await sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: JSON.stringify({ default: "dflt", sqs: "for queues" }) }));
  await sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: JSON.stringify({ default: "only default" }) }));
  const got = (await receiveAll(QueueUrl)).map((m) => JSON.parse(m.Body!).Message).sort();
  assert.deepEqual(got, ["for queues", "only default"]);
  await rejectsAws(sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: '{"sqs":"x"}' })), {
    name: "InvalidParameterException", message: "Invalid parameter: Message Structure - No default entry in JSON message body",
  });
  await rejectsAws(sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: "not json" })), {
    name: "InvalidParameterException", message: "Invalid parameter: Message Structure - JSON message body failed to parse",
  });
});

test("filter policies decide which queues get a message (attribute and body scope)", async () => {
  const a = await topicWithQueue({}, { FilterPolicy: JSON.stringify({ color: ["red", { prefix: "bl" }], size: [{ numeric: [">", 10] }] }) });
  await sns.send(new PublishCommand({ TopicArn: a.TopicArn, Message: "m1", MessageAttributes: { color: { DataType: "String", StringValue: "blue" }, size: { DataType: "Number", StringValue: "11" } } }));
  await sns.send(new PublishCommand({ TopicArn: a.TopicArn, Message: "m2", MessageAttributes: { color: { DataType: "String", StringValue: "green" }, size: { DataType: "Number", StringValue: "11" } } }));
  await sns.send(new PublishCommand({ TopicArn: a.TopicArn, Message: "m3", MessageAttributes: { color: { DataType: "String", StringValue: "red" } } }));
  assert.deepEqual((await receiveAll(a.QueueUrl)).map((m) => JSON.parse(m.Body!).Message), ["m1"]);
  const b = await topicWithQueue({}, { FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ order: { status: ["paid"] } }) });
  await sns.send(new PublishCommand({ TopicArn: b.TopicArn, Message: JSON.stringify({ order: { status: "paid" } }) }));
  await sns.send(new PublishCommand({ TopicArn: b.TopicArn, Message: JSON.stringify({ order: { status: "open" } }) }));
  await sns.send(new PublishCommand({ TopicArn: b.TopicArn, Message: "not json" }));
  assert.deepEqual((await receiveAll(b.QueueUrl)).map((m) => JSON.parse(JSON.parse(m.Body!).Message).order.status), ["paid"]);
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: b.SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: "" }));
  await sns.send(new PublishCommand({ TopicArn: b.TopicArn, Message: "now anything" }));
  assert.equal((await receiveAll(b.QueueUrl)).length, 1);
});

test("Publish validation: empty, too long, bad subject, bad attributes, missing target, missing topic", async () => {
  const { TopicArn } = await topicWithQueue();
  const bad = async (input: Record<string, unknown>, message: string | RegExp) =>
    rejectsAws(sns.send(new PublishCommand({ TopicArn, Message: "x", ...input })), { name: "InvalidParameterException", status: 400, message });
  await bad({ Message: "" }, "Invalid parameter: Empty message");
  await bad({ Message: "x".repeat(262_145) }, "Invalid parameter: Message too long");
  await bad({ Subject: "line\nbreak" }, "Invalid parameter: Subject");
  await rejectsAws(sns.send(new PublishCommand({ TopicArn, Message: "x", MessageAttributes: { a: { DataType: "Weird", StringValue: "1" } } })), {
    name: "InvalidParameterValueException", code: "ParameterValueInvalid", status: 400, message: /invalid message attribute type/,
  });
  await bad({ MessageAttributes: { a: { DataType: "Number", StringValue: "abc" } } }, "Invalid parameter: Could not cast message attribute 'a' value to number.");
  await bad({ MessageDeduplicationId: "d" }, /MessageDeduplicationId/);
  await rejectsAws(sns.send(new PublishCommand({ Message: "x" })), { name: "InvalidParameterException" });
  await rejectsAws(sns.send(new PublishCommand({ TopicArn: `${TopicArn}-missing`, Message: "x" })), { name: "NotFoundException", status: 404 });
  await sns.send(new PublishCommand({ TopicArn, Message: "x".repeat(262_144) }));
});

test("PublishBatch: successes; an invalid entry fails the whole request (as AWS records show); batch-level errors", async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue();
  await rejectsAws(sns.send(new PublishBatchCommand({
    TopicArn,
    PublishBatchRequestEntries: [{ Id: "ok0", Message: "zero" }, { Id: "bad", Message: "two", Subject: "" }],
  })), { name: "InvalidParameterException", message: "Invalid parameter: Subject" });
  const r = await sns.send(new PublishBatchCommand({
    TopicArn,
    PublishBatchRequestEntries: [
      { Id: "ok1", Message: "one" },
      { Id: "ok2", Message: "three", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
    ],
  }));
  assert.deepEqual(r.Successful!.map((s) => s.Id), ["ok1", "ok2"]);
  assert.deepEqual(r.Failed, []);
  assert.deepEqual((await receiveAll(QueueUrl)).map((m) => JSON.parse(m.Body!).Message).sort(), ["one", "three"]);
  const entries = (k: number) => Array.from({ length: k }, (_, i) => ({ Id: `e${i}`, Message: "m" }));
  await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: entries(11) })), { name: "TooManyEntriesInBatchRequestException" });
  await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [] })), { name: "EmptyBatchRequestException" });
  await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "a", Message: "1" }, { Id: "a", Message: "2" }] })), { name: "BatchEntryIdsNotDistinctException" });
  await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "a b", Message: "1" }] })), { name: "InvalidBatchEntryIdException" });
  const big = Array.from({ length: 2 }, (_, i) => ({ Id: `b${i}`, Message: "x".repeat(200_000) }));
  await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: big })), { name: "BatchRequestTooLongException" });
});

test("a long poll waiting on a subscribed queue wakes up when the publish commits", async () => {
  const { TopicArn, QueueUrl } = await topicWithQueue();
  const started = Date.now();
  const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
  await new Promise((r) => setTimeout(r, 50));
  await sns.send(new PublishCommand({ TopicArn, Message: "wake" }));
  const r = await poll;
  assert.equal(JSON.parse(r.Messages![0].Body!).Message, "wake");
  assert.ok(Date.now() - started < 5000);
});

test("fan-out to 10 queues: every queue has every message when Publish returns", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "fanout" }));
  const urls: string[] = [];
  for (let i = 0; i < 10; i++) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `fan-${i}` }));
    urls.push(QueueUrl!);
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:fan-${i}` }));
  }
  const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => sns.send(new PublishCommand({ TopicArn, Message: `m${i}` })).then((r) => r.MessageId!)));
  for (const QueueUrl of urls) {
    const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(a.Attributes?.ApproximateNumberOfMessages, "25");
    const seen = new Set<string>();
    for (;;) {
      const batch = await receiveAll(QueueUrl);
      if (batch.length === 0) break;
      for (const m of batch) seen.add(JSON.parse(m.Body!).MessageId);
    }
    assert.deepEqual([...seen].sort(), [...ids].sort());
  }
});
