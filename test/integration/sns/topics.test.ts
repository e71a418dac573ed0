// Topics, tags, permissions and subscription CRUD through @aws-sdk/client-sns (query protocol).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AddPermissionCommand, CreateTopicCommand, DeleteTopicCommand, GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListSubscriptionsCommand, ListTagsForResourceCommand,
  ListTopicsCommand, RemovePermissionCommand, SetSubscriptionAttributesCommand, SetTopicAttributesCommand,
  SubscribeCommand, TagResourceCommand, UnsubscribeCommand, UntagResourceCommand,
} from "@aws-sdk/client-sns";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const { sns } = useTestServer();

const ARN = (name: string) => `arn:aws:sns:us-east-1:000000000000:${name}`;
const QARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

test("CreateTopic returns the ARN, is idempotent, and refuses different attributes or tags", async () => {
  const a = await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" }, Tags: [{ Key: "team", Value: "a" }] }));
  assert.equal(a.TopicArn, ARN("orders"));
  const b = await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" } }));
  assert.equal(b.TopicArn, a.TopicArn);
  await rejectsAws(sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Other" } })), {
    name: "InvalidParameterException", status: 400, message: "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
  });
  await rejectsAws(sns.send(new CreateTopicCommand({ Name: "orders", Tags: [{ Key: "team", Value: "b" }] })), {
    name: "InvalidParameterException", message: "Invalid parameter: Tags Reason: Topic already exists with different tags",
  });
});

test("topic names: bad characters, .fifo without FifoTopic, FifoTopic without .fifo", async () => {
  await rejectsAws(sns.send(new CreateTopicCommand({ Name: "bad name" })), { name: "InvalidParameterException", message: "Invalid parameter: Topic Name" });
  await rejectsAws(sns.send(new CreateTopicCommand({ Name: "x.fifo" })), { name: "InvalidParameterException", message: "Invalid parameter: Topic Name" });
  await rejectsAws(sns.send(new CreateTopicCommand({ Name: "x", Attributes: { FifoTopic: "true" } })), { name: "InvalidParameterException", message: "Invalid parameter: Topic Name" });
  const f = await sns.send(new CreateTopicCommand({ Name: "x.fifo", Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } }));
  const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: f.TopicArn }))).Attributes!;
  assert.equal(attrs.FifoTopic, "true");
  assert.equal(attrs.ContentBasedDeduplication, "true");
});

test("GetTopicAttributes has AWS's defaults and live subscription counts; SetTopicAttributes stores", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "attrs" }));
  let a = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
  assert.equal(a.TopicArn, TopicArn);
  assert.equal(a.Owner, "000000000000");
  assert.equal(a.DisplayName, "");
  assert.equal(a.SubscriptionsConfirmed, "0");
  assert.equal(JSON.parse(a.Policy).Statement[0].Resource, TopicArn);
  assert.equal(JSON.parse(a.EffectiveDeliveryPolicy).http.defaultHealthyRetryPolicy.numRetries, 3);
  await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "DisplayName", AttributeValue: "Shown" }));
  await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "KmsMasterKeyId", AttributeValue: "alias/aws/sns" }));
  const s = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QARN("q1") }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "https", Endpoint: "https://example.invalid/hook" }));
  a = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
  assert.equal(a.DisplayName, "Shown");
  assert.equal(a.KmsMasterKeyId, "alias/aws/sns");
  assert.equal(a.SubscriptionsConfirmed, "1");
  assert.equal(a.SubscriptionsPending, "1");
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: s.SubscriptionArn }));
  a = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!;
  assert.equal(a.SubscriptionsConfirmed, "0");
  assert.equal(a.SubscriptionsDeleted, "1");
  await rejectsAws(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Nope", AttributeValue: "x" })), {
    name: "InvalidParameterException", message: "Invalid parameter: AttributeName",
  });
  await rejectsAws(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "ContentBasedDeduplication", AttributeValue: "true" })), {
    name: "InvalidParameterException",
  });
});

test("missing topics are NotFound (404); malformed ARNs InvalidParameter; DeleteTopic is idempotent", async () => {
  await rejectsAws(sns.send(new GetTopicAttributesCommand({ TopicArn: ARN("nope") })), { name: "NotFoundException", status: 404, message: "Topic does not exist" });
  await rejectsAws(sns.send(new GetTopicAttributesCommand({ TopicArn: "not-an-arn" })), {
    name: "InvalidParameterException", message: "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1",
  });
  // Malformed subscription ARNs, worded as AWS answers (LocalStack test_unsubscribe_wrong_arn_format snapshot).
  const bad = (SubscriptionArn: string, message: string) => rejectsAws(sns.send(new UnsubscribeCommand({ SubscriptionArn })), { name: "InvalidParameterException", message });
  await bad("randomstring", "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1");
  await bad("arn:aws:sns:us-east-1:random", "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 5");
  await bad("arn:aws:sns:us-east-1:000000000000:random", "Invalid parameter: SubscriptionId");
  await sns.send(new DeleteTopicCommand({ TopicArn: ARN("nope") }));
});

test("ListTopics pages by 100 with NextToken", async () => {
  for (let i = 0; i < 105; i++) await sns.send(new CreateTopicCommand({ Name: `page-${String(i).padStart(3, "0")}` }));
  const seen: string[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const r = await sns.send(new ListTopicsCommand({ NextToken }));
    seen.push(...(r.Topics ?? []).map((t) => t.TopicArn!));
    NextToken = r.NextToken;
    pages++;
  } while (NextToken);
  assert.ok(pages >= 2);
  assert.equal(seen.filter((a) => a.includes(":page-")).length, 105);
  assert.equal(new Set(seen).size, seen.length);
});

