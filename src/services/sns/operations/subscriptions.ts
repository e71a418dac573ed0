// Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions(ByTopic), Get/SetSubscriptionAttributes.
// SQS, sms, application, lambda and firehose subscriptions are confirmed at once (an SQS queue of another account than
// the subscriber's waits for its owner, confirm-request.ts); http/https and email ones
// wait for ConfirmSubscription with the token sent to the endpoint (Subscribe API reference).
import { randomBytes, randomUUID } from "node:crypto";
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import { parsePlatformArn, parseSubscriptionArn, parseTopicArn } from "../domain/arns.ts";
import { AUTH_ON_UNSUBSCRIBE, checkTokenShape, checkUnsubscribeAllowed, confirmationAttributes, isSigned, wrongTopic } from "../domain/confirmation.ts";
import { checkSubscriptionAttribute, subscriptionAttributesView } from "../domain/subscription-attributes.ts";
import { arnOfTopic, decodeToken, encodeToken, resolveSubscription, resolveTopic, type SnsEnv } from "../env.ts";
import { invalidParameter, subscriptionNotFound } from "../errors.ts";
import type { SubscriptionRecord, TopicRecord } from "../store.ts";
import { confirmationRequest, needsConfirmation, unsubscribeConfirmation } from "../confirm-request.ts";
import { checkReplayPolicy, startReplay } from "./replay.ts";

type Input = Record<string, unknown>;
const PAGE = 100; // ListSubscriptions and ListSubscriptionsByTopic return up to 100 a page (API reference).

const PROTOCOLS = new Set(["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"]);

function checkEndpoint(protocol: string, endpoint: string | undefined): string {
  const e = endpoint ?? "";
  const ok = (() => {
    switch (protocol) {
      case "http": return /^http:\/\/[^/\s]+/i.test(e);
      case "https": return /^https:\/\/[^/\s]+/i.test(e);
      case "email":
      case "email-json": return /^[^@\s]+@[^@\s]+$/.test(e);
      case "sms": return /^\+?[1-9]\d{1,14}$/.test(e); // E.164 (SMS developer guide); "+15--551234567" and "+15551234567." are refused on AWS
      case "sqs": return /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(e);
      case "application": return parsePlatformArn(e)?.kind === "endpoint";
      case "lambda": return /^arn:aws[a-z-]*:lambda:/.test(e);
      case "firehose": return /^arn:aws[a-z-]*:firehose:/.test(e);
      default: return false;
    }
  })();
  if (!ok) {
    // InvalidParameter naming the bad member (Subscribe API reference, Errors); "SQS endpoint ARN" as recorded in
    // LocalStack's SNS snapshots, the email and other wordings not checked against a recording.
    if (protocol === "sqs") throw invalidParameter("SQS endpoint ARN");
    // Unprefixed, as recorded on AWS (LocalStack snapshots test_subscribe_invalid_sms, test_publish_wrong_phone_format).
    if (protocol === "sms") throw new AwsError("InvalidParameter", `Invalid SMS endpoint: ${e}`, { status: 400 });
    if (protocol === "email" || protocol === "email-json") throw invalidParameter("Email address");
    throw invalidParameter("Endpoint");
  }
  return e;
}

