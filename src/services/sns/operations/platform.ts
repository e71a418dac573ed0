// Publishing straight to a platform endpoint (TargetArn) or a phone number: no provider is reachable, so the
// message is recorded in the local "application" or "sms" sink (inspectable at /_aws/sns/...).
import type { RequestContext } from "../../types.ts";
import { envelopeAttributes } from "../domain/envelope.ts";
import { messageFor } from "../domain/messages.ts";
import type { SnsEnv } from "../env.ts";
import { notAuthorized } from "../access.ts";
import { invalidParameter, snsError } from "../errors.ts";
import type { Published } from "../domain/messages.ts";
import { parsePlatformArn } from "../domain/arns.ts";
import { deliverable, type TopicEvent } from "../platform-delivery.ts";

type Prepared = Omit<Published, "topicArn">;

export async function publishToPhone(env: SnsEnv, ctx: RequestContext, phone: string, p: Prepared, now: number) {
  // E.164: + and up to 15 digits (Publish API reference, PhoneNumber).
  if (!/^\+?[1-9]\d{1,14}$/.test(phone)) throw invalidParameter("PhoneNumber Reason: " + phone + " is not valid to publish to");
  const payload = { PhoneNumber: phone, MessageId: p.messageId, Message: messageFor(p.structure, p.message, "sms"), MessageAttributes: envelopeAttributes(p.attributes), Timestamp: p.timestamp };
  await env.store.publish({ queues: [], outbox: [], sinks: [{ sink: "sms", account: ctx.accountId, region: ctx.region, target: phone, payload: JSON.stringify(payload) }] }, now);
  return { MessageId: p.messageId };
}

export async function publishToEndpoint(env: SnsEnv, ctx: RequestContext, arn: string, p: Prepared, now: number, events: TopicEvent[]) {
  const parsed = parsePlatformArn(arn);
  if (!parsed || parsed.kind !== "endpoint") throw invalidParameter("TargetArn");
  if (parsed.account !== ctx.accountId) throw notAuthorized(ctx, `SNS:${ctx.operation ?? ""}`, String(arn));
  const ep = await env.store.getPlatformEndpoint(arn);
  // Publishing to a missing endpoint is InvalidParameter, not NotFound (LocalStack snapshot test_publish_non_existent_target).
  if (!ep) throw invalidParameter("TargetArn Reason: No endpoint found for the target arn specified");
  // A disabled endpoint refuses publishes (Publish API reference, EndpointDisabled).
  if (ep.attributes.Enabled === "false") throw snsError("EndpointDisabled", "Endpoint is disabled");
  // A token the provider refuses: the publish is accepted, the delivery fails and disables the endpoint.
  if (!(await deliverable(env, ep, p.messageId, events))) return { MessageId: p.messageId };
  const payload = { TargetArn: arn, MessageId: p.messageId, Message: messageFor(p.structure, p.message, parsed.platform), MessageAttributes: envelopeAttributes(p.attributes), Timestamp: p.timestamp };
  await env.store.publish({ queues: [], outbox: [], sinks: [{ sink: "application", account: ctx.accountId, region: ctx.region, target: arn, payload: JSON.stringify(payload) }] }, now);
  return { MessageId: p.messageId };
}
