// Dead-letter queue redrive through the JS SDK on a ManualClock: StartMessageMoveTask / ListMessageMoveTasks /
// CancelMessageMoveTask, back to each message's source queue or to a given destination, at the requested rate,
// and continuing after a restart. The background mover ticks once a second by the clock; tests advance it and
// wait for the tick's writes.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CancelMessageMoveTaskCommand, CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ListMessageMoveTasksCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, StartMessageMoveTaskCommand, type ListMessageMoveTasksResultEntry, type SQSClient,
} from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, startTestServer } from "../../helpers/server.ts";

const clock = new ManualClock();
let server: Mailroom;
let sqs: SQSClient;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mailroom-moves-"));
  server = await startTestServer({ clock });
  sqs = sqsClient(server.endpoint);
});
after(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

async function create(c: SQSClient, name: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await c.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

/** src → dlq with maxReceiveCount 1, and n messages dead-lettered into dlq. */
async function deadLettered(c: SQSClient, prefix: string, n: number): Promise<{ src: string; dlq: string }> {
  const dlq = await create(c, `${prefix}-dlq`);
  const src = await create(c, `${prefix}-src`, {
    VisibilityTimeout: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn(`${prefix}-dlq`), maxReceiveCount: 1 }),
  });
  for (let i = 0; i < n; i += 10) {
    await c.send(new SendMessageBatchCommand({
      QueueUrl: src,
      Entries: Array.from({ length: Math.min(10, n - i) }, (_, k) => ({
        Id: `e${k}`, MessageBody: `${prefix}-${i + k}`, MessageAttributes: { n: { DataType: "Number", StringValue: String(i + k) } },
      })),
    }));
  }
  // One receive each, then the next receive moves them to the dead-letter queue.
  for (let round = 0; round < 2; round++) {
    for (let got = 0; got < n;) {
      const r = await c.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
      if (!r.Messages) break;
      got += r.Messages.length;
    }
  }
  await c.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
  assert.equal(await visible(c, dlq), n);
  return { src, dlq };
}

async function visible(c: SQSClient, url: string): Promise<number> {
  const a = await c.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }));
  return Number(a.Attributes?.ApproximateNumberOfMessages);
}

async function latest(c: SQSClient, sourceArn: string): Promise<ListMessageMoveTasksResultEntry> {
  const r = await c.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
  assert.ok(r.Results?.[0]);
  return r.Results[0];
}

/** Polls (in real time) until the latest task of the source satisfies ok. */
async function until(c: SQSClient, sourceArn: string, ok: (t: ListMessageMoveTasksResultEntry) => boolean): Promise<ListMessageMoveTasksResultEntry> {
  for (let i = 0; i < 200; i++) {
    const t = await latest(c, sourceArn);
    if (ok(t)) return t;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`move task never got there: ${JSON.stringify(await latest(c, sourceArn))}`);
}

/** Advances one mover tick and waits until the task has moved `moved` messages. */
async function tick(c: SQSClient, sourceArn: string, moved: number) {
  clock.advance(1000);
  return until(c, sourceArn, (t) => t.ApproximateNumberOfMessagesMoved === moved);
}

