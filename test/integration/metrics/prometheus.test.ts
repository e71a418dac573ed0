// /metrics as messages flow: the SQS and SNS series named after their CloudWatch metrics change with sends,
// receives, deletes, empty receives, publishes and filtered-out notifications; gauges are read from the store at
// each scrape; request counts carry the operation and error code; the label cap folds new resources into "other".
// Runs on SQLite, and on PostgreSQL with MAILROOM_TEST_BACKEND=postgres.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { ManualClock } from "../../../src/engine/clock.ts";
import { useTestServer } from "../../helpers/server.ts";

/** The value of one series (name and exact label set), or undefined. */
function value(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf("}");
    const got = line.slice(name.length + 1, close).split(",");
    if (want.every((w) => got.includes(w)) && got.length === want.length) return Number(line.slice(close + 2));
  }
  return undefined;
}

const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0));
const { server, sqs, sns } = useTestServer({ clock, metricsLabelLimit: 3 });
const scrape = async () => {
  const res = await fetch(`${server.endpoint}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
  return res.text();
};
const q = (name: string) => ({ account: "000000000000", region: "us-east-1", queue_name: name });

describe("prometheus /metrics", () => {
  test("SQS counters and gauges follow the messages", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "metered" }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "a" }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "1", MessageBody: "b" }, { Id: "2", MessageBody: "c", DelaySeconds: 60 }] }));
    let t = await scrape();
    assert.equal(value(t, "mailroom_sqs_number_of_messages_sent_total", q("metered")), 3);
    assert.equal(value(t, "mailroom_sqs_approximate_number_of_messages_visible", q("metered")), 2);
    assert.equal(value(t, "mailroom_sqs_approximate_number_of_messages_delayed", q("metered")), 1);
    assert.equal(value(t, "mailroom_sqs_approximate_number_of_messages_not_visible", q("metered")), 0);
    clock.advance(30_000);
    t = await scrape();
    assert.equal(value(t, "mailroom_sqs_approximate_age_of_oldest_message_seconds", q("metered")), 30);

    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(got.Messages?.length, 2);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: got.Messages![0].ReceiptHandle }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    t = await scrape();
    assert.equal(value(t, "mailroom_sqs_number_of_messages_received_total", q("metered")), 2);
    assert.equal(value(t, "mailroom_sqs_number_of_messages_deleted_total", q("metered")), 1);
    assert.equal(value(t, "mailroom_sqs_number_of_empty_receives_total", q("metered")), 1);
    assert.equal(value(t, "mailroom_sqs_approximate_number_of_messages_not_visible", q("metered")), 1);
    assert.equal(value(t, "mailroom_sqs_approximate_number_of_messages_visible", q("metered")), 0);
  });

  test("request counts and latencies by operation and error code", async () => {
    await assert.rejects(sqs.send(new GetQueueUrlCommand({ QueueName: "missing" })));
    const t = await scrape();
    assert.ok((value(t, "mailroom_requests_total", { service: "sqs", operation: "SendMessage", code: "" }) ?? 0) >= 1);
    assert.equal(value(t, "mailroom_requests_total", { service: "sqs", operation: "GetQueueUrl", code: "QueueDoesNotExist" }), 1);
    assert.match(t, /mailroom_request_duration_seconds_bucket\{le="0.005",service="sqs",operation="SendMessage",code=""\}/);
    assert.match(t, /mailroom_storage_commit_duration_seconds_count \d+/);
    assert.match(t, /mailroom_open_connections [1-9]/);
    assert.match(t, /mailroom_process_resident_memory_bytes \d+/);
    assert.match(t, /mailroom_nodejs_eventloop_lag_p99_seconds /);
  });

  test("SNS published, delivered and filtered out", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "metered-topic" }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "metered-sub" }));
    const arn = `arn:aws:sqs:us-east-1:000000000000:metered-sub`;
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: arn, Attributes: { FilterPolicy: JSON.stringify({ kind: ["keep"] }) } }));
    await sns.send(new PublishCommand({ TopicArn, Message: "1", MessageAttributes: { kind: { DataType: "String", StringValue: "keep" } } }));
    await sns.send(new PublishCommand({ TopicArn, Message: "2", MessageAttributes: { kind: { DataType: "String", StringValue: "drop" } } }));
    assert.ok(QueueUrl);
    const t = await scrape();
    const topic = { account: "000000000000", region: "us-east-1", topic_name: "metered-topic" };
    assert.equal(value(t, "mailroom_sns_number_of_messages_published_total", topic), 2);
    assert.equal(value(t, "mailroom_sns_number_of_notifications_delivered_total", topic), 1);
    assert.equal(value(t, "mailroom_sns_number_of_notifications_filtered_out_total", topic), 1);
    // A subscription whose queue was deleted: the copy fails.
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:never-made" }));
    await sns.send(new PublishCommand({ TopicArn, Message: "3", MessageAttributes: { kind: { DataType: "String", StringValue: "keep" } } }));
    const t2 = await scrape();
    assert.equal(value(t2, "mailroom_sns_number_of_notifications_failed_total", topic), 1);
    assert.equal(value(t2, "mailroom_sns_number_of_notifications_delivered_total", topic), 2);
    // The copies SNS added to the queue are NumberOfMessagesSent of the queue.
    assert.equal(value(t2, "mailroom_sqs_number_of_messages_sent_total", q("metered-sub")), 2);
  });

  test("past the label limit new queues fold into other", async () => {
    // metricsLabelLimit 3: "metered" and "metered-sub" (SNS's copies) hold two sent series, extra-1 the third;
    // extra-2 and extra-3 fold into "other".
    for (const name of ["extra-1", "extra-2", "extra-3"]) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" }));
    }
    const t = await scrape();
    assert.equal(value(t, "mailroom_sqs_number_of_messages_sent_total", q("extra-1")), 1);
    assert.equal(value(t, "mailroom_sqs_number_of_messages_sent_total", q("extra-2")), undefined);
    assert.equal(value(t, "mailroom_sqs_number_of_messages_sent_total", { account: "other", region: "other", queue_name: "other" }), 2);
    // Gauges fold the same way: 5 queues, 3 series of their own and one "other".
    const visible = t.split("\n").filter((l) => l.startsWith("mailroom_sqs_approximate_number_of_messages_visible{"));
    assert.equal(visible.length, 4);
  });

  test("messages a receive moves to the dead-letter queue", async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: "dlq-target" }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({
      QueueName: "dlq-source",
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:dlq-target", maxReceiveCount: 1 }) },
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "1", MessageBody: "a" }, { Id: "2", MessageBody: "b" }] }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    assert.equal(again.Messages, undefined);
    const t = await scrape();
    const own = value(t, "mailroom_sqs_messages_moved_to_dead_letter_total", q("dlq-source"));
    assert.equal(own, 2);
  });

  test("only GET", async () => {
    const res = await fetch(`${server.endpoint}/metrics`, { method: "POST", body: "x" });
    assert.equal(res.status, 405);
    await res.arrayBuffer();
  });
});

describe("metricsPort", () => {
  test("/metrics on a port of its own, and a bad limit refused at start", async () => {
    const { startMailroom } = await import("../../../src/index.ts");
    const m = await startMailroom({ port: 0, memory: true, logLevel: "silent", metricsPort: 0 });
    try {
      assert.match(m.metricsEndpoint ?? "", /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      assert.notEqual(m.metricsEndpoint, `${m.endpoint}/metrics`);
      const res = await fetch(m.metricsEndpoint!);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /mailroom_open_connections/);
      const other = await fetch(m.metricsEndpoint!.replace("/metrics", "/other"));
      assert.equal(other.status, 404);
      await other.arrayBuffer();
    } finally {
      await m.close();
    }
    await assert.rejects(startMailroom({ port: 0, memory: true, logLevel: "silent", metricsLabelLimit: 0 }), /invalid metricsLabelLimit/);
    await assert.rejects(startMailroom({ port: 0, memory: true, logLevel: "silent", metricsRetentionDays: 1000 }), /invalid metricsRetentionDays/);
  });
});
