// Two Mailroom nodes on one PostgreSQL database under one ManualClock, both running the minute job: each node's
// counters add up in AWS/SQS (sends through both count), and an alarm both nodes evaluate changes state once — one
// StateUpdate in its history (no premature OK from one node's part of the sums: periods are judged a minute after they
// end) and one alarm message at the SNS topic's queue subscriber (the compare-and-set on the alarm's version).
// Skipped without PostgreSQL.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CloudWatchClient, DescribeAlarmHistoryCommand, GetMetricStatisticsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { ManualClock } from "../../../src/engine/clock.ts";
import { type Mailroom, startMailroom } from "../../../src/index.ts";
import { freshDatabase, postgresAvailable } from "../../helpers/postgres.ts";
import { snsClient, sqsClient, TEST_CREDENTIALS } from "../../helpers/server.ts";

const available = await postgresAvailable();
const skip = available ? false : "no PostgreSQL on 127.0.0.1:5432";
const T0 = Date.UTC(2026, 0, 1, 0, 0, 10);
const clock = new ManualClock(T0);
let db: { url: string; drop(): Promise<void> };
let nodes: Mailroom[] = [];
let sqs: SQSClient[] = [];
let cw: CloudWatchClient;

before(async () => {
  if (skip) return;
  db = await freshDatabase("cwcluster");
  nodes = [await startMailroom({ port: 0, database: db.url, clock, logLevel: "silent" })];
  nodes.push(await startMailroom({ port: 0, database: db.url, clock, logLevel: "silent" }));
  sqs = nodes.map((n) => sqsClient(n.endpoint));
  cw = new CloudWatchClient({ endpoint: nodes[1].endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
after(async () => {
  for (const c of sqs) c.destroy();
  cw?.destroy();
  for (const n of nodes) await n.close();
  await db?.drop();
});

async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 250; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("timed out waiting");
}

test("counters of both nodes add up; an alarm both nodes evaluate notifies once", { skip }, async () => {
  const sns = snsClient(nodes[0].endpoint);
  try {
    const { QueueUrl } = await sqs[0].send(new CreateQueueCommand({ QueueName: "shared" }));
    const { QueueUrl: inbox } = await sqs[0].send(new CreateQueueCommand({ QueueName: "shared-inbox" }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "shared-alarms" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:shared-inbox", Attributes: { RawMessageDelivery: "true" } }));
    await cw.send(new PutMetricAlarmCommand({
      AlarmName: "sent", Namespace: "AWS/SQS", MetricName: "NumberOfMessagesSent", Dimensions: [{ Name: "QueueName", Value: "shared" }],
      Statistic: "Sum", Period: 60, EvaluationPeriods: 1, Threshold: 4, ComparisonOperator: "GreaterThanThreshold", AlarmActions: [TopicArn!],
    }));
    for (let i = 0; i < 2; i++) await sqs[0].send(new SendMessageCommand({ QueueUrl, MessageBody: `a${i}` }));
    for (let i = 0; i < 3; i++) await sqs[1].send(new SendMessageCommand({ QueueUrl, MessageBody: `b${i}` }));
    clock.advance(60_000 - (clock.now() % 60_000));
    const minute = clock.now() - 60_000;
    const sum = await until(async () => {
      const r = await cw.send(new GetMetricStatisticsCommand({
        Namespace: "AWS/SQS", MetricName: "NumberOfMessagesSent", Dimensions: [{ Name: "QueueName", Value: "shared" }],
        StartTime: new Date(minute), EndTime: new Date(minute + 60_000), Period: 60, Statistics: ["Sum"],
      }));
      return r.Datapoints?.[0]?.Sum === 5 ? 5 : undefined;
    });
    assert.equal(sum, 5);
    // Both nodes evaluate (each on its own minute job) a minute after the period ended, when both nodes' counters are
    // in: the alarm moves to ALARM once, never through a premature OK on one node's part of the sums.
    clock.advance(60_000);
    const history = await until(async () => {
      const h = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "sent", HistoryItemType: "StateUpdate" }));
      return h.AlarmHistoryItems?.length ? h : undefined;
    });
    let received = 0;
    for (let i = 0; i < 30; i++) {
      const got = await sqs[0].send(new ReceiveMessageCommand({ QueueUrl: inbox, MaxNumberOfMessages: 10 }));
      received += got.Messages?.length ?? 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    const again = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: "sent", HistoryItemType: "StateUpdate" }));
    assert.equal(again.AlarmHistoryItems?.length, 1, JSON.stringify(history.AlarmHistoryItems));
    assert.equal(received, 1);
  } finally {
    sns.destroy();
  }
});