describe("StartMessageMoveTask", () => {
  test("moves every message back to its source queue as a new message, keeping body and attributes", async () => {
    const { src } = await deadLettered(sqs, "back", 3);
    const start = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("back-dlq") }));
    assert.ok(start.TaskHandle);
    assert.deepEqual(JSON.parse(Buffer.from(start.TaskHandle, "base64").toString()).sourceArn, arn("back-dlq"));
    const running = await latest(sqs, arn("back-dlq"));
    assert.equal(running.Status, "RUNNING");
    assert.equal(running.TaskHandle, start.TaskHandle);
    assert.equal(running.ApproximateNumberOfMessagesToMove, 3);
    assert.equal(running.DestinationArn, undefined);
    assert.equal(running.MaxNumberOfMessagesPerSecond, undefined);
    assert.equal(running.StartedTimestamp, clock.now());

    clock.advance(1000);
    const done = await until(sqs, arn("back-dlq"), (t) => t.Status === "COMPLETED");
    assert.equal(done.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(done.TaskHandle, undefined);
    const r = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: src, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"],
    }));
    assert.deepEqual(r.Messages?.map((m) => m.Body).sort(), ["back-0", "back-1", "back-2"]);
    for (const m of r.Messages ?? []) {
      // A redriven message is a new message: receive count and dead-letter source start afresh.
      assert.equal(m.Attributes?.ApproximateReceiveCount, "1");
      assert.equal(m.Attributes?.DeadLetterQueueSourceArn, undefined);
      assert.equal(m.Attributes?.SentTimestamp, String(clock.now()));
      assert.equal(m.MessageAttributes?.n.StringValue, m.Body?.split("-")[1]);
    }
    assert.equal(await visible(sqs, `${server.endpoint}/000000000000/back-dlq`), 0);
  });

  test("moves to a given destination at MaxNumberOfMessagesPerSecond; one active task per source", async () => {
    const { dlq } = await deadLettered(sqs, "rate", 5);
    const dest = await create(sqs, "rate-dest");
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("rate-dlq"), DestinationArn: arn("rate-dest"), MaxNumberOfMessagesPerSecond: 2 }));
    await rejectsAws(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("rate-dlq") })), {
      name: "InvalidParameterValue", status: 400,
      message: "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
    });
    let t = await tick(sqs, arn("rate-dlq"), 2);
    assert.equal(t.Status, "RUNNING");
    assert.equal(t.DestinationArn, arn("rate-dest"));
    assert.equal(t.MaxNumberOfMessagesPerSecond, 2);
    assert.equal(await visible(sqs, dest), 2);
    assert.equal(await visible(sqs, dlq), 3);
    t = await tick(sqs, arn("rate-dlq"), 4);
    clock.advance(1000);
    t = await until(sqs, arn("rate-dlq"), (x) => x.Status === "COMPLETED");
    assert.equal(t.ApproximateNumberOfMessagesMoved, 5);
    assert.equal(await visible(sqs, dest), 5);
    // Once it has ended, another may start.
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("rate-dlq") }));
    const r = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn("rate-dlq"), MaxResults: 10 }));
    assert.deepEqual(r.Results?.map((x) => x.Status), ["RUNNING", "COMPLETED"]);
  });

  test("CancelMessageMoveTask stops the task and reports how many moved", async () => {
    const { dlq } = await deadLettered(sqs, "cancel", 4);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("cancel-dlq"), MaxNumberOfMessagesPerSecond: 1 }));
    await tick(sqs, arn("cancel-dlq"), 1);
    const c = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    assert.equal(c.ApproximateNumberOfMessagesMoved, 1);
    clock.advance(1000);
    clock.advance(1000);
    const t = await latest(sqs, arn("cancel-dlq"));
    assert.equal(t.Status, "CANCELLED");
    assert.equal(t.ApproximateNumberOfMessagesMoved, 1);
    assert.equal(await visible(sqs, dlq), 3);
    await rejectsAws(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })), { name: "ResourceNotFoundException", status: 404 });
  });

  test("a destination deleted while the task runs fails it with NonExistentQueue", async () => {
    await deadLettered(sqs, "gone", 3);
    const dest = await create(sqs, "gone-dest");
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("gone-dlq"), DestinationArn: arn("gone-dest"), MaxNumberOfMessagesPerSecond: 1 }));
    await tick(sqs, arn("gone-dlq"), 1);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dest }));
    clock.advance(1000);
    const t = await until(sqs, arn("gone-dlq"), (x) => x.Status === "FAILED");
    assert.equal(t.FailureReason, "AWS.SimpleQueueService.NonExistentQueue");
    assert.equal(t.ApproximateNumberOfMessagesMoved, 1);
  });

  test("errors: not a dead-letter queue, missing queues, rate outside 1..500, MaxResults outside 1..10", async () => {
    await create(sqs, "plain");
    await deadLettered(sqs, "err", 1);
    await rejectsAws(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("plain") })), {
      name: "InvalidParameterValue", status: 400, message: "Source queue must be configured as a Dead Letter Queue.",
    });
    await rejectsAws(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("nope") })), {
      name: "ResourceNotFoundException", status: 404, message: "The resource that you specified for the SourceArn parameter doesn't exist.",
    });
    await rejectsAws(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("err-dlq"), DestinationArn: arn("nope") })), {
      name: "ResourceNotFoundException", status: 404, message: "The resource that you specified for the DestinationArn parameter doesn't exist.",
    });
    for (const rate of [0, 501]) {
      await rejectsAws(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("err-dlq"), MaxNumberOfMessagesPerSecond: rate })), {
        name: "InvalidParameterValue", status: 400, message: /MaxNumberOfMessagesPerSecond/,
      });
    }
    for (const max of [0, 11]) {
      await rejectsAws(sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn("err-dlq"), MaxResults: max })), {
        name: "InvalidParameterValue", status: 400,
      });
    }
    assert.deepEqual((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: arn("err-dlq") }))).Results, []);
  });

  test("CancelMessageMoveTask with a bad handle, an unknown source or an unknown task", async () => {
    await create(sqs, "cx");
    await rejectsAws(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: "foobared" })), {
      name: "InvalidParameterValue", status: 400, message: "Value for parameter TaskHandle is invalid.",
    });
    const handle = (sourceArn: string) => Buffer.from(JSON.stringify({ taskId: "10f57157-fc38-4da9-a113-4de7e12d05aa", sourceArn })).toString("base64");
    await rejectsAws(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle(arn("cx-missing")) })), {
      name: "ResourceNotFoundException", status: 404, message: "The resource that you specified for the SourceArn parameter doesn't exist.",
    });
    await rejectsAws(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle(arn("cx")) })), {
      name: "ResourceNotFoundException", status: 404, message: "Task does not exist.",
    });
  });
});

