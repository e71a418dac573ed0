// FIFO topic to FIFO queue delivery: group order across groups, the topic's deduplication id carried into the
// queue and checked by the queue's own deduplication, content-based topics, raw and envelope bodies, fan-out to
// several FIFO queues, and standard topics refusing FIFO queues.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const { sqs, sns } = useTestServer({ clock });

let n = 0;
async function topic(attrs: Record<string, string> = {}): Promise<string> {
  const r = await sns.send(new CreateTopicCommand({ Name: `ft-${++n}.fifo`, Attributes: { FifoTopic: "true", ...attrs } }));
  return r.TopicArn!;
}
async function fifoQueue(TopicArn: string, subAttrs: Record<string, string> = {}, queueAttrs: Record<string, string> = {}): Promise<string> {
  const name = `fq-${++n}.fifo`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: "true", ...queueAttrs } }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:${name}`, Attributes: subAttrs }));
  return QueueUrl!;
}
/** Everything in the queue, receiving (FIFO: one group's head at a time per receive) and deleting until it is empty. */
async function drain(QueueUrl: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl, MaxNumberOfMessages: 3, VisibilityTimeout: 600, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"],
    }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages);
    for (const m of r.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}
const text = (m: Message) => (JSON.parse(m.Body!) as { Message: string }).Message;

test("a standard topic cannot subscribe a FIFO queue; a FIFO topic subscribes FIFO and standard queues", async () => {
  const { TopicArn: standard } = await sns.send(new CreateTopicCommand({ Name: "std-for-fifo-queue" }));
  await sqs.send(new CreateQueueCommand({ QueueName: "target.fifo", Attributes: { FifoQueue: "true" } }));
  await rejectsAws(sns.send(new SubscribeCommand({ TopicArn: standard, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:target.fifo" })), {
    name: "InvalidParameterException", message: "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
  });
  const fifo = await topic();
  const r = await sns.send(new SubscribeCommand({ TopicArn: fifo, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:target.fifo" }));
  assert.match(r.SubscriptionArn!, /^arn:aws:sns:us-east-1:000000000000:ft-\d+\.fifo:/);
});

test("group order holds across several groups; each message carries group, deduplication id and the queue's sequence number", async () => {
  const TopicArn = await topic();
  const QueueUrl = await fifoQueue(TopicArn);
  const published: { group: string; body: string; seq: string }[] = [];
  for (let i = 0; i < 12; i++) {
    const group = `g${i % 3}`;
    const r = await sns.send(new PublishCommand({ TopicArn, Message: `${group}-${i}`, MessageGroupId: group, MessageDeduplicationId: `d${i}` }));
    published.push({ group, body: `${group}-${i}`, seq: r.SequenceNumber! });
  }
  const got = await drain(QueueUrl);
  assert.equal(got.length, 12);
  for (const g of ["g0", "g1", "g2"]) {
    const mine = got.filter((m) => m.Attributes!.MessageGroupId === g);
    assert.deepEqual(mine.map(text), published.filter((p) => p.group === g).map((p) => p.body));
    // The envelope carries the topic's SequenceNumber; the queue gives its own, growing in group order.
    assert.deepEqual(mine.map((m) => JSON.parse(m.Body!).SequenceNumber), published.filter((p) => p.group === g).map((p) => p.seq));
    const queueSeqs = mine.map((m) => BigInt(m.Attributes!.SequenceNumber!));
    assert.deepEqual([...queueSeqs].sort((a, b) => (a < b ? -1 : 1)), queueSeqs);
  }
  const first = got.find((m) => text(m) === "g0-0")!;
  assert.equal(first.Attributes!.MessageDeduplicationId, "d0");
  assert.equal(first.Attributes!.SenderId, "000000000000");
});

test("the same deduplication id twice is one queue message; the queue's own deduplication drops a copy from another topic", async () => {
  const a = await topic();
  const QueueUrl = await fifoQueue(a);
  const first = await sns.send(new PublishCommand({ TopicArn: a, Message: "one", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  const again = await sns.send(new PublishCommand({ TopicArn: a, Message: "one", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  assert.equal(again.MessageId, first.MessageId);
  // A second topic sends the same deduplication id into the queue within 5 minutes: the queue keeps one copy.
  const b = await topic();
  await sns.send(new SubscribeCommand({ TopicArn: b, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:fq-${n}.fifo` }));
  await sns.send(new PublishCommand({ TopicArn: b, Message: "from b", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  assert.deepEqual((await drain(QueueUrl)).map(text), ["one"]);
  // After the 5-minute window the id is new again, for the topic and for the queue.
  clock.advance(5 * 60_000 + 1);
  await sns.send(new PublishCommand({ TopicArn: a, Message: "later", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  assert.deepEqual((await drain(QueueUrl)).map(text), ["later"]);
});

test("content-based deduplication on the topic: the queue (without it) gets the topic's SHA-256 id; PublishBatch keeps order", async () => {
  const TopicArn = await topic({ ContentBasedDeduplication: "true" });
  const QueueUrl = await fifoQueue(TopicArn);
  await sns.send(new PublishCommand({ TopicArn, Message: "same body", MessageGroupId: "g" }));
  await sns.send(new PublishCommand({ TopicArn, Message: "same body", MessageGroupId: "g" }));
  await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [
    { Id: "1", Message: "b1", MessageGroupId: "g" }, { Id: "2", Message: "b2", MessageGroupId: "g" }, { Id: "3", Message: "b1", MessageGroupId: "g" },
  ] }));
  const got = await drain(QueueUrl);
  assert.deepEqual(got.map(text), ["same body", "b1", "b2"]);
  assert.equal(got[0].Attributes!.MessageDeduplicationId, createHash("sha256").update("same body").digest("hex"));
});

test("raw delivery puts the message and its attributes into the FIFO queue; the envelope is signed JSON", async () => {
  const TopicArn = await topic();
  const raw = await fifoQueue(TopicArn, { RawMessageDelivery: "true" });
  const wrapped = await fifoQueue(TopicArn);
  const r = await sns.send(new PublishCommand({
    TopicArn, Message: "payload", Subject: "s", MessageGroupId: "g", MessageDeduplicationId: "x1",
    MessageAttributes: { kind: { DataType: "String", StringValue: "k1" } },
  }));
  const [m] = await drain(raw);
  assert.equal(m.Body, "payload");
  assert.equal(m.MessageAttributes!.kind.StringValue, "k1");
  assert.equal(m.Attributes!.MessageGroupId, "g");
  const [e] = await drain(wrapped);
  const doc = JSON.parse(e.Body!);
  assert.equal(doc.Type, "Notification");
  assert.equal(doc.MessageId, r.MessageId);
  assert.equal(doc.SequenceNumber, r.SequenceNumber);
  assert.equal(doc.Message, "payload");
  assert.equal(doc.MessageAttributes.kind.Value, "k1");
  assert.ok(doc.Signature);
  assert.equal(e.MessageAttributes, undefined);
});

test("fan-out to two FIFO queues and a standard queue, each with the whole group in order", async () => {
  const TopicArn = await topic();
  const q1 = await fifoQueue(TopicArn);
  const q2 = await fifoQueue(TopicArn, {}, { DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" });
  const { QueueUrl: std } = await sqs.send(new CreateQueueCommand({ QueueName: `std-${++n}` }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:std-${n}` }));
  const bodies = ["a", "b", "c", "d"];
  for (const [i, b] of bodies.entries()) await sns.send(new PublishCommand({ TopicArn, Message: b, MessageGroupId: "g", MessageDeduplicationId: `id${i}` }));
  assert.deepEqual((await drain(q1)).map(text), bodies);
  assert.deepEqual((await drain(q2)).map(text), bodies);
  assert.deepEqual((await drain(std!)).map(text).sort(), bodies);
});
