// Topic policies across accounts through the JS SDK: with three access keys in three accounts, another account
// may use a topic only as its Policy allows (AddPermission statements, or a policy set with SetTopicAttributes,
// with conditions and explicit denies); the default policy grants other accounts nothing; tagging stays with the
// owner; a subscription belongs to its topic's account and to the account that subscribed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  AddPermissionCommand, ConfirmSubscriptionCommand, CreateTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsCommand,
  ListTagsForResourceCommand, PublishBatchCommand, PublishCommand, RemovePermissionCommand, SetTopicAttributesCommand, type SNSClient,
  SubscribeCommand, TagResourceCommand, UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { snsClient, sqsClient, startTestServer } from "../../helpers/server.ts";

const ALICE = { accessKeyId: "AKIDALICE", secretAccessKey: "alice-secret", accountId: "111111111111" };
const BOB = { accessKeyId: "AKIDBOB", secretAccessKey: "bob-secret", accountId: "222222222222" };
const CAROL = { accessKeyId: "AKIDCAROL", secretAccessKey: "carol-secret", accountId: "333333333333" };

let server: Mailroom;
let alice: SNSClient;
let bob: SNSClient;
let carol: SNSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [ALICE, BOB, CAROL] });
  alice = snsClient(server.endpoint, ALICE);
  bob = snsClient(server.endpoint, BOB);
  carol = snsClient(server.endpoint, CAROL);
});
after(() => server.close());

async function topic(name: string): Promise<string> {
  return (await alice.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
}

/** AuthorizationError as AWS words an implicit (no Allow) or explicit (Deny) refusal. */
const denied = (who: { accountId: string }, action: string, arn: string, explicit = false) => ({
  name: "AuthorizationErrorException", status: 403,
  message: `User: arn:aws:iam::${who.accountId}:root is not authorized to perform: SNS:${action} on resource: ${arn} `
    + (explicit ? "with an explicit deny in a resource-based policy" : `because no resource-based policy allows the SNS:${action} action`),
});

test("the default policy lets other accounts do nothing; a missing topic is refused the same way", async () => {
  const arn = await topic("perm-default");
  await rejectsAws(bob.send(new PublishCommand({ TopicArn: arn, Message: "x" })), denied(BOB, "Publish", arn));
  await rejectsAws(bob.send(new GetTopicAttributesCommand({ TopicArn: arn })), denied(BOB, "GetTopicAttributes", arn));
  await rejectsAws(bob.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:${BOB.accountId}:q` })), denied(BOB, "Subscribe", arn));
  const missing = `arn:aws:sns:us-east-1:${ALICE.accountId}:perm-missing`;
  await rejectsAws(bob.send(new PublishCommand({ TopicArn: missing, Message: "x" })), denied(BOB, "Publish", missing));
  await rejectsAws(alice.send(new PublishCommand({ TopicArn: missing, Message: "x" })), { name: "NotFoundException", status: 404 });
});

test("AddPermission grants the listed accounts the listed actions (Publish covers PublishBatch); RemovePermission takes it back", async () => {
  const arn = await topic("perm-add");
  await alice.send(new AddPermissionCommand({ TopicArn: arn, Label: "bob-publish", AWSAccountId: [BOB.accountId], ActionName: ["Publish"] }));
  assert.ok((await bob.send(new PublishCommand({ TopicArn: arn, Message: "from bob" }))).MessageId);
  const batch = await bob.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [{ Id: "a", Message: "1" }, { Id: "b", Message: "2" }] }));
  assert.equal(batch.Successful?.length, 2);
  await rejectsAws(bob.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:${BOB.accountId}:q` })), denied(BOB, "Subscribe", arn));
  await rejectsAws(carol.send(new PublishCommand({ TopicArn: arn, Message: "x" })), denied(CAROL, "Publish", arn));
  await alice.send(new RemovePermissionCommand({ TopicArn: arn, Label: "bob-publish" }));
  await rejectsAws(bob.send(new PublishCommand({ TopicArn: arn, Message: "x" })), denied(BOB, "Publish", arn));
});