test("a move task continues after a restart", async () => {
  const s1 = await startTestServer({ memory: false, dataDir, clock });
  let c = sqsClient(s1.endpoint);
  try {
    await deadLettered(c, "restart", 3);
    await c.send(new StartMessageMoveTaskCommand({ SourceArn: arn("restart-dlq"), MaxNumberOfMessagesPerSecond: 1 }));
    await tick(c, arn("restart-dlq"), 1);
  } finally {
    await s1.close();
  }
  const s2 = await startTestServer({ memory: false, dataDir, clock });
  c = sqsClient(s2.endpoint);
  try {
    assert.equal((await latest(c, arn("restart-dlq"))).Status, "RUNNING");
    await tick(c, arn("restart-dlq"), 2);
    clock.advance(1000);
    const t = await until(c, arn("restart-dlq"), (x) => x.Status === "COMPLETED");
    assert.equal(t.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(await visible(c, `${s2.endpoint}/000000000000/restart-src`), 3);
  } finally {
    await s2.close();
  }
});

describe("StartMessageMoveTask on FIFO queues", () => {
  test("a FIFO dead-letter queue redrives to its source in order, keeping message groups, with new sequence numbers", async () => {
    const dlq = await create(sqs, "ff-dlq.fifo", { FifoQueue: "true" });
    const src = await create(sqs, "ff-src.fifo", {
      FifoQueue: "true", ContentBasedDeduplication: "true", VisibilityTimeout: "0",
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("ff-dlq.fifo"), maxReceiveCount: 1 }),
    });
    const bodies = ["a1", "b1", "a2", "b2", "a3"];
    for (const body of bodies) {
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: src, Entries: [{ Id: "e", MessageBody: body, MessageGroupId: body[0] }] }));
    }
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }));
    assert.equal(first.Messages?.length, 5);
    const before = new Map(first.Messages?.map((m) => [m.Body, BigInt(m.Attributes?.SequenceNumber ?? "0")]));
    // The next receive moves every message (received once) to the dead-letter queue.
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }))).Messages, undefined);
    assert.equal(await visible(sqs, dlq), 5);

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("ff-dlq.fifo") }));
    clock.advance(1000);
    const done = await until(sqs, arn("ff-dlq.fifo"), (t) => t.Status === "COMPLETED");
    assert.equal(done.ApproximateNumberOfMessagesMoved, 5);
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["All"] }));
    const got = back.Messages ?? [];
    // Each group in its order, a group's messages together (FIFO receive order), all back in the source.
    assert.deepEqual(got.map((m) => m.Body), ["a1", "a2", "a3", "b1", "b2"]);
    for (const m of got) {
      assert.equal(m.Attributes?.MessageGroupId, m.Body?.[0]);
      assert.ok(BigInt(m.Attributes?.SequenceNumber ?? "0") > (before.get(m.Body) ?? 0n), "a redriven message gets a new sequence number");
    }
    const seqs = got.map((m) => BigInt(m.Attributes?.SequenceNumber ?? "0"));
    assert.ok(seqs[0] < seqs[1] && seqs[1] < seqs[2] && seqs[3] < seqs[4]);
  });

  test("a FIFO source cannot redrive into a standard destination", async () => {
    await create(sqs, "ff2-dlq.fifo", { FifoQueue: "true" });
    await create(sqs, "ff2-src.fifo", { FifoQueue: "true", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("ff2-dlq.fifo"), maxReceiveCount: 1 }) });
    await create(sqs, "ff2-standard");
    await rejectsAws(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("ff2-dlq.fifo"), DestinationArn: arn("ff2-standard") })), {
      name: "InvalidParameterValue", status: 400, message: "The source queue and the destination queue must be of the same queue type.",
    });
  });
});
