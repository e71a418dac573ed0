// Destination kinds of the delivery engine against real stores (SQLite, ManualClock): an SNS topic as a destination
// publishes with the topic's own fan-out (here into an SQS subscription), a missing topic fails without retry into the
// caller's dead-letter queue with the caller's (EventBridge-style) error attributes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startDeliveryEngine } from "../../src/delivery/engine.ts";
import { ManualClock } from "../../src/engine/clock.ts";
import { LocalNotifier } from "../../src/engine/notify.ts";
import { createScheduler } from "../../src/engine/scheduler.ts";
import { SNS_TOPIC_KIND, snsTopicDestination } from "../../src/services/sns/jobs/deliverer.ts";
import { createSigner } from "../../src/services/sns/signer.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteOutbox } from "../../src/storage/sqlite/outbox.ts";
import { SqliteSnsStore } from "../../src/storage/sqlite/sns-store.ts";
import { SqliteSqsStore } from "../../src/storage/sqlite/sqs-store.ts";

const ACCT = "000000000000";
const nonces = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`.padEnd(16, "x"));

test("sns.topic: the outbox row is published to the topic; a missing topic goes to the DLQ with the caller's attributes", async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const db = new SqliteDb(":memory:");
  const sqs = new SqliteSqsStore(db);
  const sns = new SqliteSnsStore(db, sqs);
  const outbox = new SqliteOutbox(db, sqs);
  const notifier = new LocalNotifier(clock);
  const scheduler = createScheduler({ clock });
  const signer = createSigner(sns);
  const t0 = clock.now();
  const { queue } = await sqs.createQueue({ account: ACCT, region: "us-east-1", name: "sub" }, { attributes: { DelaySeconds: "0" }, retentionMs: 60_000 }, {}, t0);
  const { queue: dlq } = await sqs.createQueue({ account: ACCT, region: "us-east-1", name: "dlq" }, { attributes: {}, retentionMs: 60_000 }, {}, t0);
  const { topic } = await sns.createTopic({ account: ACCT, region: "us-east-1", name: "t" }, {}, {}, t0);
  await sns.subscribe(topic.id, {
    arn: "arn:aws:sns:us-east-1:000000000000:t:00000000-0000-0000-0000-000000000001", owner: ACCT, protocol: "sqs",
    endpoint: "arn:aws:sqs:us-east-1:000000000000:sub", attributes: { RawMessageDelivery: "true" }, confirmed: true,
  }, t0);
  const engine = startDeliveryEngine({
    outbox, scheduler, clock, log: { warn() {} },
    queueByArn: async (arn) => {
      const q = await sqs.getQueue({ account: ACCT, region: "us-east-1", name: arn.split(":")[5] });
      return q && { id: q.id, fifo: false };
    },
  });
  engine.register(SNS_TOPIC_KIND, snsTopicDestination({ store: sns, sqs, clock, notifier, signer }, signer));
  const deadLetter = {
    queueArn: "arn:aws:sqs:us-east-1:000000000000:dlq", attributes: { RULE_ARN: "arn:rule", TARGET_ARN: "arn:aws:sns:us-east-1:000000000000:gone" },
    names: { errorCode: "ERROR_CODE", errorMessage: "ERROR_MESSAGE", exhaustedCondition: "EXHAUSTED_RETRY_CONDITION" },
  };
  const policy = { kind: "exponential" as const, maxRetryAttempts: 185, maxEventAgeMs: 86_400_000 };
  await outbox.add([
    { kind: SNS_TOPIC_KIND, target: "arn:aws:sns:us-east-1:000000000000:t", payload: JSON.stringify({ baseUrl: "http://x", message: "hi" }), dueAt: t0, policy, deadLetter },
    { kind: SNS_TOPIC_KIND, target: "arn:aws:sns:us-east-1:000000000000:gone", payload: JSON.stringify({ baseUrl: "http://x", message: "lost" }), dueAt: t0, policy, deadLetter },
  ], t0);
  engine.wake();
  await scheduler.settled();
  const got = await sqs.receive(queue.id, { max: 10, visibilityMs: 1000, now: clock.now(), expiredBefore: 0, nonces: nonces(10) });
  assert.deepEqual(got.map((m) => m.body), ["hi"]);
  const dead = await sqs.receive(dlq.id, { max: 10, visibilityMs: 1000, now: clock.now(), expiredBefore: 0, nonces: nonces(10) });
  assert.equal(dead.length, 1);
  assert.equal(dead[0].body, "lost");
  const attrs = Object.fromEntries(Object.entries(dead[0].attributes ?? {}).map(([k, v]) => [k, v.StringValue]));
  assert.deepEqual(attrs, {
    RULE_ARN: "arn:rule", TARGET_ARN: "arn:aws:sns:us-east-1:000000000000:gone", ERROR_CODE: "NotFound", ERROR_MESSAGE: "Topic does not exist",
  }); // not retried: no EXHAUSTED_RETRY_CONDITION
  assert.equal(await outbox.nextDue(), undefined);
  await engine.stop();
  await scheduler.stop();
  await db.close();
});
