// Whether a delivery to a platform endpoint can go out, and what happens when its push provider would refuse it.
// No provider is reachable, so tokens a provider would call invalid are marked by hand
// (POST /_mailroom/sns/invalid-tokens, src/services/sns/routes.ts). A delivery to an endpoint whose token is
// marked sets the endpoint's Enabled to false, as SNS does when a provider reports the endpoint invalid
// (SetEndpointAttributes API reference, Enabled), records nothing in the sink, and
// publishes a DeliveryFailure event to the application's EventDeliveryFailure topic when it has one
// ("Amazon SNS application event notifications for mobile applications"). The event is planned here and published by
// the caller after its own write (operations/publish.ts), so planning never calls back into publishing (no import cycle).
import { randomUUID } from "node:crypto";
import { parsePlatformArn, parseTopicArn } from "./domain/arns.ts";
import type { SnsEnv } from "./env.ts";
import type { PlatformEndpoint } from "./store.ts";
import type { Published } from "./domain/messages.ts";
import type { TopicRecord } from "./store.ts";

/** A message to publish to one of SNS's own topics after the current write (a platform application event). */
export interface TopicEvent {
  topic: TopicRecord;
  prepared: Omit<Published, "topicArn">;
}

/** False when the endpoint is disabled, or its token is marked invalid (the endpoint is disabled then). */
export async function deliverable(env: SnsEnv, ep: PlatformEndpoint, messageId: string, events: TopicEvent[]): Promise<boolean> {
  // A disabled endpoint gets nothing (mobile push docs: Enabled=false stops deliveries).
  if (ep.attributes.Enabled === "false") return false;
  if (!(await env.store.tokenInvalid(ep.applicationArn, ep.token))) return true;
  await env.store.putPlatformEndpoint({ ...ep, attributes: { ...ep.attributes, Enabled: "false" } });
  const event = await deliveryFailureEvent(env, ep, messageId);
  if (event) events.push(event);
  return false;
}

/**
 * The DeliveryFailure event, in the shape AWS sends (fields as seen in delivered events; the developer guide names
 * the event but does not print it): a JSON message with EventType, FailureType InvalidPlatformToken, the endpoint
 * and application ARNs.
 */
async function deliveryFailureEvent(env: SnsEnv, ep: PlatformEndpoint, messageId: string): Promise<TopicEvent | undefined> {
  const app = await env.store.getPlatformApplication(ep.applicationArn);
  const key = app?.attributes.EventDeliveryFailure ? parseTopicArn(app.attributes.EventDeliveryFailure) : undefined;
  const topic = key && (await env.store.getTopic(key));
  if (!app || !topic || !env.signer) return undefined;
  const now = env.clock.now();
  const time = new Date(now).toISOString();
  const message = JSON.stringify({
    DeliveryAttempts: 1, EndpointArn: ep.arn, EventType: "DeliveryFailure",
    FailureMessage: "Platform token associated with the endpoint is not valid", FailureType: "InvalidPlatformToken",
    MessageId: messageId, Resource: app.arn, Service: "SNS", Time: time,
  });
  const platform = parsePlatformArn(app.arn)?.platform ?? app.platform;
  return { topic, prepared: { messageId: randomUUID(), message, subject: `DeliveryFailure event for app ${app.name} (${platform})`, timestamp: time } };
}
