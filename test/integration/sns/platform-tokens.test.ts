// Platform endpoints whose device token a push provider would refuse: /_mailroom/sns/invalid-tokens marks a
// token, the next delivery (TargetArn publish or an application subscription) records nothing, sets Enabled=false
// and sends a DeliveryFailure event to the application's EventDeliveryFailure topic; later publishes to the
// endpoint answer EndpointDisabled; a new token (or clearing the mark) and Enabled=true deliver again.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreatePlatformApplicationCommand, CreatePlatformEndpointCommand, CreateTopicCommand, GetEndpointAttributesCommand,
  PublishCommand, SetEndpointAttributesCommand, SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, useTestServer } from "../../helpers/server.ts";

const { server, sns } = useTestServer();

const delivered = async (endpointArn: string): Promise<string[]> => {
  const s = await (await fetch(`${server.endpoint}/_aws/sns/platform-endpoint-messages`)).json() as { platform_endpoint_messages: Record<string, { Message: string }[]> };
  return (s.platform_endpoint_messages[endpointArn] ?? []).map((m) => m.Message);
};
const mark = (query: string, method = "POST") => fetch(`${server.endpoint}/_mailroom/sns/invalid-tokens?${query}`, { method });
const enabled = async (EndpointArn: string) => (await sns.send(new GetEndpointAttributesCommand({ EndpointArn }))).Attributes?.Enabled;

test("a publish to an endpoint with an invalid token disables it and reports DeliveryFailure; later publishes are refused", async () => {
  const sqs = sqsClient(server.endpoint);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "push-failures" }));
  const { TopicArn: failures } = await sns.send(new CreateTopicCommand({ Name: "push-failures" }));
  await sns.send(new SubscribeCommand({ TopicArn: failures, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:push-failures", Attributes: { RawMessageDelivery: "true" } }));
  const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({
    Name: "tok-app", Platform: "GCM", Attributes: { PlatformCredential: "k", EventDeliveryFailure: failures! },
  }));
  const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "stale-device" }));
  const res = await mark(`EndpointArn=${encodeURIComponent(EndpointArn!)}`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { PlatformApplicationArn, Token: "stale-device", Invalid: true });

  const { MessageId } = await sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: "lost" }));
  assert.ok(MessageId);
  assert.deepEqual(await delivered(EndpointArn!), []);
  assert.equal(await enabled(EndpointArn!), "false");
  await rejectsAws(sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: "x" })), { name: "EndpointDisabledException", status: 400, message: "Endpoint is disabled" });

  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
  const event = JSON.parse(r.Messages![0].Body!);
  assert.equal(event.EventType, "DeliveryFailure");
  assert.equal(event.FailureType, "InvalidPlatformToken");
  assert.equal(event.EndpointArn, EndpointArn);
  assert.equal(event.Resource, PlatformApplicationArn);
  assert.equal(event.MessageId, MessageId);

  // A new token and Enabled=true: deliveries resume.
  await sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Token: "fresh-device", Enabled: "true" } }));
  await sns.send(new PublishCommand({ TargetArn: EndpointArn, Message: "arrives" }));
  assert.deepEqual(await delivered(EndpointArn!), ["arrives"]);
});

test("an application subscription to an endpoint with an invalid token: nothing recorded, the endpoint disabled; clearing the mark", async () => {
  const { PlatformApplicationArn } = await sns.send(new CreatePlatformApplicationCommand({ Name: "tok-app-2", Platform: "APNS", Attributes: { PlatformPrincipal: "p", PlatformCredential: "k" } }));
  const { EndpointArn } = await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn, Token: "dev-2" }));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "tok-topic" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "application", Endpoint: EndpointArn }));
  assert.equal((await mark(`PlatformApplicationArn=${encodeURIComponent(PlatformApplicationArn!)}&Token=dev-2`)).status, 200);
  await sns.send(new PublishCommand({ TopicArn, Message: "dropped" }));
  assert.deepEqual(await delivered(EndpointArn!), []);
  assert.equal(await enabled(EndpointArn!), "false");
  // Re-enabling without a new token fails again at the next delivery, until the mark is cleared.
  await sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Enabled: "true" } }));
  await sns.send(new PublishCommand({ TopicArn, Message: "dropped again" }));
  assert.equal(await enabled(EndpointArn!), "false");
  assert.equal((await mark(`EndpointArn=${encodeURIComponent(EndpointArn!)}`, "DELETE")).status, 200);
  await sns.send(new SetEndpointAttributesCommand({ EndpointArn, Attributes: { Enabled: "true" } }));
  await sns.send(new PublishCommand({ TopicArn, Message: "delivered" }));
  assert.deepEqual(await delivered(EndpointArn!), ["delivered"]);
});

test("the route refuses unknown endpoints and applications and incomplete queries", async () => {
  assert.equal((await mark("EndpointArn=arn:aws:sns:us-east-1:000000000000:endpoint/GCM/none/00000000-0000-0000-0000-000000000000")).status, 404);
  assert.equal((await mark("PlatformApplicationArn=arn:aws:sns:us-east-1:000000000000:app/GCM/none&Token=t")).status, 404);
  assert.equal((await mark("Token=t")).status, 400);
  assert.equal((await fetch(`${server.endpoint}/_mailroom/sns/invalid-tokens`)).status, 405);
});
