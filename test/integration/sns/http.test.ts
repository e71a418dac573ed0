// HTTP/S subscriptions against a local receiver: SubscriptionConfirmation (SubscribeURL confirms), signed
// notifications with the x-amz-sns-* headers, UnsubscribeConfirmation (its SubscribeURL restores the subscription), raw delivery, retries by AWS's delivery policy phases driven by a
// ManualClock, the dead-letter queue after the last retry, and a restart while a retry is pending.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateTopicCommand, GetSubscriptionAttributesCommand, GetTopicAttributesCommand, PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { startReceiver, type Receiver } from "../../helpers/receiver.ts";
import { snsClient, sqsClient, startTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.now());
let server: Mailroom;
let sns: SNSClient;
let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), "mailroom-sns-http-"));

before(async () => {
  server = await startTestServer({ clock });
  sns = snsClient(server.endpoint);
  receiver = await startReceiver();
});
after(async () => {
  await server.close();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Lets the deliverer's async work run after the ManualClock moved (real time, no timed behaviour). */
const settle = () => new Promise((r) => setTimeout(r, 150));

let n = 0;
async function confirmedHttp(s: SNSClient, r: Receiver, subAttrs: Record<string, string> = {}, topicAttrs: Record<string, string> = {}) {
  const { TopicArn } = await s.send(new CreateTopicCommand({ Name: `http-${++n}`, Attributes: topicAttrs }));
  const path = `/hook-${n}`;
  await s.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `${r.url}${path}`, Attributes: subAttrs }));
  let conf = r.received.find((x) => x.json?.Type === "SubscriptionConfirmation" && x.json.TopicArn === TopicArn);
  for (let i = 0; i < 500 && !conf; i++) {
    await new Promise((x) => setTimeout(x, 10));
    conf = r.received.find((x) => x.json?.Type === "SubscriptionConfirmation" && x.json.TopicArn === TopicArn);
  }
  assert.ok(conf, "no SubscriptionConfirmation arrived");
  await settle();
  const res = await fetch(conf.json!.SubscribeURL);
  assert.equal(res.status, 200);
  const xml = await res.text();
  const SubscriptionArn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(xml)![1];
  return { TopicArn: TopicArn!, SubscriptionArn, conf };
}

test("SubscriptionConfirmation: signed, with Token and SubscribeURL; visiting SubscribeURL confirms", async () => {
  const { TopicArn, SubscriptionArn, conf } = await confirmedHttp(sns, receiver);
  assert.equal(conf.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
  assert.equal(conf.headers["x-amz-sns-topic-arn"], TopicArn);
  assert.equal(conf.json!.Type, "SubscriptionConfirmation");
  assert.equal(conf.json!.TopicArn, TopicArn);
  assert.match(conf.json!.Token, /^[0-9a-f]{128}$/);
  assert.equal(conf.signatureValid, true);
  const a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.PendingConfirmation, "false");
  assert.equal(a.Protocol, "http");
  assert.ok(JSON.parse(a.EffectiveDeliveryPolicy).healthyRetryPolicy);
});

test("notifications are POSTed with SNS headers and a valid signature; raw delivery posts the message", async () => {
  const { TopicArn, SubscriptionArn } = await confirmedHttp(sns, receiver);
  const before = receiver.received.length;
  const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: "to http", Subject: "S" }));
  const got = (await receiver.waitFor(before + 1))[before];
  assert.equal(got.headers["x-amz-sns-message-type"], "Notification");
  assert.equal(got.headers["x-amz-sns-message-id"], MessageId);
  assert.equal(got.headers["x-amz-sns-topic-arn"], TopicArn);
  assert.equal(got.headers["x-amz-sns-subscription-arn"], SubscriptionArn);
  assert.equal(got.headers["content-type"], "text/plain; charset=UTF-8");
  assert.equal(got.json!.Message, "to http");
  assert.equal(got.json!.Subject, "S");
  assert.equal(got.signatureValid, true);
  const raw = await confirmedHttp(sns, receiver, { RawMessageDelivery: "true" });
  const b2 = receiver.received.length;
  await sns.send(new PublishCommand({ TopicArn: raw.TopicArn, Message: "raw http" }));
  const r2 = (await receiver.waitFor(b2 + 1))[b2];
  assert.equal(r2.body, "raw http");
  assert.equal(r2.headers["x-amz-sns-rawdelivery"], "true");
});

