// Smoke test: the JS SDK (AWS JSON protocol) creates a queue, sends, receives and deletes a message.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { sqsClient, startTestServer } from "../../helpers/server.ts";
import type { Mailroom } from "../../../src/index.ts";

let server: Mailroom;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test("send, receive and delete through the JS SDK", async () => {
  const sqs = sqsClient(server.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "smoke" }));
  assert.equal(QueueUrl, `${server.endpoint}/000000000000/smoke`);
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "hi", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } }));
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"] }));
  assert.equal(r.Messages?.[0].Body, "hi");
  assert.equal(r.Messages?.[0].MessageAttributes?.k.StringValue, "v");
  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: r.Messages?.[0].ReceiptHandle }));
  const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
  assert.equal(again.Messages, undefined);
});
