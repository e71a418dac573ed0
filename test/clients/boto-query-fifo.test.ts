// FIFO queues through boto3 1.26 (Debian) over the SQS query protocol: FIFO attributes, SendMessage and
// SendMessageBatch with SequenceNumber, the FIFO errors in XML, an expired receipt handle, and a restart
// in the middle of a deduplication window (temp data dir, or its PostgreSQL database): the deduplication
// record survives the restart even though its message was deleted, and expires 5 minutes after the send.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ManualClock, type Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { startBoto, type Boto } from "./boto.ts";

let dataDir: string;
const clock = new ManualClock();
const servers: Mailroom[] = [];
const clients: Boto[] = [];

async function start(): Promise<{ server: Mailroom; boto: Boto }> {
  const server = await startTestServer({ memory: false, dataDir, clock });
  servers.push(server);
  const boto = await startBoto(server.endpoint);
  clients.push(boto);
  return { server, boto };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mailroom-fifo-"));
});
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("FIFO over the query protocol, and deduplication across a restart", async () => {
  const first = await start();
  let boto = first.boto;
  let url = (await boto.call("create_queue", { QueueName: "q-fifo.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } })).QueueUrl as string;
  const attrs = (await boto.call("get_queue_attributes", { QueueUrl: url, AttributeNames: ["All"] })).Attributes;
  assert.deepEqual([attrs.FifoQueue, attrs.ContentBasedDeduplication, attrs.DeduplicationScope, attrs.FifoThroughputLimit], ["true", "true", "queue", "perQueue"]);

  let e = await boto.fail("send_message", { QueueUrl: url, MessageBody: "x" });
  assert.deepEqual([e.Code, e.Message, e.HTTPStatusCode], ["MissingParameter", "The request must contain the parameter MessageGroupId.", 400]);
  e = await boto.fail("send_message", { QueueUrl: url, MessageBody: "x", MessageGroupId: "g", DelaySeconds: 2 });
  assert.deepEqual([e.Code, e.Message], ["InvalidParameterValue", "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type."]);
  e = await boto.fail("set_queue_attributes", { QueueUrl: url, Attributes: { FifoQueue: "true" } });
  assert.deepEqual([e.Code, e.Message], ["InvalidAttributeValue", "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."]);

  const sent = await boto.call("send_message", { QueueUrl: url, MessageBody: "hello", MessageGroupId: "g" });
  assert.match(sent.SequenceNumber, /^\d{20}$/);
  // An entry without MessageGroupId fails the whole FIFO batch (AWS-recorded, LocalStack SQS snapshot).
  e = await boto.fail("send_message_batch", {
    QueueUrl: url,
    Entries: [{ Id: "ok", MessageBody: "hello", MessageGroupId: "g" }, { Id: "bad", MessageBody: "nogroup" }],
  });
  assert.deepEqual([e.Code, e.Message], ["InvalidParameterValue", "The request must contain the parameter MessageGroupId."]);
  const batch = await boto.call("send_message_batch", {
    QueueUrl: url,
    Entries: [
      { Id: "dup", MessageBody: "hello", MessageGroupId: "g" },
      { Id: "next", MessageBody: "world", MessageGroupId: "g", MessageDeduplicationId: "w" },
    ],
  });
  assert.deepEqual(batch.Successful.map((x: { Id: string }) => x.Id), ["dup", "next"]);
  assert.deepEqual([batch.Successful[0].MessageId, batch.Successful[0].SequenceNumber], [sent.MessageId, sent.SequenceNumber]);
  assert.ok(BigInt(batch.Successful[1].SequenceNumber) > BigInt(sent.SequenceNumber));
  assert.equal(batch.Failed, undefined); // boto3 leaves out an empty Failed list

  const got = await boto.call("receive_message", { QueueUrl: url, MaxNumberOfMessages: 10, AttributeNames: ["All"], VisibilityTimeout: 10 });
  assert.deepEqual(got.Messages.map((m: { Body: string }) => m.Body), ["hello", "world"]);
  assert.equal(got.Messages[0].Attributes.SequenceNumber, sent.SequenceNumber);
  assert.equal(got.Messages[0].Attributes.MessageGroupId, "g");
  await boto.call("delete_message", { QueueUrl: url, ReceiptHandle: got.Messages[0].ReceiptHandle });
  clock.advance(10_000);
  const handle = got.Messages[1].ReceiptHandle as string;
  e = await boto.fail("delete_message", { QueueUrl: url, ReceiptHandle: handle });
  assert.deepEqual([e.Code, e.Message], ["InvalidParameterValue", `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`]);
  const again = await boto.call("receive_message", { QueueUrl: url });
  await boto.call("delete_message", { QueueUrl: url, ReceiptHandle: again.Messages[0].ReceiptHandle });

  // Restart two minutes into the window: "hello" was deleted, its deduplication record was not.
  await first.server.close();
  clock.advance(110_000);
  const second = await start();
  boto = second.boto;
  url = url.replace(first.server.endpoint, second.server.endpoint);
  const dup = await boto.call("send_message", { QueueUrl: url, MessageBody: "hello", MessageGroupId: "g" });
  assert.deepEqual([dup.MessageId, dup.SequenceNumber], [sent.MessageId, sent.SequenceNumber]);
  assert.deepEqual(await boto.call("receive_message", { QueueUrl: url }), {});
  // Five minutes after the first send the id is free again.
  clock.advance(300_000 - 120_000);
  const fresh = await boto.call("send_message", { QueueUrl: url, MessageBody: "hello", MessageGroupId: "g" });
  assert.notEqual(fresh.MessageId, sent.MessageId);
  assert.ok(BigInt(fresh.SequenceNumber) > BigInt(batch.Successful[1].SequenceNumber));
  const last = await boto.call("receive_message", { QueueUrl: url, AttributeNames: ["SequenceNumber"] });
  assert.deepEqual([last.Messages[0].Body, last.Messages[0].Attributes.SequenceNumber], ["hello", fresh.SequenceNumber]);
});