export async function subscribe(env: SnsEnv, ctx: RequestContext, input: Input) {
  // Subscribe's service-specific condition keys ("Amazon SNS API permissions", Service-specific keys).
  const keys = { "sns:protocol": String(input.Protocol ?? "").toLowerCase(), "sns:endpoint": String(input.Endpoint ?? "") };
  const topic = await resolveTopic(env, ctx, input.TopicArn, "TopicArn", keys);
  const protocol = String(input.Protocol ?? "").toLowerCase();
  if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${String(input.Protocol)}`);
  const endpoint = checkEndpoint(protocol, input.Endpoint as string | undefined);
  const fifo = topic.attributes.FifoTopic === "true";
  // FIFO topics deliver to SQS queues only, FIFO or standard (FIFO topics developer guide, "FIFO topic code examples").
  if (fifo && protocol !== "sqs") throw invalidParameter(`Invalid protocol type: ${protocol}`);
  if (protocol === "sqs" && endpoint.endsWith(".fifo") && !fifo) {
    // Standard topics cannot deliver to FIFO queues (SNS FIFO topics developer guide; AWS's doubled prefix as
    // recorded in LocalStack's test_validations_for_fifo snapshot).
    throw invalidParameter("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
  }
  const given = (input.Attributes as Record<string, string> | undefined) ?? {};
  const attributes: Record<string, string> = {};
  const target = { protocol, endpoint, scope: given.FilterPolicyScope, subscribing: true };
  for (const [k, v] of Object.entries(given)) attributes[k] = checkSubscriptionAttribute(k, v, target);
  // A ReplayPolicy given at Subscribe starts a replay once the subscription exists (replay developer guide).
  const replayWindow = attributes.ReplayPolicy ? checkReplayPolicy(env, topic, attributes.ReplayPolicy) : undefined;
  const pending = needsConfirmation(protocol, endpoint, ctx.accountId);
  const token = pending ? randomBytes(64).toString("hex") : undefined;
  const arn = `${arnOfTopic(topic)}:${randomUUID()}`;
  const now = env.clock.now();
  const { subscription, created } = await env.store.subscribe(topic.id, { arn, owner: ctx.accountId, protocol, endpoint, attributes, confirmed: !pending, token }, now);
  if (!created) {
    // Subscribing again with other attributes is an error (Subscribe API reference: idempotent only for identical attributes; wording as recorded in LocalStack's SNS snapshots).
    for (const [k, v] of Object.entries(attributes)) {
      if ((subscription.attributes[k] ?? "") !== v) throw invalidParameter("Attributes Reason: Subscription already exists with different attributes");
    }
  } else if (pending) {
    await confirmationRequest(env, ctx, topic, subscription, now);
  } else if (replayWindow) {
    await startReplay(env, ctx, topic, subscription, replayWindow);
  }
  const showArn = subscription.confirmed || input.ReturnSubscriptionArn === true;
  return { SubscriptionArn: showArn ? subscription.arn : "pending confirmation" };
}

export async function confirmSubscription(env: SnsEnv, ctx: RequestContext, input: Input) {
  // ConfirmSubscription is authorized by its token, whoever calls it (the SubscribeURL works unsigned).
  const p = typeof input.TopicArn === "string" ? parseTopicArn(input.TopicArn) : undefined;
  if (!p) throw wrongTopic();
  const token = checkTokenShape(input.Token);
  const sub = await env.store.subscriptionByToken(token);
  if (!sub) {
    // The token of an UnsubscribeConfirmation restores the subscription it deactivated (developer guide, unsubscribe confirmation format).
    const topic = await env.store.getTopic(p);
    const restored = topic ? await env.store.restoreSubscription(token, topic.id, env.clock.now()) : undefined;
    if (!restored) throw invalidParameter("Token");
    return { SubscriptionArn: restored.arn };
  }
  // The token decides: a TopicArn of the token's region confirms even when it names no topic, one of another region
  // is "Invalid parameter: Topic" (recorded AWS responses: LocalStack snapshot test_subscribe_external_http_endpoint,
  // nonexistent-token-confirm and different-region-arn-confirm).
  if (parseSubscriptionArn(sub.arn)?.region !== p.region) throw wrongTopic();
  const signed = isSigned(ctx.accessKeyId);
  const added = confirmationAttributes(signed, input.AuthenticateOnUnsubscribe);
  // A later unsigned confirmation never lifts the protection an authenticated one set.
  if (sub.attributes[AUTH_ON_UNSUBSCRIBE] === "true") Object.assign(added, { ConfirmationWasAuthenticated: "true", [AUTH_ON_UNSUBSCRIBE]: "true" });
  await env.store.setSubscriptionAttributes(sub.arn, { ...sub.attributes, ...added });
  await env.store.confirmSubscription(sub.arn);
  return { SubscriptionArn: sub.arn };
}

export async function unsubscribe(env: SnsEnv, ctx: RequestContext, input: Input) {
  const sub = await resolveSubscription(env, ctx, input.SubscriptionArn).catch((e: { code?: string }) => {
    // Unsubscribing twice succeeds (Unsubscribe API reference: idempotent).
    if (e.code === "NotFound") return undefined;
    throw e;
  });
  if (!sub) return undefined;
  checkUnsubscribeAllowed(sub.attributes, isSigned(ctx.accessKeyId));
  // A confirmed HTTP/S endpoint is told, and may restore the subscription ("HTTP/HTTPS unsubscribe confirmation JSON format", developer guide).
  const tell = sub.confirmed && (sub.protocol === "http" || sub.protocol === "https");
  if (tell && (await env.store.unsubscribe(sub.arn, unsubscribeConfirmation(ctx, sub, env.clock.now())))) env.outboxChanged?.();
  else if (!tell) await env.store.unsubscribe(sub.arn);
  return undefined;
}

function listed(s: SubscriptionRecord, topicArnOf: string) {
  return {
    SubscriptionArn: s.confirmed ? s.arn : "PendingConfirmation",
    Owner: s.owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: topicArnOf,
  };
}

function cursor(token: unknown): number {
  const s = decodeToken(token);
  if (s !== "" && !/^\d{1,15}$/.test(s)) throw invalidParameter("NextToken");
  return Number(s || 0);
}

function topicArnOfSub(s: SubscriptionRecord): string {
  return s.arn.slice(0, s.arn.lastIndexOf(":"));
}

export async function listSubscriptions(env: SnsEnv, ctx: RequestContext, input: Input) {
  const after = cursor(input.NextToken);
  const rows = await env.store.listSubscriptions(ctx.accountId, ctx.region, after, PAGE + 1);
  const page = rows.slice(0, PAGE);
  const out: Record<string, unknown> = { Subscriptions: page.map((s) => listed(s, topicArnOfSub(s))) };
  if (rows.length > PAGE) out.NextToken = encodeToken(page[page.length - 1].id);
  return out;
}

export async function listSubscriptionsByTopic(env: SnsEnv, ctx: RequestContext, input: Input) {
  const topic = await resolveTopic(env, ctx, input.TopicArn);
  const after = cursor(input.NextToken);
  const rows = await env.store.listSubscriptionsByTopic(topic.id, after, PAGE + 1);
  const page = rows.slice(0, PAGE);
  const out: Record<string, unknown> = { Subscriptions: page.map((s) => listed(s, arnOfTopic(topic))) };
  if (rows.length > PAGE) out.NextToken = encodeToken(page[page.length - 1].id);
  return out;
}

async function topicOf(env: SnsEnv, s: SubscriptionRecord): Promise<TopicRecord | undefined> {
  const arn = topicArnOfSub(s);
  const [, , , region, account, name] = arn.split(":");
  return env.store.getTopic({ region, account, name });
}

export async function getSubscriptionAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const s = await resolveSubscription(env, ctx, input.SubscriptionArn);
  const topic = await topicOf(env, s);
  const Attributes = subscriptionAttributesView(s, topicArnOfSub(s), topic?.attributes.DeliveryPolicy);
  const replayStatus = await env.store.replayStatus(s.arn);
  if (replayStatus) Attributes.ReplayStatus = replayStatus;
  return { Attributes };
}

export async function setSubscriptionAttributes(env: SnsEnv, ctx: RequestContext, input: Input) {
  const s = await resolveSubscription(env, ctx, input.SubscriptionArn);
  const name = input.AttributeName as string;
  const value = (input.AttributeValue as string | undefined) ?? "";
  const scope = name === "FilterPolicyScope" ? value : s.attributes.FilterPolicyScope;
  const target = { protocol: s.protocol, endpoint: s.endpoint, scope, subscribing: false };
  const checked = checkSubscriptionAttribute(name, value, target);
  // Changing the scope re-checks the current policy against it (a nested policy cannot become attribute-scoped).
  if (name === "FilterPolicyScope" && s.attributes.FilterPolicy) checkSubscriptionAttribute("FilterPolicy", s.attributes.FilterPolicy, { ...target, scope: value });
  const attributes = { ...s.attributes, [name]: checked };
  delete attributes.ReplayStatus; // read from the replay itself (older versions stored it here)
  const topic = name === "ReplayPolicy" && checked !== "" ? await topicOf(env, s) : undefined;
  if (name === "ReplayPolicy" && checked !== "" && !topic) throw subscriptionNotFound();
  const replayWindow = topic && checkReplayPolicy(env, topic, checked);
  await env.store.setSubscriptionAttributes(s.arn, attributes);
  if (topic && replayWindow) await startReplay(env, ctx, topic, s, replayWindow);
  return undefined;
}
