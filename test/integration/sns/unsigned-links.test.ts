// With access keys configured, the SubscribeURL and UnsubscribeURL links in SNS messages still work unsigned
// (as on AWS), while every other unsigned request is refused.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateTopicCommand, GetSubscriptionAttributesCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { snsClient, startTestServer } from "../../helpers/server.ts";

let server: Mailroom;
let sns: SNSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [{ accessKeyId: "AKIDSNS", secretAccessKey: "sns-secret", accountId: "123456789012" }] });
  sns = snsClient(server.endpoint, { accessKeyId: "AKIDSNS", secretAccessKey: "sns-secret" });
});
after(() => server.close());

const sink = async () => (await (await fetch(`${server.endpoint}/_aws/sns/email-messages`)).json()) as { email_messages: Record<string, Record<string, string>[]> };

test("SubscribeURL confirms and UnsubscribeURL unsubscribes without a signature; other unsigned calls fail", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "links" }));
  assert.equal(TopicArn, "arn:aws:sns:us-east-1:123456789012:links");
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: "x@example.com" }));
  const conf = (await sink()).email_messages["x@example.com"][0];
  const confirmed = await fetch(conf.SubscribeURL);
  assert.equal(confirmed.status, 200);
  const SubscriptionArn = /<SubscriptionArn>([^<]+)</.exec(await confirmed.text())![1];
  assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!.PendingConfirmation, "false");
  await sns.send(new PublishCommand({ TopicArn, Message: "hi" }));
  const note = JSON.parse((await sink()).email_messages["x@example.com"][1].Message);
  assert.equal((await fetch(note.UnsubscribeURL)).status, 200);
  await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException" });
  const denied = await fetch(`${server.endpoint}/?Action=ListTopics`);
  assert.equal(denied.status, 403);
});
