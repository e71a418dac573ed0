// Full disk on SQLite (issue 20, item 3), simulated with SQLite's max_page_count on the server's own connection
// (https://www.sqlite.org/pragma.html#pragma_max_page_count: past it, a write fails with SQLITE_FULL as on a
// full disk). A send that cannot be stored answers AWS's 503 ServiceUnavailable with a request id; receives,
// deletes and reads go on; nothing acknowledged is lost; once space is freed, sends succeed again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient,
} from "@aws-sdk/client-sqs";
import { CreateTopicCommand, PublishCommand, SubscribeCommand, type SNSClient } from "@aws-sdk/client-sns";
import { startMailroom, type Mailroom } from "../../src/index.ts";
import type { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { snsClient, sqsClient } from "../helpers/server.ts";

const dir = mkdtempSync(join(tmpdir(), "mailroom-full-"));
let server: Mailroom;
let sqlite: SqliteDb | undefined;
let sqs: SQSClient;
let sns: SNSClient;
before(async () => {
  server = await startMailroom({ port: 0, logLevel: (process.env.LOG as "error") ?? "silent", dataDir: dir, sqliteHook: (db) => { sqlite = db as SqliteDb; } });
  sqs = sqsClient(server.endpoint);
  sns = snsClient(server.endpoint);
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pages = () => Number(sqlite!.db.pragma("page_count", { simple: true }));
const limit = (n: number) => sqlite!.db.pragma(`max_page_count = ${n}`);

test("a full disk answers 503 ServiceUnavailable on writes, serves reads and deletes, and recovers", { timeout: 60_000 }, async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "full", Attributes: { VisibilityTimeout: "600" } }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "full-topic" }));
  const { QueueUrl: sinkUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "full-sink" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:full-sink", Attributes: { RawMessageDelivery: "true" } }));
  assert.ok(sqlite, "the fault hook saw the SQLite connection");
  const body = "x".repeat(100_000);
  const acked: string[] = [];
  for (let i = 0; i < 4; i++) acked.push((await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `early ${i}:${body}` }))).MessageId!);
  // Received before the disk fills: in flight, to be deleted while it is full.
  const held = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 4 }))).Messages ?? [];
  assert.equal(held.length, 4);
  // Leave room for a few messages only.
  limit(pages() + 200);
  let refused: { name?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; $fault?: string } | undefined;
  for (let i = 0; i < 200 && !refused; i++) {
    try {
      const r = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `${i}:${body}` }));
      acked.push(r.MessageId!);
    } catch (e) {
      refused = e as typeof refused;
    }
  }
  assert.ok(refused, "the database filled up");
  assert.equal(refused.name, "ServiceUnavailable");
  assert.equal(refused.$metadata?.httpStatusCode, 503);
  assert.equal(refused.$fault, "server");
  assert.match(refused.$metadata?.requestId ?? "", /^[0-9a-f-]{36}$/);
  assert.ok(acked.length > 4);

  // Still full: further writes fail the same way, over both protocols' envelopes.
  await assert.rejects(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })), { name: "ServiceUnavailable" });
  await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: "y".repeat(200_000) })), (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e.name === "ServiceUnavailable" && e.$metadata?.httpStatusCode === 503);

  // Health reports the condition (503, storage unavailable) while writes are refused.
  const health = async () => {
    const r = await fetch(`${server.endpoint}/_mailroom/health`);
    return { status: r.status, body: (await r.json()) as { storage?: { status?: string; error?: string } } };
  };
  const sick = await health();
  assert.equal(sick.status, 503);
  assert.equal(sick.body.storage?.status, "unavailable");
  assert.match(sick.body.storage?.error ?? "", /full/);

  // Reads keep working.
  const listed = await sqs.send(new ListQueuesCommand({}));
  assert.ok(listed.QueueUrls?.includes(QueueUrl!));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
  assert.equal(Number(attrs.Attributes?.ApproximateNumberOfMessages), acked.length - held.length);

  // A receive rewrites its rows (SQLite writes an updated row, overflow pages included, before freeing the old
  // one), so on a full disk it may be refused like a write: 503, never another error.
  try {
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 0 }));
  } catch (e) {
    assert.equal((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 503);
  }
  // Deletes keep working (and free space).
  for (const m of held) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
  assert.equal(Number(left.Attributes?.ApproximateNumberOfMessages) + Number(left.Attributes?.ApproximateNumberOfMessagesNotVisible), acked.length - 4);

  // Space freed (the limit lifted, as when the operator frees disk): writes succeed again without a restart.
  limit(1_000_000);
  const seen = new Set(held.map((m) => m.MessageId!));
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    if (!r.Messages?.length) break;
    for (const m of r.Messages) seen.add(m.MessageId!);
  }
  // Nothing acknowledged was lost.
  assert.deepEqual([...seen].sort(), [...acked].sort());
  const again = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  assert.ok(again.MessageId);
  assert.equal((await health()).status, 200, "health is ok again once writes commit");
  await sns.send(new PublishCommand({ TopicArn, Message: "after" }));
  const sunk = await sqs.send(new ReceiveMessageCommand({ QueueUrl: sinkUrl, MaxNumberOfMessages: 10 }));
  assert.deepEqual(sunk.Messages?.map((m) => m.Body), ["after"], "the refused publish left nothing behind");
});
