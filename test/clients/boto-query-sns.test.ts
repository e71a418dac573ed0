// SNS through Debian's boto3 1.26 (query protocol): topics, attributes, tags, subscriptions, Publish/PublishBatch
// into an SQS queue, and AWS's error codes as botocore parses them from the XML envelope.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";
import { startBoto, type Boto } from "./boto.ts";

let server: Mailroom;
let sns: Boto;
let sqs: Boto;
before(async () => {
  server = await startTestServer();
  sns = await startBoto(server.endpoint, { service: "sns" });
  sqs = await startBoto(server.endpoint);
});
after(async () => {
  sns?.close();
  sqs?.close();
  await server?.close();
});

test("the driver's boto3 speaks the query protocol to SNS", () => {
  assert.equal(sns.info.protocol, "query");
});

test("topics, attributes, tags and listing", async () => {
  const { TopicArn } = await sns.call("create_topic", { Name: "boto-t", Attributes: { DisplayName: "B" }, Tags: [{ Key: "k", Value: "v" }] });
  assert.equal(TopicArn, "arn:aws:sns:us-east-1:000000000000:boto-t");
  const a = await sns.call("get_topic_attributes", { TopicArn });
  assert.equal(a.Attributes.DisplayName, "B");
  assert.equal(a.Attributes.SubscriptionsConfirmed, "0");
  await sns.call("set_topic_attributes", { TopicArn, AttributeName: "DisplayName", AttributeValue: "C" });
  assert.equal((await sns.call("get_topic_attributes", { TopicArn })).Attributes.DisplayName, "C");
  assert.deepEqual((await sns.call("list_tags_for_resource", { ResourceArn: TopicArn })).Tags, [{ Key: "k", Value: "v" }]);
  assert.ok((await sns.call("list_topics")).Topics.some((t: { TopicArn: string }) => t.TopicArn === TopicArn));
  const err = await sns.fail("get_topic_attributes", { TopicArn: `${TopicArn}-nope` });
  assert.deepEqual([err.Code, err.HTTPStatusCode, err.Message], ["NotFound", 404, "Topic does not exist"]);
  const bad = await sns.fail("create_topic", { Name: "bad name" });
  assert.deepEqual([bad.Code, bad.HTTPStatusCode, bad.Message, bad.Type], ["InvalidParameter", 400, "Invalid parameter: Topic Name", "Sender"]);
});

test("subscribe an SQS queue, publish with attributes and a batch, receive the envelopes", async () => {
  const { QueueUrl } = await sqs.call("create_queue", { QueueName: "boto-sns-q" });
  const { TopicArn } = await sns.call("create_topic", { Name: "boto-pub" });
  const { SubscriptionArn } = await sns.call("subscribe", { TopicArn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:boto-sns-q", ReturnSubscriptionArn: true });
  assert.match(SubscriptionArn, /^arn:aws:sns:us-east-1:000000000000:boto-pub:/);
  await sns.call("set_subscription_attributes", { SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"kind":["keep"]}' });
  const one = await sns.call("publish", { TopicArn, Message: "m1", MessageAttributes: { kind: { DataType: "String", StringValue: "keep" } } });
  await sns.call("publish", { TopicArn, Message: "dropped", MessageAttributes: { kind: { DataType: "String", StringValue: "drop" } } });
  const batch = await sns.call("publish_batch", {
    TopicArn,
    PublishBatchRequestEntries: [{ Id: "a", Message: "m2", MessageAttributes: { kind: { DataType: "String", StringValue: "keep" } } }],
  });
  assert.deepEqual(batch.Successful.map((s: { Id: string }) => s.Id), ["a"]);
  assert.deepEqual(batch.Failed, []);
  const r = await sqs.call("receive_message", { QueueUrl, MaxNumberOfMessages: 10 });
  const bodies = r.Messages.map((m: { Body: string }) => JSON.parse(m.Body));
  assert.deepEqual(bodies.map((b: { Message: string }) => b.Message).sort(), ["m1", "m2"]);
  assert.ok(bodies.some((b: { MessageId: string }) => b.MessageId === one.MessageId));
  const subs = await sns.call("list_subscriptions_by_topic", { TopicArn });
  assert.equal(subs.Subscriptions[0].SubscriptionArn, SubscriptionArn);
  assert.equal((await sns.call("get_subscription_attributes", { SubscriptionArn })).Attributes.FilterPolicy, '{"kind":["keep"]}');
  await sns.call("unsubscribe", { SubscriptionArn });
  await sns.call("delete_topic", { TopicArn });
});