test("Unsubscribe POSTs a signed UnsubscribeConfirmation; its SubscribeURL restores the subscription, once", async () => {
  const { TopicArn, SubscriptionArn } = await confirmedHttp(sns, receiver, { RawMessageDelivery: "true" });
  const before = receiver.received.length;
  await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
  const got = (await receiver.waitFor(before + 1))[before];
  assert.equal(got.headers["x-amz-sns-message-type"], "UnsubscribeConfirmation");
  assert.equal(got.headers["x-amz-sns-topic-arn"], TopicArn);
  assert.equal(got.headers["x-amz-sns-subscription-arn"], SubscriptionArn);
  assert.equal(got.headers["x-amz-sns-message-id"], got.json!.MessageId);
  assert.equal(got.json!.Type, "UnsubscribeConfirmation");
  assert.equal(got.json!.TopicArn, TopicArn);
  assert.equal(got.json!.Message, `You have chosen to deactivate subscription ${SubscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`);
  assert.match(got.json!.Token, /^[0-9a-f]{128}$/);
  assert.equal(got.signatureValid, true);
  await rejectsAws(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })), { name: "NotFoundException", status: 404 });
  assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes?.SubscriptionsConfirmed, "0");

  const res = await fetch(got.json!.SubscribeURL);
  assert.equal(res.status, 200);
  assert.equal(/<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(await res.text())![1], SubscriptionArn);
  const a = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes!;
  assert.equal(a.PendingConfirmation, "false");
  assert.equal(a.RawMessageDelivery, "true");
  const b2 = receiver.received.length;
  await sns.send(new PublishCommand({ TopicArn, Message: "after restore" }));
  assert.equal((await receiver.waitFor(b2 + 1))[b2].body, "after restore");
  // The token is used up.
  assert.equal((await fetch(got.json!.SubscribeURL)).status, 400);
});

test("a throttlePolicy caps deliveries per second; the rest follow in the next seconds", async () => {
  const { TopicArn, SubscriptionArn } = await confirmedHttp(sns, receiver, {}, {
    DeliveryPolicy: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 3 }, defaultThrottlePolicy: { maxReceivesPerSecond: 2 } } }),
  });
  const notes = () => receiver.received.filter((x) => x.json?.Type === "Notification" && x.json.TopicArn === TopicArn).length;
  for (let i = 0; i < 5; i++) await sns.send(new PublishCommand({ TopicArn, Message: `m${i}` }));
  await settle();
  assert.equal(notes(), 2);
  const attrs = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }));
  assert.deepEqual(JSON.parse(attrs.Attributes!.EffectiveDeliveryPolicy!).throttlePolicy, { maxReceivesPerSecond: 2 });
  clock.advance(1000);
  await settle();
  assert.equal(notes(), 4);
  clock.advance(1000);
  await settle();
  assert.equal(notes(), 5);
});

test("a receiver failing twice gets the message on the third attempt, 20 s apart by the default policy", async () => {
  const { TopicArn } = await confirmedHttp(sns, receiver);
  const before = receiver.received.length;
  receiver.failures = 2;
  await sns.send(new PublishCommand({ TopicArn, Message: "retry me" }));
  await receiver.waitFor(before + 1);
  await settle();
  clock.advance(19_000);
  await settle();
  assert.equal(receiver.received.length, before + 1);
  clock.advance(1_000);
  await receiver.waitFor(before + 2);
  await settle();
  clock.advance(20_000);
  const all = await receiver.waitFor(before + 3);
  assert.deepEqual(all.slice(before).map((x) => [x.status, x.json!.Message]), [[500, "retry me"], [500, "retry me"], [200, "retry me"]]);
  clock.advance(60_000);
  await settle();
  assert.equal(receiver.received.length, before + 3);
});

test("after the last retry the message goes to the RedrivePolicy dead-letter queue with the error attributes", async () => {
  const sqs = sqsClient(server.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "http-dlq" }));
  const policy = { healthyRetryPolicy: { numRetries: 2, numNoDelayRetries: 1, minDelayTarget: 5, maxDelayTarget: 5, numMinDelayRetries: 1 } };
  const { TopicArn } = await confirmedHttp(sns, receiver, {
    DeliveryPolicy: JSON.stringify(policy), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:http-dlq" }),
  });
  const before = receiver.received.length;
  receiver.failures = 100;
  await sns.send(new PublishCommand({ TopicArn, Message: "doomed" }));
  await receiver.waitFor(before + 2); // the first attempt and the no-delay retry
  await settle();
  clock.advance(5_000);
  await receiver.waitFor(before + 3);
  receiver.failures = 0;
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
  const m = r.Messages![0];
  assert.equal(JSON.parse(m.Body!).Message, "doomed");
  assert.equal(m.MessageAttributes?.ErrorCode.StringValue, "500");
  assert.match(m.MessageAttributes!.ErrorMessage.StringValue!, /500/);
  assert.ok(m.MessageAttributes?.RequestID.StringValue);
});

test("a pending retry survives a restart of the server", async () => {
  const c = new ManualClock(Date.now());
  const r = await startReceiver();
  let s1: Mailroom | undefined = await startTestServer({ clock: c, dataDir: dir, memory: false });
  try {
    const client = snsClient(s1.endpoint);
    const { TopicArn } = await confirmedHttp(client, r);
    const before = r.received.length;
    r.failures = 1;
    await client.send(new PublishCommand({ TopicArn, Message: "durable retry" }));
    await r.waitFor(before + 1);
    await settle();
    await s1.close();
    s1 = await startTestServer({ clock: c, dataDir: dir, memory: false });
    c.advance(20_000);
    const all = await r.waitFor(before + 2);
    assert.deepEqual(all.slice(before).map((x) => [x.status, x.json!.Message]), [[500, "durable retry"], [200, "durable retry"]]);
  } finally {
    await s1?.close();
    await r.close();
  }
});
