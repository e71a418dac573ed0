// Two nodes on one PostgreSQL database sharing a ManualClock: schedules created on either node, all due at once, fire
// exactly once each across the cluster (the batch claim is FOR UPDATE SKIP LOCKED), and a schedule created on one
// node is found by the other's firing job (it polls each second). PostgreSQL only (SQLite is one process per file).
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { sqsClient, startTestServer, TEST_BACKEND, TEST_CREDENTIALS } from "../../helpers/server.ts";

const skip = TEST_BACKEND !== "postgres" ? "PostgreSQL only (MAILROOM_TEST_BACKEND=postgres)" : undefined;
const clock = new ManualClock(Date.UTC(2026, 6, 1, 10, 0, 0));
let a: Mailroom | undefined;
let b: Mailroom | undefined;
let schA: SchedulerClient;
let schB: SchedulerClient;
let sqs: SQSClient;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  const dir = mkdtempSync(join(tmpdir(), "mailroom-sched-cluster-"));
  a = await startTestServer({ dataDir: dir, clock });
  b = await startTestServer({ dataDir: dir, clock });
  const client = (s: Mailroom) => new SchedulerClient({ endpoint: s.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  schA = client(a);
  schB = client(b);
  sqs = sqsClient(a.endpoint);
});
after(async () => {
  if (skip) return;
  schA.destroy();
  schB.destroy();
  sqs.destroy();
  await a?.close();
  await b?.close();
});

test("200 schedules created on two nodes, due at once, fire once each", { skip }, async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "cluster-fired" }));
  const arn = "arn:aws:sqs:us-east-1:000000000000:cluster-fired";
  const at = `at(${new Date(clock.now() + 120_000).toISOString().slice(0, 19)})`;
  await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? schA : schB).send(new CreateScheduleCommand({
    Name: `c-${i}`, ScheduleExpression: at, FlexibleTimeWindow: { Mode: "OFF" }, Target: { Arn: arn, RoleArn: "arn:aws:iam::000000000000:role/r", Input: `c-${i}` },
  }))));
  for (let s = 0; s < 130; s += 5) {
    clock.advance(5_000);
    await sleep(30);
  }
  const bodies: string[] = [];
  for (let i = 0; i < 400 && bodies.length < 200; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!r.Messages?.length) {
      await sleep(25);
      continue;
    }
    bodies.push(...r.Messages.map((m) => m.Body!));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: r.Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })) }));
  }
  await sleep(300);
  const extra = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  assert.equal(bodies.length, 200);
  assert.equal(new Set(bodies).size, 200);
  assert.deepEqual(extra.Messages ?? [], []);
});
