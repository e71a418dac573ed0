// AWS's own validator for Node (npm sns-validator) accepts Mailroom's signed messages: HTTP/S
// SubscriptionConfirmation and Notification (SignatureVersion 1 and 2) and the SQS envelope. It fetches
// SigningCertURL with https.get and refuses any other scheme, so the global https agent trusts Mailroom's
// TLS certificate here, as a client pointed at Mailroom would.
// Not UnsubscribeConfirmation: sns-validator signs it without Token, but AWS lists Token among its signed
// fields ("Verifying the signatures of Amazon SNS messages", SNS developer guide), as Mailroom signs it.
import assert from "node:assert/strict";
import https from "node:https";
import { after, before, test } from "node:test";
import { CreateTopicCommand, PublishCommand, SubscribeCommand, type SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import MessageValidator from "sns-validator";
import type { Mailroom } from "../../../src/index.ts";
import { startReceiver, type Receiver } from "../../helpers/receiver.ts";
import { snsClient, sqsClient, startTestServer } from "../../helpers/server.ts";
import { mailroomCa } from "../../helpers/tls.ts";

let server: Mailroom;
let sns: SNSClient;
let sqs: SQSClient;
let receiver: Receiver;
let validator: MessageValidator;
before(async () => {
  server = await startTestServer();
  sns = snsClient(server.endpoint);
  sqs = sqsClient(server.endpoint);
  receiver = await startReceiver();
  https.globalAgent.options.ca = await mailroomCa(server.endpoint);
  validator = new MessageValidator(new RegExp(`^127\\.0\\.0\\.1:${server.port}$`));
});
after(async () => {
  await server.close();
  await receiver.close();
});

const validate = (m: string | Record<string, unknown>) =>
  new Promise<Record<string, unknown>>((resolve, reject) => validator.validate(m, (err, ok) => (err ? reject(err) : resolve(ok!))));

let n = 0;
for (const version of ["1", "2"]) {
  test(`HTTP/S SubscriptionConfirmation and Notification validate (SignatureVersion ${version})`, async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `validator-${++n}`, Attributes: { SignatureVersion: version } }));
    const before = receiver.received.length;
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `${receiver.url}/v${n}` }));
    const conf = (await receiver.waitFor(before + 1))[before].json!;
    assert.equal(conf.Type, "SubscriptionConfirmation");
    assert.equal(conf.SignatureVersion, version);
    assert.match(conf.SigningCertURL, /^https:\/\/127\.0\.0\.1:\d+\/_aws\/sns\/SimpleNotificationService-[0-9a-f]+\.pem$/);
    await validate(conf);
    assert.equal((await fetch(conf.SubscribeURL)).status, 200);

    await sns.send(new PublishCommand({ TopicArn, Message: `over http ${version}`, Subject: "Validated" }));
    const note = (await receiver.waitFor(before + 2))[before + 1].json!;
    assert.equal(note.Type, "Notification");
    assert.equal(note.SignatureVersion, version);
    await validate(note);
    await assert.rejects(validate({ ...note, Message: "tampered" }), /signature is invalid/);
  });

  test(`the SQS envelope validates (SignatureVersion ${version})`, async () => {
    const name = `validator-${++n}`;
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { SignatureVersion: version } }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:${name}` }));
    await sns.send(new PublishCommand({ TopicArn, Message: `via sqs ${version}` }));
    const [m] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }))).Messages ?? [];
    assert.ok(m, "no message in the queue");
    const ok = await validate(m.Body!);
    assert.equal(ok.Message, `via sqs ${version}`);
    assert.equal(ok.SignatureVersion, version);
  });
}
