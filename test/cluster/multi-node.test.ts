// Several Mailroom nodes on one PostgreSQL database serve one set of queues: a queue made on one node is
// used on another, a long poll on one node wakes within 50 ms of a send on another, and a background job
// runs on one node only.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { createScheduler } from "../../src/engine/scheduler.ts";
import { ManualClock, startMailroom, type Mailroom } from "../../src/index.ts";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgLeaseStore } from "../../src/storage/postgres/leases.ts";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.ts";
import { sqsClient } from "../helpers/server.ts";

const available = await postgresAvailable();
const skip = available ? false : "no PostgreSQL on 127.0.0.1:5432";
let db: { url: string; drop(): Promise<void> };
let a: Mailroom;
let b: Mailroom;

before(async () => {
  if (skip) return;
  db = await freshDatabase("multi");
  [a, b] = await Promise.all([
    startMailroom({ port: 0, database: db.url, logLevel: "silent" }),
    startMailroom({ port: 0, database: db.url, logLevel: "silent" }),
  ]);
});
after(async () => {
  if (skip) return;
  await a.close();
  await b.close();
  await db.drop();
});

test("a queue created on one node is used on another", { skip }, async () => {
  const sa = sqsClient(a.endpoint);
  const sb = sqsClient(b.endpoint);
  await sa.send(new CreateQueueCommand({ QueueName: "shared", Attributes: { VisibilityTimeout: "60" } }));
  const urlB = `${b.endpoint}/000000000000/shared`;
  await sb.send(new SendMessageCommand({ QueueUrl: urlB, MessageBody: "from b" }));
  const got = await sa.send(new ReceiveMessageCommand({ QueueUrl: `${a.endpoint}/000000000000/shared` }));
  assert.equal(got.Messages?.[0]?.Body, "from b");
  const attrs = await sb.send(new GetQueueAttributesCommand({ QueueUrl: urlB, AttributeNames: ["All"] }));
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, "1");
  assert.equal(attrs.Attributes?.VisibilityTimeout, "60");
});

test("a long poll on one node returns within 50 ms of a send on another", { skip }, async (t) => {
  const sa = sqsClient(a.endpoint);
  const sb = sqsClient(b.endpoint);
  await sa.send(new CreateQueueCommand({ QueueName: "wake" }));
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const poll = sb.send(new ReceiveMessageCommand({ QueueUrl: `${b.endpoint}/000000000000/wake`, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 100)); // let the poll start waiting
    const sentAt = performance.now();
    await sa.send(new SendMessageCommand({ QueueUrl: `${a.endpoint}/000000000000/wake`, MessageBody: `m${i}` }));
    const acked = performance.now();
    const got = await poll;
    latencies.push(performance.now() - acked);
    assert.equal(got.Messages?.[0]?.Body, `m${i}`);
    assert.ok(acked - sentAt < 1000);
  }
  latencies.sort((x, y) => x - y);
  t.diagnostic(`wake-up after acknowledged send, ms: ${latencies.map((l) => l.toFixed(1)).join(" ")}`);
  assert.ok(latencies[2] < 50, `median wake-up ${latencies[2].toFixed(1)} ms after the send was acknowledged`);
});

test("a background job runs on one node at a time and moves when its holder stops", { skip }, async () => {
  const clock = new ManualClock();
  const pgs = await Promise.all([PgDb.open(db.url, 2), PgDb.open(db.url, 2)]);
  const ran: string[] = [];
  const runners = pgs.map((p, i) => {
    const r = createScheduler({ clock, leases: new PgLeaseStore(p), onError: () => {} });
    r.every({ name: "test.job", intervalMs: 1000, ttlMs: 3000 }, async () => {
      ran.push(`n${i}`);
    });
    return r;
  });
  const tick = async () => {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 50));
  };
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(ran.length, 5);
  assert.equal(new Set(ran).size, 1, `one holder, got ${ran.join(",")}`);
  const holder = Number(ran[0].slice(1));
  // Stopping releases the lease; the other node takes the job on its next round.
  await runners[holder].stop();
  ran.length = 0;
  for (let i = 0; i < 3; i++) await tick();
  assert.ok(ran.length >= 2 && ran.every((n) => n === `n${1 - holder}`), ran.join(","));
  await runners[1 - holder].stop();
  await Promise.all(pgs.map((p) => p.close()));
});
