// Durability: a server on a real data directory is closed and a new one started on the same directory;
// queues, attributes, tags and messages survive, deleted messages stay deleted, in-flight messages stay in
// flight until their visibility timeout, receipt handles keep working, and QueueDeletedRecently is remembered.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ListQueueTagsCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, type Message,
} from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

let dataDir: string;
const clock = new ManualClock();
const open: Mailroom[] = [];

async function start(): Promise<Mailroom> {
  const s = await startTestServer({ memory: false, dataDir, clock, profile: "aws" });
  open.push(s);
  return s;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mailroom-durability-"));
});
after(async () => {
  for (const s of open) await s.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("messages, queues and their settings survive a restart; deleted messages stay deleted", async () => {
  const first = await start();
  let sqs = sqsClient(first.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({
    QueueName: "durable", Attributes: { VisibilityTimeout: "60", DelaySeconds: "0" }, tags: { keep: "me" },
  }));
  assert.ok(QueueUrl);
  await sqs.send(new SendMessageBatchCommand({
    QueueUrl,
    Entries: Array.from({ length: 6 }, (_, i) => ({
      Id: `m${i}`, MessageBody: `body ${i} 📬\r\n`, MessageAttributes: { n: { DataType: "Number", StringValue: String(i) } },
    })),
  }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "delayed", DelaySeconds: 30 }));
  const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }))).Messages ?? [];
  assert.equal(got.length, 3);
  // m0 deleted, m1 left in flight, m2's handle kept for after the restart.
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got[0].ReceiptHandle }));
  const keptHandle = got[2].ReceiptHandle;
  await first.close();

  const second = await start();
  sqs = sqsClient(second.endpoint);
  const url2 = QueueUrl.replace(first.endpoint, second.endpoint);
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url2, AttributeNames: ["All"] }));
  assert.equal(attrs.Attributes?.VisibilityTimeout, "60");
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, "3");
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, "2");
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesDelayed, "1");
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url2 }))).Tags, { keep: "me" });

  // A receipt handle from before the restart still deletes.
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url2, ReceiptHandle: keptHandle }));

  const after: Message[] = (await sqs.send(new ReceiveMessageCommand({
    QueueUrl: url2, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], VisibilityTimeout: 0,
  }))).Messages ?? [];
  assert.deepEqual(after.map((m) => m.Body), ["body 3 📬\r\n", "body 4 📬\r\n", "body 5 📬\r\n"]);
  assert.equal(after[0].MessageAttributes?.n.StringValue, "3");

  clock.advance(60_000); // m1's visibility and the delay both end
  const later = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url2, MaxNumberOfMessages: 10, AttributeNames: ["All"] }))).Messages ?? [];
  const bodies = later.map((m) => m.Body).sort();
  assert.deepEqual(bodies, ["body 1 📬\r\n", "body 3 📬\r\n", "body 4 📬\r\n", "body 5 📬\r\n", "delayed"].sort());
  const m1 = later.find((m) => m.Body === "body 1 📬\r\n");
  assert.equal(m1?.Attributes?.ApproximateReceiveCount, "2");
  assert.equal(m1?.MessageId, got[1].MessageId);
  await second.close();
});

test("a deleted queue is still 'recently deleted' after a restart", async () => {
  const a = await start();
  const sqs = sqsClient(a.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "deleted-before-restart" }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl }));
  await a.close();

  const b = await start();
  const sqs2 = sqsClient(b.endpoint);
  await rejectsAws(sqs2.send(new CreateQueueCommand({ QueueName: "deleted-before-restart" })), { name: "QueueDeletedRecently" });
  clock.advance(60_000);
  await sqs2.send(new CreateQueueCommand({ QueueName: "deleted-before-restart" }));
  await b.close();
});
