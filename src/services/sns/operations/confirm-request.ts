// The confirmation a pending subscription gets: for http/https a SubscriptionConfirmation POST (queued in the
// outbox, delivered and retried by the deliverer), for email/email-json a record in the email sink. Both carry
// the Token and a SubscribeURL that confirms when visited (HTTP/S subscription confirmation, developer guide).
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { arnOfTopic, type SnsEnv } from "../env.ts";
import type { SubscriptionRecord, TopicRecord } from "../store.ts";

export interface ConfirmationPayload {
  Type: "SubscriptionConfirmation";
  MessageId: string;
  Token: string;
  TopicArn: string;
  Message: string;
  SubscribeURL: string;
  Timestamp: string;
  baseUrl: string;
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
    SubscribeURL: `${ctx.baseUrl}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(arn)}&Token=${token}`,
    Timestamp: new Date(now).toISOString(),
    baseUrl: ctx.baseUrl,
  };
  if (sub.protocol === "http" || sub.protocol === "https") {
    await env.store.publish({ queues: [], outbox: [{ subscriptionArn: sub.arn, kind: "confirmation", payload: JSON.stringify(payload), dueAt: now }], sinks: [] }, now);
    env.outboxChanged?.();
  } else {
    await env.store.publish({ queues: [], outbox: [], sinks: [{ sink: "email", account: topic.account, region: topic.region, target: sub.endpoint, payload: JSON.stringify(payload) }] }, now);
  }
}
