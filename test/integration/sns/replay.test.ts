// FIFO topic message replay runs in the background: ReplayStatus goes Pending → Completed (or Failed), a replay
// survives a restart, one with an EndingPoint stops live deliveries, and a replay into a FIFO queue keeps group order.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateTopicCommand, GetSubscriptionAttributesCommand, PublishCommand, SetSubscriptionAttributesCommand, SetTopicAttributesCommand,
  type SNSClient, SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { snsClient, sqsClient, startTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let dataDir: string;
const open: Mailroom[] = [];
let sns: SNSClient;
let sqs: SQSClient;

async function start(): Promise<Mailroom> {
  const s = await startTestServer({ memory: false, dataDir, clock });
  open.push(s);
  sns = snsClient(s.endpoint);
  sqs = sqsClient(s.endpoint);
  return s;
}
before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mailroom-replay-"));
  await start();
});
after(async () => {
  for (const s of open) await s.close();
  await rm(dataDir, { recursive: true, force: true });
});

let n = 0;
const ARCHIVE = { FifoTopic: "true", ContentBasedDeduplication: "true", ArchivePolicy: JSON.stringify({ MessageRetentionPeriod: "7" }) };
async function queue(fifo = false): Promise<{ url: string; arn: string }> {
  const name = `rq-${++n}${fifo ? ".fifo" : ""}`;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: "true" } : {} }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}
async function bodies(QueueUrl: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }));
    if (!r.Messages?.length) return out;
    out.push(...r.Messages.map((m) => (JSON.parse(m.Body!) as { Message: string }).Message));
    for (const m of r.Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  }
}
const status = async (SubscriptionArn: string) => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!.ReplayStatus;
/** Moves the clock a tick at a time until the replay has ended; its final ReplayStatus. */
async function replayed(SubscriptionArn: string): Promise<string | undefined> {
  for (let i = 0; i < 200; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 5));
    const s = await status(SubscriptionArn);
    if (s === "Completed" || s === "Failed") return s;
  }
  return undefined;
}
const policy = (from: number, to?: number) => JSON.stringify({
  PointType: "Timestamp", StartingPoint: new Date(from).toISOString(), ...(to === undefined ? {} : { EndingPoint: new Date(to).toISOString() }),
});

test("a replay given at Subscribe is Pending, survives a restart, then completes in order", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `rt-${++n}.fifo`, Attributes: ARCHIVE }));
  const t0 = clock.now();
  for (const m of ["m1", "m2", "m3"]) {
    await sns.send(new PublishCommand({ TopicArn, Message: m, MessageGroupId: "g" }));
    clock.advance(10);
  }
  const q = await queue();
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { ReplayPolicy: policy(t0) } }));
  assert.equal(await status(SubscriptionArn!), "Pending");
  await open.pop()!.close();
  await start();
  assert.equal(await status(SubscriptionArn!), "Pending");
  assert.equal(await replayed(SubscriptionArn!), "Completed");
  assert.deepEqual(await bodies(q.url), ["m1", "m2", "m3"]);
  // Published after the replay: a live delivery, not replayed again.
  await sns.send(new PublishCommand({ TopicArn, Message: "m4", MessageGroupId: "g" }));
  assert.deepEqual(await bodies(q.url), ["m4"]);
});

test("a replay into a FIFO queue keeps group order; with an EndingPoint the subscription stops receiving new messages", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `rt-${++n}.fifo`, Attributes: ARCHIVE }));
  const q = await queue(true);
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn }));
  const t0 = clock.now();
  for (const m of ["a", "b", "c"]) await sns.send(new PublishCommand({ TopicArn, Message: m, MessageGroupId: "g" }));
  const t1 = clock.now();
  assert.deepEqual(await bodies(q.url), ["a", "b", "c"]);
  // Past the queue's 5-minute deduplication window the replayed copies are new messages for the FIFO queue.
  clock.advance(5 * 60_000 + 1);
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: policy(t0, t1) }));
  assert.equal(await replayed(SubscriptionArn!), "Completed");
  assert.deepEqual(await bodies(q.url), ["a", "b", "c"]);
  await sns.send(new PublishCommand({ TopicArn, Message: "not delivered", MessageGroupId: "g" }));
  assert.deepEqual(await bodies(q.url), []);
});

test("a replay whose topic lost its ArchivePolicy fails", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `rt-${++n}.fifo`, Attributes: ARCHIVE }));
  const q = await queue();
  await sns.send(new PublishCommand({ TopicArn, Message: "x", MessageGroupId: "g" }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn }));
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: policy(clock.now() - 1000) }));
  await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "ArchivePolicy", AttributeValue: "" }));
  assert.equal(await replayed(SubscriptionArn!), "Failed");
  assert.deepEqual(await bodies(q.url), []);
});
