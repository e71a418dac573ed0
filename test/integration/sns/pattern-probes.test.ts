// Issue 12's pattern probes through the real SDK: a filter policy that used to be expanded into 2^24
// combinations is refused at once while another client is served, and a Publish that used to run a
// backtracking RegExp over a 60-character attribute completes in milliseconds (ADR 0013).
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import { CreateTopicCommand, ListTopicsCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { snsClient, useTestServer } from "../../helpers/server.ts";

const { server, sqs, sns } = useTestServer();

/** 24 keys, each holding a 2-way `$or` (about 1 KB): 2^24 alternatives if expanded. */
const OR_BOMB = JSON.stringify(Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${i}`, { $or: [{ a: ["1"] }, { b: ["2"] }] }])));

async function topicAndQueue(name: string) {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { TopicArn: TopicArn!, QueueUrl: QueueUrl!, QueueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

test("Subscribe and SetSubscriptionAttributes with a 24-key $or policy are refused within 1 s while another client is answered", async () => {
  const { TopicArn, QueueArn } = await topicAndQueue("probe-or");
  const other = snsClient(server.endpoint);
  await other.send(new ListTopicsCommand({}));
  for (const scope of ["MessageBody", "MessageAttributes"]) {
    const t0 = performance.now();
    const refused = rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QueueArn, Attributes: { FilterPolicyScope: scope, FilterPolicy: OR_BOMB } })), {
      name: "InvalidParameterException", code: "InvalidParameter", status: 400,
      // AWS puts "Attributes Reason: " before Subscribe's FilterPolicy errors (LocalStack SNS snapshot, AWS-recorded).
      message: scope === "MessageBody"
        ? "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy can not have more than 5 keys"
        : "Invalid parameter: Attributes Reason: Filter policy scope MessageAttributes does not support nested filter policy",
    }).then(() => performance.now() - t0);
    const answered = other.send(new ListTopicsCommand({})).then(() => performance.now() - t0);
    const [refusedMs, answeredMs] = await Promise.all([refused, answered]);
    assert.ok(refusedMs < 1000, `refused after ${refusedMs} ms`);
    assert.ok(answeredMs < 1000, `the other client waited ${answeredMs} ms`);
  }
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QueueArn, Attributes: { FilterPolicyScope: "MessageBody" } }));
  const t1 = performance.now();
  await rejectsAws(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: OR_BOMB })), {
    name: "InvalidParameterException", code: "InvalidParameter", status: 400, message: "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys",
  });
  assert.ok(performance.now() - t1 < 1000);
});

test("a Publish whose 60-'a' attribute meets a 7-star wildcard subscription completes in under 50 ms", async () => {
  const { TopicArn, QueueUrl, QueueArn } = await topicAndQueue("probe-wild");
  await sns.send(new SubscribeCommand({
    TopicArn, Protocol: "sqs", Endpoint: QueueArn, Attributes: { FilterPolicy: JSON.stringify({ k: [{ wildcard: "*a*a*a*a*a*a*a*b" }] }) },
  }));
  const publish = (value: string) => sns.send(new PublishCommand({ TopicArn, Message: value.slice(-1), MessageAttributes: { k: { DataType: "String", StringValue: value } } }));
  await publish("warm-up");
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await publish("a".repeat(60));
    times.push(performance.now() - t0);
  }
  assert.ok(Math.min(...times) < 50, `Publish took ${times.map((t) => t.toFixed(1)).join(", ")} ms`);
  await publish("a".repeat(60) + "b");
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  // Only the value ending in "b" passed the filter.
  assert.deepEqual((r.Messages ?? []).map((m) => JSON.parse(m.Body!).Message), ["b"]);
});
