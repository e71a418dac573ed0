// Deliveries no provider can take land in inspectable sinks (/_aws/sns/sms-messages, /email-messages,
// /platform-endpoint-messages); platform applications and endpoints CRUD; disabled endpoints.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreatePlatformApplicationCommand, CreatePlatformEndpointCommand, CreateTopicCommand, DeleteEndpointCommand,
  DeletePlatformApplicationCommand, GetEndpointAttributesCommand, GetPlatformApplicationAttributesCommand,
  GetSubscriptionAttributesCommand, ListEndpointsByPlatformApplicationCommand, ListPlatformApplicationsCommand,
  PublishCommand, SetEndpointAttributesCommand, SubscribeCommand,
} from "@aws-sdk/client-sns";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const { server, sns } = useTestServer();

const sink = async (path: string) => (await fetch(`${server.endpoint}/_aws/sns/${path}`)).json() as Promise<Record<string, Record<string, Record<string, string>[]>>>;

test("Publish to a phone number and to an sms subscription is recorded in the sms sink; DELETE clears it", async () => {
  await sns.send(new PublishCommand({ PhoneNumber: "+15550100", Message: "direct" }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "sms-topic" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sms", Endpoint: "+15550101" }));
  await sns.send(new PublishCommand({ TopicArn, Message: "via topic" }));
  const s = await sink("sms-messages");
  assert.equal(s.sms_messages["+15550100"][0].Message, "direct");
  assert.equal(s.sms_messages["+15550101"][0].Message, "via topic");
  assert.equal(s.sms_messages["+15550101"][0].TopicArn, TopicArn);
  await rejectsAws(sns.send(new PublishCommand({ PhoneNumber: "not-a-number", Message: "x" })), { name: "InvalidParameterException" });
  assert.equal((await fetch(`${server.endpoint}/_aws/sns/sms-messages`, { method: "DELETE" })).status, 204);
  assert.deepEqual((await sink("sms-messages")).sms_messages, {});
});

test("email subscriptions get a confirmation in the email sink; once confirmed, email and email-json get messages", async () => {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "mail-topic" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "a@example.com" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "email-json", Endpoint: "b@example.com" }));
  let s = await sink("email-messages");
  for (const addr of ["a@example.com", "b@example.com"]) {
    const conf = s.email_messages[addr][0];
    assert.equal(conf.Type, "SubscriptionConfirmation");
    const xml = await (await fetch(conf.SubscribeURL)).text();
    const arn = /<SubscriptionArn>([^<]+)</.exec(xml)![1];
    assert.equal((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))).Attributes!.PendingConfirmation, "false");
  }
  await sns.send(new PublishCommand({ TopicArn, Message: "mail body", Subject: "Hi" }));
  s = await sink("email-messages");
  assert.equal(s.email_messages["a@example.com"][1].Message, "mail body");
  assert.equal(s.email_messages["a@example.com"][1].Subject, "Hi");
  assert.equal(JSON.parse(s.email_messages["b@example.com"][1].Message).Message, "mail body");
});

test("platform applications and endpoints: CRUD, idempotent endpoints, TargetArn publishing, disabled endpoints", async () => {
  const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: "app", Platform: "GCM", Attributes: { PlatformCredential: "secret" } }));
  assert.equal(PlatformApplicationArn, "arn:aws:sns:us-east-1:000000000000:app/GCM/app");
  const attrs = (await sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn }))).Attributes!;
  assert.equal(attrs.Enabled, "true");
  assert.equal(attrs.PlatformCredential, undefined);
  assert.ok((await sns.send(new ListPlatformApplicationsCommand({}))).PlatformApplications!.some((a) => a.PlatformApplicationArn === PlatformApplicationArn));
  const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1", CustomUserData: "u1" }));
  assert.match(EndpointArn!, /^arn:aws:sns:us-east-1:000000000000:endpoint\/GCM\/app\/[0-9a-f-]{36}$/);
  assert.equal((await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1", CustomUserData: "u1" }))).EndpointArn, EndpointArn);
  await rejectsAws(sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "device-1", CustomUserData: "other" })), {
    name: "InvalidParameterException", message: /already exists with the same Token, but different attributes/,
  });
  assert.deepEqual((await sns.send(new GetEndpointAttributesCommand({ EndpointArn }))).Attributes, { Enabled: "true", Token: "device-1", CustomUserData: "u1" });
  await sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: JSON.stringify({ default: "d", GCM: '{"data":{"k":"v"}}' }), MessageStructure: "json" }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "push-topic" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "application", Endpoint: EndpointArn }));
  await sns.send(new PublishCommand({ TopicArn, Message: "to all devices" }));
  let s = await sink("platform-endpoint-messages");
  assert.deepEqual(s.platform_endpoint_messages[EndpointArn!].map((m) => m.Message), ['{"data":{"k":"v"}}', "to all devices"]);
  await sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Enabled: "false" } }));
  await rejectsAws(sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: "x" })), { name: "EndpointDisabledException", message: "Endpoint is disabled" });
  await sns.send(new PublishCommand({ TopicArn, Message: "skipped" }));
  s = await sink("platform-endpoint-messages");
  assert.equal(s.platform_endpoint_messages[EndpointArn!].length, 2);
  assert.equal((await sns.send(new ListEndpointsByPlatformApplicationCommand({ PlatformApplicationArn }))).Endpoints!.length, 1);
  await sns.send(new DeleteEndpointCommand({ EndpointArn }));
  await rejectsAws(sns.send(new GetEndpointAttributesCommand({ EndpointArn })), { name: "NotFoundException" });
  await sns.send(new DeletePlatformApplicationCommand({ PlatformApplicationArn }));
  await rejectsAws(sns.send(new GetPlatformApplicationAttributesCommand({ PlatformApplicationArn })), { name: "NotFoundException" });
});

test("the signing certificate is served at its path; other /_aws/sns paths are 404-free only when known", async () => {
  const health = await (await fetch(`${server.endpoint}/_mailroom/health`)).json() as { services: Record<string, string> };
  assert.equal(health.services.sns, "running");
  const bad = await fetch(`${server.endpoint}/_aws/sns/SimpleNotificationService-nope.pem`);
  assert.equal(bad.status, 404);
});
