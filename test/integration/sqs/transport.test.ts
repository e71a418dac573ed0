// Transport: the SQS client over HTTP/2 cleartext with prior knowledge (NodeHttp2Handler) against the same
// port as HTTP/1.1 clients, including errors, batches, concurrent streams and long polls.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  CreateQueueCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand,
  SendMessageCommand, SQSClient,
} from "@aws-sdk/client-sqs";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { TEST_CREDENTIALS, sqsClient, startTestServer } from "../../helpers/server.ts";

let server: Mailroom;
let h1: SQSClient;
let h2: SQSClient;

before(async () => {
  server = await startTestServer();
  h1 = sqsClient(server.endpoint);
  h2 = new SQSClient({
    endpoint: server.endpoint,
    region: "us-east-1",
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttp2Handler({ disableConcurrentStreams: false }),
  });
});
after(async () => {
  h2.destroy();
  h1.destroy();
  await server.close();
});

test("HTTP/2 and HTTP/1.1 clients share the port and the queues", async () => {
  const { QueueUrl } = await h2.send(new CreateQueueCommand({ QueueName: "h2-shared" }));
  assert.equal(QueueUrl, `${server.endpoint}/000000000000/h2-shared`);
  assert.equal((await h1.send(new GetQueueUrlCommand({ QueueName: "h2-shared" }))).QueueUrl, QueueUrl);
  await h1.send(new SendMessageCommand({ QueueUrl, MessageBody: "from h1 📬\r\n", MessageAttributes: { a: { DataType: "Binary", BinaryValue: new Uint8Array([0, 255]) } } }));
  const r = await h2.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"] }));
  assert.equal(r.Messages?.[0].Body, "from h1 📬\r\n");
  assert.deepEqual([...(r.Messages?.[0].MessageAttributes?.a.BinaryValue ?? [])], [0, 255]);
});

test("errors arrive over HTTP/2 as AWS errors", async () => {
  await rejectsAws(h2.send(new GetQueueUrlCommand({ QueueName: "h2-missing" })), {
    name: "QueueDoesNotExist", code: "AWS.SimpleQueueService.NonExistentQueue", status: 400,
  });
});

test("many concurrent requests on one HTTP/2 connection", async () => {
  const { QueueUrl } = await h2.send(new CreateQueueCommand({ QueueName: "h2-concurrent" }));
  await Promise.all(Array.from({ length: 50 }, (_, i) => h2.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }))));
  const bodies = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const r = await h2.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    for (const m of r.Messages ?? []) bodies.add(m.Body ?? "");
    if (r.Messages?.length) {
      await h2.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: r.Messages.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
  }
  assert.equal(bodies.size, 50);
});

test("a long poll over HTTP/2 does not block other streams and wakes on a send", async () => {
  const { QueueUrl } = await h2.send(new CreateQueueCommand({ QueueName: "h2-longpoll" }));
  const poll = h2.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
  const started = performance.now();
  const batch = await h2.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: "woke" }] }));
  assert.equal(batch.Successful?.length, 1);
  const r = await poll;
  assert.equal(r.Messages?.[0].Body, "woke");
  assert.ok(performance.now() - started < 1000);
});

test("an abandoned long poll over HTTP/2 stops waiting: it does not swallow a message sent afterwards", async () => {
  // The stream's cancel (node-adapter.ts) ends the wait; a poll left waiting would claim the message for a reader
  // that is gone, and it would stay invisible for the visibility timeout.
  const { QueueUrl } = await h1.send(new CreateQueueCommand({ QueueName: "h2-abandoned" }));
  const abort = new AbortController();
  const poll = h2.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }), { abortSignal: abort.signal });
  await new Promise((r) => setTimeout(r, 150));
  abort.abort();
  await assert.rejects(poll);
  await new Promise((r) => setTimeout(r, 100));
  await h1.send(new SendMessageCommand({ QueueUrl, MessageBody: "not lost" }));
  const r = await h1.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(r.Messages?.[0].Body, "not lost");
});