test("attribute and permission operations from another account follow the policy too", async () => {
  const arn = await topic("perm-admin");
  await alice.send(new AddPermissionCommand({
    TopicArn: arn, Label: "bob-admin", AWSAccountId: [BOB.accountId],
    ActionName: ["GetTopicAttributes", "SetTopicAttributes", "AddPermission", "RemovePermission", "ListTagsForResource"],
  }));
  assert.equal((await bob.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.Owner, ALICE.accountId);
  await bob.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "DisplayName", AttributeValue: "set by bob" }));
  assert.equal((await alice.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.DisplayName, "set by bob");
  await bob.send(new AddPermissionCommand({ TopicArn: arn, Label: "carol-read", AWSAccountId: [CAROL.accountId], ActionName: ["GetTopicAttributes"] }));
  assert.equal((await carol.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes?.DisplayName, "set by bob");
  await bob.send(new RemovePermissionCommand({ TopicArn: arn, Label: "carol-read" }));
  await rejectsAws(carol.send(new GetTopicAttributesCommand({ TopicArn: arn })), denied(CAROL, "GetTopicAttributes", arn));
  assert.deepEqual((await bob.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags, []);
  // Tagging is not an action a topic policy can grant: it stays with the owner.
  await rejectsAws(bob.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] })), denied(BOB, "TagResource", arn));
});

test("a policy with conditions and an explicit Deny: sns:Protocol limits Subscribe, Deny wins over Allow", async () => {
  const arn = await topic("perm-policy");
  const policy = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "any-sqs", Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Subscribe", Resource: arn, Condition: { StringEquals: { "sns:Protocol": "sqs" } } },
      { Sid: "publish", Effect: "Allow", Principal: "*", Action: "SNS:Publish", Resource: arn },
      { Sid: "not-carol", Effect: "Deny", Principal: { AWS: `arn:aws:iam::${CAROL.accountId}:root` }, Action: "SNS:*", Resource: arn },
    ],
  };
  await alice.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "Policy", AttributeValue: JSON.stringify(policy) }));
  assert.ok((await bob.send(new PublishCommand({ TopicArn: arn, Message: "ok" }))).MessageId);
  await rejectsAws(carol.send(new PublishCommand({ TopicArn: arn, Message: "x" })), denied(CAROL, "Publish", arn, true));
  await rejectsAws(bob.send(new SubscribeCommand({ TopicArn: arn, Protocol: "http", Endpoint: "http://127.0.0.1:9/x" })), denied(BOB, "Subscribe", arn));

  // Bob subscribes his own queue: the subscription is his (Owner), and both he and Alice may manage it; Carol may not.
  await sqsClient(server.endpoint, BOB).send(new CreateQueueCommand({ QueueName: "bob-inbox" }));
  const { SubscriptionArn } = await bob.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:${BOB.accountId}:bob-inbox` }));
  assert.ok(SubscriptionArn?.startsWith(`${arn}:`));
  const attrs = (await bob.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(attrs.Owner, BOB.accountId);
  assert.equal(attrs.TopicArn, arn);
  assert.ok((await bob.send(new ListSubscriptionsCommand({}))).Subscriptions?.some((s) => s.SubscriptionArn === SubscriptionArn));
  assert.ok((await alice.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes);
  await rejectsAws(carol.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), denied(CAROL, "GetSubscriptionAttributes", SubscriptionArn!));
  await rejectsAws(carol.send(new UnsubscribeCommand({ SubscriptionArn })), denied(CAROL, "Unsubscribe", SubscriptionArn!));
  await bob.send(new UnsubscribeCommand({ SubscriptionArn }));
  await rejectsAws(alice.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException", status: 404 });
});

test("the topic owner subscribing another account's queue waits for the queue owner's confirmation, sent into the queue", async () => {
  const arn = await topic("perm-cross-queue");
  const bobSqs = sqsClient(server.endpoint, BOB);
  const { QueueUrl } = await bobSqs.send(new CreateQueueCommand({ QueueName: "bob-cross" }));
  const endpoint = `arn:aws:sqs:us-east-1:${BOB.accountId}:bob-cross`;
  const sub = await alice.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: endpoint }));
  assert.equal(sub.SubscriptionArn, "pending confirmation");
  const [conf] = (await bobSqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }))).Messages ?? [];
  const doc = JSON.parse(conf.Body!) as Record<string, string>;
  assert.equal(doc.Type, "SubscriptionConfirmation");
  assert.equal(doc.TopicArn, arn);
  assert.match(doc.SubscribeURL, /Action=ConfirmSubscription/);
  assert.ok(doc.Signature && doc.SigningCertURL.startsWith("https://"));

  await alice.send(new PublishCommand({ TopicArn: arn, Message: "before confirming" }));
  const { SubscriptionArn } = await bob.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: doc.Token }));
  assert.ok(SubscriptionArn?.startsWith(`${arn}:`));
  await alice.send(new PublishCommand({ TopicArn: arn, Message: "after confirming" }));
  const got = (await bobSqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }))).Messages ?? [];
  const messages = got.map((m) => (JSON.parse(m.Body!) as { Type: string; Message?: string })).filter((m) => m.Type === "Notification").map((m) => m.Message);
  assert.deepEqual(messages, ["after confirming"]);
});
