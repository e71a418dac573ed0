// Long-poll wake-ups against the SQLite store, below the HTTP layer: a consumer waiting when a message is sent
// receives it in the send's own commit (one fsync for both), and a send of one message wakes one waiter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SystemClock } from "../../src/engine/clock.ts";
import { LocalNotifier } from "../../src/engine/notify.ts";
import { createSqsService } from "../../src/services/sqs/index.ts";
import { cachedQueues } from "../../src/services/sqs/queue-cache.ts";
import type { RequestContext } from "../../src/services/types.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";

function setup() {
  const db = new SqliteDb(":memory:");
  const clock = new SystemClock();
  const notifier = new LocalNotifier(clock);
  const store = cachedQueues(new SqliteSqsStore(db), clock);
  const sqs = createSqsService({ store, clock, notifier });
  const ctx = (operation: string): RequestContext => ({
    requestId: "r", accountId: "000000000000", region: "us-east-1", accessKeyId: "AKID", baseUrl: "http://localhost:4566",
    operation, signal: new AbortController().signal,
  });
  const call = (op: string, input: Record<string, unknown>) => sqs.operations[op](ctx(op), input) as Promise<Record<string, unknown>>;
  return { db, call };
}

/** Lets the long polls get to their wait (they look once, find nothing, and subscribe). */
const settle = () => new Promise((r) => setTimeout(r, 20));

test("a waiting long poll receives a sent message in the send's own commit", async () => {
  const { db, call } = setup();
  const { QueueUrl } = await call("CreateQueue", { QueueName: "wake" });
  const polling = call("ReceiveMessage", { QueueUrl, WaitTimeSeconds: 5 });
  await settle();
  const before = db.commits;
  const [sent, got] = await Promise.all([call("SendMessage", { QueueUrl, MessageBody: "hello" }), polling]);
  assert.equal((got.Messages as { Body: string; MessageId: string }[])[0].Body, "hello");
  assert.equal((got.Messages as { MessageId: string }[])[0].MessageId, sent.MessageId);
  assert.equal(db.commits - before, 1, "the send and the waiting receive share one commit");
  await db.close();
});

test("one message wakes one of several long polls; the others keep waiting for the next", async () => {
  const { db, call } = setup();
  const { QueueUrl } = await call("CreateQueue", { QueueName: "herd" });
  const got: string[] = [];
  const polls = [0, 1, 2].map(() => call("ReceiveMessage", { QueueUrl, WaitTimeSeconds: 5 }).then((r) => {
    for (const m of (r.Messages ?? []) as { Body: string }[]) got.push(m.Body);
  }));
  await settle();
  const before = db.commits;
  await call("SendMessage", { QueueUrl, MessageBody: "one" });
  await settle();
  assert.deepEqual(got, ["one"]);
  assert.equal(db.commits - before, 1, "no other poll woke to look (a look is a write)");
  await call("SendMessage", { QueueUrl, MessageBody: "two" });
  await call("SendMessage", { QueueUrl, MessageBody: "three" });
  await Promise.all(polls);
  assert.deepEqual(got.sort(), ["one", "three", "two"]);
  await db.close();
});
