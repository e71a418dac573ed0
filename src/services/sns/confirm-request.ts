// The confirmation a pending subscription gets: for http/https a SubscriptionConfirmation POST (queued in the
// outbox, delivered and retried by the deliverer), for email/email-json a record in the email sink. Both carry
// the Token and a SubscribeURL that confirms when visited (HTTP/S subscription confirmation, developer guide).
// An unsubscribed HTTP/S subscription gets an UnsubscribeConfirmation the same way, whose SubscribeURL restores it
// ("HTTP/HTTPS unsubscribe confirmation JSON format", developer guide). An SQS queue of another account than the
// subscriber's gets the SubscriptionConfirmation as a message, for the queue owner to confirm.
import { randomBytes, randomUUID } from "node:crypto";
import type { RequestContext } from "../types.ts";
import { md5Hex, parseQueueArn, wakeKey } from "../sqs/index.ts";
import { renderEnvelope } from "./domain/envelope.ts";
import { arnOfTopic, type SnsEnv } from "./env.ts";
import type { Signer } from "./signer.ts";
import type { Farewell, SubscriptionRecord, TopicRecord } from "./store.ts";

export interface ConfirmationPayload {
  Type: "SubscriptionConfirmation" | "UnsubscribeConfirmation";
  MessageId: string;
  Token: string;
  TopicArn: string;
  Message: string;
  SubscribeURL: string;
  Timestamp: string;
  baseUrl: string;
  /** UnsubscribeConfirmation: where it goes and how it is retried, as the subscription row is gone by then. */
  subscription?: Pick<SubscriptionRecord, "arn" | "owner" | "protocol" | "endpoint" | "attributes">;
}

/** Outbox kind of an UnsubscribeConfirmation (SubscriptionConfirmations are "confirmation"). */
export const UNSUBSCRIBE_CONFIRMATION = "unsubscribe-confirmation";
// Confirmation tokens are valid for three days (Subscribe API reference); the restoring token is kept as long (assumed alike).
const TOKEN_TTL_MS = 3 * 24 * 3600_000;

/**
 * The confirmation document as delivered: the payload's fields signed with the topic's SignatureVersion (confirmations
 * are signed like notifications, SetTopicAttributes API reference, SignatureVersion).
 */
export async function signedConfirmation(signer: Signer, p: ConfirmationPayload, topicVersion: string | undefined): Promise<string> {
  const { baseUrl, subscription: _, ...fields } = p;
  const version = topicVersion === "2" ? "2" : "1";
  return renderEnvelope({ ...fields, SignatureVersion: version, Signature: await signer.sign(fields, version), SigningCertURL: await signer.certificateUrl(baseUrl) });
}

/**
 * Whether a new subscription waits for confirmation: http/https/email always; an SQS queue when it belongs to another
 * account than the subscriber's (SNS developer guide, "Sending Amazon SNS messages to an Amazon SQS queue in a
 * different account": the queue owner confirms, unless the queue owner subscribed it).
 */
export function needsConfirmation(protocol: string, endpoint: string, subscriberAccount: string): boolean {
  if (protocol === "sqs") return parseQueueArn(endpoint)?.account !== subscriberAccount;
  return protocol === "http" || protocol === "https" || protocol === "email" || protocol === "email-json";
}

function subscribeUrl(baseUrl: string, topicArn: string, token: string): string {
  return `${baseUrl}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${token}`;
}

/** What Unsubscribe of a confirmed HTTP/S subscription writes with it: the UnsubscribeConfirmation and the restoring token. */
export function unsubscribeConfirmation(ctx: RequestContext, sub: SubscriptionRecord, now: number): Farewell {
  const topicArn = sub.arn.slice(0, sub.arn.lastIndexOf(":"));
  const token = randomBytes(64).toString("hex");
  const payload: ConfirmationPayload = {
    Type: "UnsubscribeConfirmation",
    MessageId: randomUUID(),
    Token: token,
    TopicArn: topicArn,
    // Wording from the developer guide's example ("HTTP/HTTPS unsubscribe confirmation JSON format").
    Message: `You have chosen to deactivate subscription ${sub.arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: subscribeUrl(ctx.baseUrl, topicArn, token),
    Timestamp: new Date(now).toISOString(),
    baseUrl: ctx.baseUrl,
    subscription: { arn: sub.arn, owner: sub.owner, protocol: sub.protocol, endpoint: sub.endpoint, attributes: sub.attributes },
  };
  return {
    token, expiresAt: now + TOKEN_TTL_MS, now,
    outbox: { subscriptionArn: sub.arn, kind: UNSUBSCRIBE_CONFIRMATION, payload: JSON.stringify(payload), dueAt: now },
  };
}

export async function confirmationRequest(env: SnsEnv, ctx: RequestContext, topic: TopicRecord, sub: SubscriptionRecord, now: number): Promise<void> {
  const arn = arnOfTopic(topic);
  const token = sub.token ?? "";
  const payload: ConfirmationPayload = {
    Type: "SubscriptionConfirmation",
    MessageId: randomUUID(),
    Token: token,
    TopicArn: arn,
    Message: `You have chosen to subscribe to the topic ${arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    SubscribeURL: subscribeUrl(ctx.baseUrl, arn, token),
    Timestamp: new Date(now).toISOString(),
    baseUrl: ctx.baseUrl,
  };
  if (sub.protocol === "http" || sub.protocol === "https") {
    await env.store.publish({ queues: [], outbox: [{ subscriptionArn: sub.arn, kind: "confirmation", payload: JSON.stringify(payload), dueAt: now }], sinks: [] }, now);
    env.outboxChanged?.();
  } else if (sub.protocol === "sqs") {
    const key = parseQueueArn(sub.endpoint);
    const q = key && (await env.sqs.getQueue(key));
    if (!q || !env.signer) return; // no such queue: nothing to deliver, the subscription stays pending
    const body = await signedConfirmation(env.signer, payload, topic.attributes.SignatureVersion);
    const message = { messageId: randomUUID(), body, md5OfBody: md5Hex(body), senderId: topic.account, visibleAt: now };
    await env.store.publish({ queues: [{ queueId: q.id, message }], outbox: [], sinks: [] }, now);
    env.notifier.notify(wakeKey(q.id));
  } else {
    await env.store.publish({ queues: [], outbox: [], sinks: [{ sink: "email", account: topic.account, region: topic.region, target: sub.endpoint, payload: JSON.stringify(payload) }] }, now);
  }
}
