// SNS fidelity details checked against the API references and AWS's recorded responses (LocalStack's
// AWS-validated snapshots): AuthenticateOnUnsubscribe, ConfirmSubscription's errors, and the validation
// messages of CreateTopic, topic ARNs, subscription attributes, PublishBatch entries and tags.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ConfirmSubscriptionCommand, CreateTopicCommand, GetSubscriptionAttributesCommand, PublishCommand, type SNSClient,
  SubscribeCommand, UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import type { Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { snsClient, startTestServer } from "../../helpers/server.ts";

const OWNER = { accessKeyId: "AKIDFID", secretAccessKey: "fid-secret", accountId: "123456789012" };
let server: Mailroom;
let sns: SNSClient;
before(async () => {
  server = await startTestServer({ accessKeys: [OWNER] });
  sns = snsClient(server.endpoint, OWNER);
});
after(() => server.close());

type Mail = Record<string, string>;
async function mails(address: string): Promise<Mail[]> {
  const all = (await (await fetch(`${server.endpoint}/_aws/sns/email-messages`)).json()) as { email_messages: Record<string, Mail[]> };
  return all.email_messages[address] ?? [];
}

let n = 0;
/** A topic with a pending email-json subscription; returns its confirmation (Token, SubscribeURL). */
async function pending() {
  const address = `fid-${++n}@example.com`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `fid-${n}` }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: address }));
  const [conf] = await mails(address);
  assert.ok(conf?.Token, "no SubscriptionConfirmation in the email sink");
  return { TopicArn: TopicArn!, address, token: conf.Token, subscribeUrl: conf.SubscribeURL };
}

/** Publishes and returns the UnsubscribeURL of the notification the address got. */
async function unsubscribeUrl(TopicArn: string, address: string): Promise<string> {
  await sns.send(new PublishCommand({ TopicArn, Message: "hello" }));
  const note = (await mails(address)).at(-1)!;
  return (JSON.parse(note.Message) as { UnsubscribeURL: string }).UnsubscribeURL;
}

const subAttrs = async (SubscriptionArn: string) => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;

describe("AuthenticateOnUnsubscribe", () => {
  test("confirmed signed with AuthenticateOnUnsubscribe=true: the unsigned UnsubscribeURL is refused, the owner's signed Unsubscribe works", async () => {
    const { TopicArn, address, token } = await pending();
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token, AuthenticateOnUnsubscribe: "true" }));
    assert.ok(SubscriptionArn);
    const attrs = await subAttrs(SubscriptionArn);
    assert.equal(attrs.PendingConfirmation, "false");
    assert.equal(attrs.ConfirmationWasAuthenticated, "true");
    assert.equal(attrs.AuthenticateOnUnsubscribe, undefined, "not a subscription attribute AWS shows");

    const res = await fetch(await unsubscribeUrl(TopicArn, address));
    const text = await res.text();
    assert.equal(res.status, 403, text);
    assert.match(text, /<Code>MissingAuthenticationToken<\/Code>/);
    assert.equal((await subAttrs(SubscriptionArn)).PendingConfirmation, "false", "still subscribed");

    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException", message: "Subscription does not exist" });
  });

  test("the flag counts only on a signed ConfirmSubscription: through the unsigned SubscribeURL the link still unsubscribes", async () => {
    const { TopicArn, address, subscribeUrl } = await pending();
    const res = await fetch(`${subscribeUrl}&AuthenticateOnUnsubscribe=true`);
    assert.equal(res.status, 200);
    const SubscriptionArn = /<SubscriptionArn>([^<]+)</.exec(await res.text())![1];
    assert.equal((await subAttrs(SubscriptionArn)).ConfirmationWasAuthenticated, "false");
    assert.equal((await fetch(await unsubscribeUrl(TopicArn, address))).status, 200);
    await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException" });
  });

  test("confirmed signed without the flag: the link unsubscribes", async () => {
    const { TopicArn, address, token } = await pending();
    const { SubscriptionArn } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token }));
    assert.equal((await subAttrs(SubscriptionArn!)).ConfirmationWasAuthenticated, "true");
    assert.equal((await fetch(await unsubscribeUrl(TopicArn, address))).status, 200);
    await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException" });
  });
});

describe("ConfirmSubscription errors (LocalStack snapshots test_sns_confirm_subscription_wrong_token, test_subscribe_external_http_endpoint)", () => {
  const invalid = (message: string) => ({ name: "InvalidParameterException", status: 400, message });

  test("malformed TopicArn, a topic in another region, a token that is not hex, an unknown token", async () => {
    const { TopicArn, token } = await pending();
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn: "not-an-arn", Token: token })), invalid("Invalid parameter: Topic"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn: TopicArn.replace("us-east-1", "eu-central-1"), Token: token })), invalid("Invalid parameter: Topic"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "randomtoken" })), invalid("Invalid token"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "abc123" })), invalid("Invalid parameter: Token"));
    await rejectsAws(sns.send(new ConfirmSubscriptionCommand({ TopicArn: `${TopicArn.slice(0, -1)}x`, Token: "ab".repeat(144) })), invalid("Invalid parameter: Token"));
    // The right pair still confirms after all that.
    assert.ok((await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token }))).SubscriptionArn);
  });

  test("over the unsigned SubscribeURL too", async () => {
    const { subscribeUrl } = await pending();
    const broken = subscribeUrl.replace(/TopicArn=[^&]+/, "TopicArn=not-an-arn");
    const res = await fetch(broken);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>InvalidParameter<\/Code>\s*<Message>Invalid parameter: Topic<\/Message>/);
  });
});
