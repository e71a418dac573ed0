// FIFO topics: MessageGroupId required, deduplication by id and by content within a durable 5-minute window
// (ManualClock), SequenceNumber, group order in the subscribed queue, archive (ArchivePolicy) and replay.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateTopicCommand, GetSubscriptionAttributesCommand, PublishBatchCommand, PublishCommand,
  SetSubscriptionAttributesCommand, SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const { sqs, sns } = useTestServer({ clock });

let n = 0;
async function fifoTopic(attrs: Record<string, string> = {}, subAttrs: Record<string, string> = {}) {
  const id = ++n;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `f-${id}.fifo`, Attributes: { FifoTopic: "true", ...attrs } }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `fq-${id}` }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:fq-${id}`, Attributes: subAttrs }));
  return { TopicArn: TopicArn!, QueueUrl: QueueUrl!, SubscriptionArn: SubscriptionArn! };
}
async function messages(QueueUrl: string) {
  const out: Record<string, string>[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages.map((m) => JSON.parse(m.Body!)));
    for (const m of r.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}

/** Moves the clock a tick at a time until the subscription's replay has ended; its final ReplayStatus. */
async function replayed(SubscriptionArn: string): Promise<string | undefined> {
  for (let i = 0; i < 200; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 5));
    const status = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!.ReplayStatus;
    if (status === "Completed" || status === "Failed") return status;
  }
  return undefined;
}

test("FIFO publishes need MessageGroupId and a deduplication id (or content-based dedup); only sqs subscriptions", async () => {
  const { TopicArn } = await fifoTopic();
  await rejectsAws(sns.send(new PublishCommand({ TopicArn, Message: "x" })), {
    name: "InvalidParameterException", message: "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
  });
  await rejectsAws(sns.send(new PublishCommand({ TopicArn, Message: "x", MessageGroupId: "g" })), {
    name: "InvalidParameterException", message: /ContentBasedDeduplication enabled or MessageDeduplicationId/,
  });
  await rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: "http://127.0.0.1:1/" })), { name: "InvalidParameterException" });
});

test("SequenceNumber grows; the envelope carries it; group order is kept in the queue", async () => {
  const { TopicArn, QueueUrl } = await fifoTopic();
  const seqs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await sns.send(new PublishCommand({ TopicArn, Message: `m${i}`, MessageGroupId: "g1", MessageDeduplicationId: `d${i}` }));
    assert.match(r.SequenceNumber!, /^\d{20}$/);
    seqs.push(r.SequenceNumber!);
  }
  assert.deepEqual([...seqs].sort(), seqs);
  const got = await messages(QueueUrl);
  assert.deepEqual(got.map((m) => m.Message), ["m0", "m1", "m2", "m3", "m4"]);
  assert.deepEqual(got.map((m) => m.SequenceNumber), seqs);
});

test("deduplication: same id within 5 minutes is one message with the first MessageId; after the window it is new", async () => {
  const { TopicArn, QueueUrl } = await fifoTopic();
  const a = await sns.send(new PublishCommand({ TopicArn, Message: "once", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  clock.advance(4 * 60_000);
  const b = await sns.send(new PublishCommand({ TopicArn, Message: "once again", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  assert.equal(b.MessageId, a.MessageId);
  assert.equal(b.SequenceNumber, a.SequenceNumber);
  clock.advance(60_001);
  const c = await sns.send(new PublishCommand({ TopicArn, Message: "after window", MessageGroupId: "g", MessageDeduplicationId: "same" }));
  assert.notEqual(c.MessageId, a.MessageId);
  assert.deepEqual((await messages(QueueUrl)).map((m) => m.Message), ["once", "after window"]);
});

test("content-based deduplication hashes the message; PublishBatch dedups per entry", async () => {
  const { TopicArn, QueueUrl } = await fifoTopic({ ContentBasedDeduplication: "true" });
  const a = await sns.send(new PublishCommand({ TopicArn, Message: "same body", MessageGroupId: "g" }));
  const b = await sns.send(new PublishCommand({ TopicArn, Message: "same body", MessageGroupId: "other" }));
  assert.equal(b.MessageId, a.MessageId);
  const r = await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [
    { Id: "1", Message: "b1", MessageGroupId: "g" }, { Id: "2", Message: "b1", MessageGroupId: "g" }, { Id: "3", Message: "b2", MessageGroupId: "g" },
  ] }));
  assert.equal(r.Successful!.length, 3);
  assert.equal(r.Successful![0].MessageId, r.Successful![1].MessageId);
  await rejectsAws(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "1", Message: "x" }] })), { name: "InvalidParameterException" });
  assert.deepEqual((await messages(QueueUrl)).map((m) => m.Message), ["same body", "b1", "b2"]);
});

test("archive and replay: a ReplayPolicy redelivers archived messages from a timestamp through the filter", async () => {
  const { TopicArn, QueueUrl, SubscriptionArn } = await fifoTopic({ ArchivePolicy: JSON.stringify({ MessageRetentionPeriod: "2" }), ContentBasedDeduplication: "true" });
  const t0 = clock.now();
  await sns.send(new PublishCommand({ TopicArn, Message: "old", MessageGroupId: "g" }));
  clock.advance(60_000);
  const t1 = new Date(clock.now()).toISOString();
  await sns.send(new PublishCommand({ TopicArn, Message: "keep", MessageGroupId: "g", MessageAttributes: { k: { DataType: "String", StringValue: "yes" } } }));
  await sns.send(new PublishCommand({ TopicArn, Message: "skip", MessageGroupId: "g", MessageAttributes: { k: { DataType: "String", StringValue: "no" } } }));
  assert.equal((await messages(QueueUrl)).length, 3);
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"k":["yes"]}' }));
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: JSON.stringify({ PointType: "Timestamp", StartingPoint: t1 }) }));
  // Replay is asynchronous: Pending until the background replayer (a clock-driven job) has run it.
  assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!.ReplayStatus, "Pending");
  assert.equal(await replayed(SubscriptionArn), "Completed");
  assert.deepEqual((await messages(QueueUrl)).map((m) => m.Message), ["keep"]);
  clock.advance(3 * 86_400_000);
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: JSON.stringify({ PointType: "Timestamp", StartingPoint: new Date(t0).toISOString() }) }));
  assert.equal(await replayed(SubscriptionArn), "Completed");
  assert.deepEqual(await messages(QueueUrl), []);
  const plain = await fifoTopic({ ContentBasedDeduplication: "true" });
  await rejectsAws(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: plain.SubscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: JSON.stringify({ PointType: "Timestamp", StartingPoint: t1 }) })), {
    name: "InvalidParameterException",
  });
});
