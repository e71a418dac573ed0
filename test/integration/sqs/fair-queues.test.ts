// Fair queues through the JS SDK (standard queues with MessageGroupId, AWS 2025): one tenant floods the queue, a
// second tenant's messages sent afterwards still come out within the first receives, and the flooding tenant
// keeps being served (no group blocking as on FIFO queues).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, type ReceiveMessageCommandOutput,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock();
const { sqs } = useTestServer({ clock });

async function send(QueueUrl: string, group: string | undefined, bodies: string[]) {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(new SendMessageBatchCommand({
      QueueUrl, Entries: bodies.slice(i, i + 10).map((b, k) => ({ Id: `e${k}`, MessageBody: b, MessageGroupId: group })),
    }));
  }
}

test("a tenant flooding the queue does not starve another tenant", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "fair-flood" }));
  assert.ok(QueueUrl);
  await send(QueueUrl, "tenant-a", Array.from({ length: 1000 }, (_, i) => `a${i}`));
  clock.advance(1);
  await send(QueueUrl, "tenant-b", Array.from({ length: 10 }, (_, i) => `b${i}`));
  const got: string[] = [];
  for (let r = 0; r < 2; r++) {
    const res: ReceiveMessageCommandOutput = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["MessageGroupId"] }));
    assert.equal(res.Messages?.length, 10);
    for (const m of res.Messages ?? []) {
      assert.equal(m.Attributes?.MessageGroupId, m.Body?.startsWith("a") ? "tenant-a" : "tenant-b");
      got.push(m.Body ?? "");
    }
  }
  assert.deepEqual(got.filter((b) => b.startsWith("b")).sort(), Array.from({ length: 10 }, (_, i) => `b${i}`).sort());
  // Tenant A is served too, oldest first, while its earlier messages are still in flight.
  const a = got.filter((b) => b.startsWith("a"));
  assert.deepEqual(a, a.map((_, i) => `a${i}`));
  assert.ok(a.length >= 5);
});

test("messages without a group are a bucket of their own", async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "fair-mixed" }));
  assert.ok(QueueUrl);
  await send(QueueUrl, "tenant-a", Array.from({ length: 50 }, (_, i) => `a${i}`));
  clock.advance(1);
  await send(QueueUrl, undefined, ["plain"]);
  const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 3 }));
  assert.ok(res.Messages?.some((m) => m.Body === "plain"));
});
