// FIFO queues through the JS SDK (AWS JSON) on a ManualClock: creation and attributes, send validation,
// group order and blocking, deduplication (explicit, content-based, per group) and its 5-minute window,
// sequence numbers, ReceiveRequestAttemptId, expired receipts, batches with partial failures, and FIFO
// dead-letter queues keeping group order.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand,
  GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
  SetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock();
const { sqs } = useTestServer({ clock });

async function fifo(name: string, Attributes: Record<string, string> = {}): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: "true", ...Attributes } }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

const send = (QueueUrl: string, body: string, group: string, dedup = body) =>
  sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }));

async function receive(QueueUrl: string, max = 10, extra: Record<string, unknown> = {}) {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: max, MessageSystemAttributeNames: ["All"], ...extra }));
  return r.Messages ?? [];
}

describe("FIFO queue attributes", () => {
  test("GetQueueAttributes(All) shows the FIFO defaults; the type cannot be changed", async () => {
    const url = await fifo("fa");
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }));
    assert.equal(Attributes?.FifoQueue, "true");
    assert.equal(Attributes?.ContentBasedDeduplication, "false");
    assert.equal(Attributes?.DeduplicationScope, "queue");
    assert.equal(Attributes?.FifoThroughputLimit, "perQueue");
    await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { FifoQueue: "true" } })), {
      name: "InvalidAttributeValue", status: 400, message: "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" } }));
    const after = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["DeduplicationScope", "FifoThroughputLimit"] }));
    assert.deepEqual(after.Attributes, { DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" });
    await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DeduplicationScope: "everything" } })), {
      name: "InvalidAttributeValue", message: /^Invalid value for the parameter DeduplicationScope\./,
    });
    // CreateQueue again with the same attributes returns the queue.
    assert.equal(await fifo("fa", { DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" }), url);
  });

  test("a FIFO queue's dead-letter queue must be FIFO", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "fa-std-dlq" }));
    const policy = JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:fa-std-dlq", maxReceiveCount: 1 });
    await rejectsAws(sqs.send(new CreateQueueCommand({ QueueName: "fa-src.fifo", Attributes: { FifoQueue: "true", RedrivePolicy: policy } })), {
      name: "InvalidParameterValue", message: /Dead-letter queue must be same type of queue as the source/,
    });
  });
});

describe("FIFO sends", () => {
  test("MessageGroupId is required, a deduplication id is required without content-based deduplication, per-message delays are rejected", async () => {
    const url = await fifo("fs");
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageDeduplicationId: "d" })), {
      name: "MissingParameter", status: 400, message: "The request must contain the parameter MessageGroupId.",
    });
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageGroupId: "g" })), {
      name: "InvalidParameterValue", message: "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    });
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageGroupId: "g", MessageDeduplicationId: "d", DelaySeconds: 2 })), {
      name: "InvalidParameterValue", message: "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
    });
    await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", MessageGroupId: "bad group", MessageDeduplicationId: "d" })), {
      name: "InvalidParameterValue", message: "Value bad group for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
    });
  });

  test("a duplicate within 5 minutes returns the original MessageId and SequenceNumber and is not delivered; after, it is new", async () => {
    const url = await fifo("fd");
    const a = await send(url, "one", "g", "dup");
    const b = await send(url, "two", "g", "dup");
    assert.equal(b.MessageId, a.MessageId);
    assert.equal(b.SequenceNumber, a.SequenceNumber);
    assert.match(a.SequenceNumber ?? "", /^\d{20}$/);
    const got = await receive(url);
    assert.deepEqual(got.map((m) => m.Body), ["one"]);
    assert.equal(got[0].Attributes?.SequenceNumber, a.SequenceNumber);
    assert.equal(got[0].Attributes?.MessageDeduplicationId, "dup");
    assert.equal(got[0].Attributes?.MessageGroupId, "g");
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: got[0].ReceiptHandle }));
    clock.advance(299_999);
    assert.equal((await send(url, "three", "g", "dup")).MessageId, a.MessageId, "the record outlives the deleted message");
    clock.advance(1);
    const c = await send(url, "four", "g", "dup");
    assert.notEqual(c.MessageId, a.MessageId);
    assert.ok(BigInt(c.SequenceNumber ?? "0") > BigInt(a.SequenceNumber ?? "0"));
    assert.deepEqual((await receive(url)).map((m) => m.Body), ["four"]);
  });

  test("content-based deduplication uses the body's SHA-256; DeduplicationScope messageGroup keeps groups apart", async () => {
    const url = await fifo("fc", { ContentBasedDeduplication: "true" });
    const a = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "same", MessageGroupId: "g" }));
    const b = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "same", MessageGroupId: "h" }));
    assert.equal(b.MessageId, a.MessageId, "queue scope: another group is still a duplicate");
    const [m] = await receive(url);
    assert.equal(m.Attributes?.MessageDeduplicationId, "0967115f2813a3541eaef77de9d9d5773f1c0c04314b0bbfe4ff3b3b1c55b5d5");
    const scoped = await fifo("fc-group", { DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" });
    const x = await send(scoped, "x", "g", "d");
    const y = await send(scoped, "y", "h", "d");
    assert.notEqual(y.MessageId, x.MessageId);
    assert.equal((await send(scoped, "z", "h", "d")).MessageId, y.MessageId);
  });
});