test("tags: add, overwrite, remove, list; missing topic is ResourceNotFound; 50-tag limit", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "tagged" }));
  await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }));
  await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: "a", Value: "3" }] }));
  await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ["b"] }));
  assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags, [{ Key: "a", Value: "3" }]);
  await rejectsAws(sns.send(new ListTagsForResourceCommand({ ResourceArn: ARN("missing") })), { name: "ResourceNotFoundException", status: 404 });
  const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  await rejectsAws(sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: many })), { name: "TagLimitExceededException" });
});

test("AddPermission / RemovePermission edit the topic policy", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "perm" }));
  await sns.send(new AddPermissionCommand({ TopicArn, Label: "pub", AWSAccountId: ["111111111111"], ActionName: ["Publish"] }));
  let policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Policy);
  assert.deepEqual(policy.Statement.map((s: { Sid: string }) => s.Sid), ["__default_statement_ID", "pub"]);
  assert.deepEqual(policy.Statement[1].Action, ["SNS:Publish"]);
  await sns.send(new RemovePermissionCommand({ TopicArn, Label: "pub" }));
  policy = JSON.parse((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes!.Policy);
  assert.equal(policy.Statement.length, 1);
});

test("Subscribe: sqs confirmed at once and idempotent; http pending; bad protocol and endpoint", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "subs" }));
  const a = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QARN("s1") }));
  assert.match(a.SubscriptionArn!, new RegExp(`^${TopicArn}:[0-9a-f-]{36}$`));
  const b = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QARN("s1") }));
  assert.equal(b.SubscriptionArn, a.SubscriptionArn);
  const h = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: "http://127.0.0.1:1/none" }));
  assert.equal(h.SubscriptionArn, "pending confirmation");
  await rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "carrier-pigeon", Endpoint: "x" })), {
    name: "InvalidParameterException", message: "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon",
  });
  await rejectsAws(sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: "not-an-arn" })), { name: "InvalidParameterException", message: "Invalid parameter: SQS endpoint ARN" });
  await rejectsAws(sns.send(new SubscribeCommand({ TopicArn: ARN("ghost"), Protocol: "sqs", Endpoint: QARN("s1") })), { name: "NotFoundException" });
  const list = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!;
  assert.deepEqual(list.map((s) => s.SubscriptionArn).sort(), [a.SubscriptionArn, "PendingConfirmation"].sort());
  const all = (await sns.send(new ListSubscriptionsCommand({}))).Subscriptions!;
  assert.ok(all.some((s) => s.SubscriptionArn === a.SubscriptionArn && s.TopicArn === TopicArn && s.Protocol === "sqs"));
});

test("subscription attributes: defaults, RawMessageDelivery, FilterPolicy with scope, bad names", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sattrs" }));
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QARN("sa"), Attributes: { RawMessageDelivery: "true" } }));
  let a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.RawMessageDelivery, "true");
  assert.equal(a.PendingConfirmation, "false");
  assert.equal(a.Protocol, "sqs");
  assert.equal(a.Endpoint, QARN("sa"));
  assert.equal(a.TopicArn, TopicArn);
  await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"color":["red"]}' }));
  a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.FilterPolicy, '{"color":["red"]}');
  assert.equal(a.FilterPolicyScope, "MessageAttributes");
  await rejectsAws(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "Bogus", AttributeValue: "1" })), {
    name: "InvalidParameterException", message: "Invalid parameter: AttributeName",
  });
  await rejectsAws(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: '{"a":{"b":["c"]}}' })), {
    name: "InvalidParameterException", message: "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
  });
  await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${TopicArn}:00000000-0000-0000-0000-000000000000` })), {
    name: "NotFoundException", message: "Subscription does not exist",
  });
  await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
});

test("odd but well-typed input gets AWS errors, never a 500", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "odd" }));
  await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: "[]" }));
  await sns.send(new AddPermissionCommand({ TopicArn, Label: "x", AWSAccountId: ["111111111111"], ActionName: ["Publish"] }));
  await rejectsAws(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: "{bad" })), { name: "InvalidParameterException" });
  await rejectsAws(sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "DeliveryPolicy", AttributeValue: '{"http":{"defaultHealthyRetryPolicy":{"numRetries":500}}}' })), { name: "InvalidParameterException" });
  await rejectsAws(sns.send(new ListSubscriptionsCommand({ NextToken: "bm90LWEtbnVtYmVy" })), { name: "InvalidParameterException", message: "Invalid parameter: NextToken" });
  await rejectsAws(sns.send(new ListTopicsCommand({ NextToken: "%%%" })), { name: "InvalidParameterException" });
  const { SubscriptionArn } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: QARN("odd") }));
  for (const [name, value] of [["ReplayPolicy", "null"], ["RedrivePolicy", "null"], ["FilterPolicy", "null"], ["FilterPolicy", "{}"], ["DeliveryPolicy", "5"], ["RawMessageDelivery", "yes"], ["FilterPolicyScope", "Body"]]) {
    await rejectsAws(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: name, AttributeValue: value })), { name: "InvalidParameterException", status: 400 });
  }
});