describe("FIFO receives", () => {
  test("a group comes in order, several per receive, and is blocked while one of its messages is in flight", async () => {
    const url = await fifo("fr");
    for (const [body, group] of [["a1", "A"], ["b1", "B"], ["a2", "A"], ["a3", "A"], ["b2", "B"]]) await send(url, body, group);
    const first = await receive(url, 2);
    assert.deepEqual(first.map((m) => m.Body), ["a1", "a2"]);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ["b1", "b2"]);
    assert.deepEqual(await receive(url), []);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0].ReceiptHandle }));
    assert.deepEqual(await receive(url), [], "a2 is still in flight");
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first[1].ReceiptHandle, VisibilityTimeout: 0 }));
    const again = await receive(url);
    assert.deepEqual(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]), [["a2", "2"], ["a3", "1"]]);
  });

  test("an expired receipt handle is rejected by DeleteMessage; DeleteMessageBatch reports it per entry", async () => {
    const url = await fifo("fx");
    await send(url, "x", "g");
    await send(url, "y", "h");
    const got = await receive(url, 10, { VisibilityTimeout: 5 });
    assert.equal(got.length, 2);
    clock.advance(5_000);
    const handle = got[0].ReceiptHandle;
    await rejectsAws(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handle })), {
      name: "InvalidParameterValue", status: 400, message: `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    });
    const fresh = await receive(url, 1);
    const r = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: url, Entries: [{ Id: "old", ReceiptHandle: got[1].ReceiptHandle }, { Id: "new", ReceiptHandle: fresh[0].ReceiptHandle }],
    }));
    assert.deepEqual(r.Successful?.map((e) => e.Id), ["new"]);
    assert.equal(r.Failed?.[0].Id, "old");
    assert.equal(r.Failed?.[0].Code, "InvalidParameterValue");
    assert.equal(r.Failed?.[0].SenderFault, true);
  });

  test("a retried ReceiveRequestAttemptId returns the same messages and receipt handles", async () => {
    const url = await fifo("fatt");
    await send(url, "1", "g");
    await send(url, "2", "h");
    const first = await receive(url, 1, { ReceiveRequestAttemptId: "attempt-1" });
    clock.advance(10_000);
    const retry = await receive(url, 1, { ReceiveRequestAttemptId: "attempt-1" });
    assert.deepEqual(retry.map((m) => [m.MessageId, m.ReceiptHandle]), first.map((m) => [m.MessageId, m.ReceiptHandle]));
    const other = await receive(url, 10, { ReceiveRequestAttemptId: "attempt-2" });
    assert.deepEqual(other.map((m) => m.Body), ["2"]);
    // The retry reset the visibility timeout (30 s from the retry).
    clock.advance(25_000);
    assert.deepEqual(await receive(url), []);
    clock.advance(5_000);
    assert.deepEqual((await receive(url)).map((m) => m.Body).sort(), ["1", "2"]);
  });

  test("a FIFO dead-letter queue receives over-received messages in group order", async () => {
    const dlq = await fifo("fdl-dead");
    const policy = JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:fdl-dead.fifo", maxReceiveCount: 1 });
    const src = await fifo("fdl-src", { RedrivePolicy: policy });
    for (const body of ["1", "2", "3"]) await send(src, body, "g");
    const original = await receive(src, 10, { VisibilityTimeout: 0 });
    assert.equal(original.length, 3);
    assert.deepEqual(await receive(src), []);
    const moved = await receive(dlq);
    assert.deepEqual(moved.map((m) => m.Body), ["1", "2", "3"]);
    assert.equal(moved[0].Attributes?.DeadLetterQueueSourceArn, "arn:aws:sqs:us-east-1:000000000000:fdl-src.fifo");
    const seqs = moved.map((m) => BigInt(m.Attributes?.SequenceNumber ?? "0"));
    assert.ok(seqs[0] < seqs[1] && seqs[1] < seqs[2]);
    // In the DLQ a message's deduplication id is its message id (developer guide, dead-letter queue redrive).
    assert.deepEqual(moved.map((m) => m.Attributes?.MessageDeduplicationId), original.map((m) => m.MessageId));
  });
});

describe("FIFO batches", () => {
  test("SendMessageBatch: invalid entries fail alone, the rest are stored in order with sequence numbers, duplicates report the original", async () => {
    const url = await fifo("fb");
    const r = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: "a", MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "a" },
        { Id: "delay", MessageBody: "y", MessageGroupId: "g", MessageDeduplicationId: "y", DelaySeconds: 1 },
        { Id: "b", MessageBody: "b", MessageGroupId: "g", MessageDeduplicationId: "b" },
        { Id: "dup", MessageBody: "a again", MessageGroupId: "g", MessageDeduplicationId: "a" },
      ],
    }));
    assert.deepEqual(r.Successful?.map((e) => e.Id), ["a", "b", "dup"]);
    assert.deepEqual(r.Failed?.map((e) => [e.Id, e.Code, e.SenderFault]), [["delay", "InvalidParameterValue", true]]);
    const [a, b, dup] = r.Successful ?? [];
    assert.ok(BigInt(b.SequenceNumber ?? "0") > BigInt(a.SequenceNumber ?? "0"));
    assert.deepEqual([dup.MessageId, dup.SequenceNumber], [a.MessageId, a.SequenceNumber]);
    assert.deepEqual((await receive(url)).map((m) => m.Body), ["a", "b"]);
  });
});
