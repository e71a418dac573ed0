// SNS HTTP/S delivery as a destination kind of the delivery engine (src/delivery/engine.ts): the engine claims the
// outbox rows (kind sns.http, target = subscription ARN) under a lease, asks this kind for the subscription's current
// settings (retry policy and throttle from its DeliveryPolicy, dead-letter queue from its RedrivePolicy) and to make
// the attempt: a POST with SNS's headers and a real signature. Everything pending is a row, so a restart loses nothing.
// Success is any status 200-499; 5xx, timeouts (15 s) and connection errors are retried (SNS developer guide,
// "Preparing your HTTP/S endpoint to receive Amazon SNS messages"). A throttlePolicy caps deliveries per second and
// subscription: the engine puts a delivery over the cap back, due at the next second, without using up a retry (per node).
// After the last retry the message goes to the RedrivePolicy dead-letter queue with RequestID, ErrorCode and
// ErrorMessage attributes (SNS developer guide, "Amazon SNS dead-letter queues (DLQs)").
import type { DestinationKind, Resolved } from "../../../delivery/types.ts";
import type { OutboxRow } from "../../../delivery/types.ts";
import { randomUUID } from "node:crypto";
import { parseSubscriptionArn, parseTopicArn } from "../domain/arns.ts";
import { retryPolicyFor, throttleFor } from "../domain/delivery-policy.ts";
import { renderEnvelope } from "../domain/envelope.ts";
import type { SnsEnv } from "../env.ts";
import type { HttpPayload } from "../fanout.ts";
import { publishToTopic, unarchive } from "../operations/publish.ts";
import { type ConfirmationPayload, signedConfirmation, UNSUBSCRIBE_CONFIRMATION } from "../confirm-request.ts";
import type { SnsMetrics } from "../metrics.ts";
import type { Signer } from "../signer.ts";
import { SNS_HTTP_KIND, type SnsStore, type SubscriptionRecord } from "../store.ts";

export { SNS_HTTP_KIND };

const TIMEOUT_MS = 15_000;

export interface SnsHttpDeps {
  store: SnsStore;
  signer: Signer;
  metrics?: SnsMetrics;
}

interface Request {
  body: string;
  headers: Record<string, string>;
}

interface SnsResolved extends Resolved {
  sub: SubscriptionRecord;
  contentType: string;
  signatureVersion: string | undefined;
}

/** The sns.http destination kind; register it with the delivery engine under SNS_HTTP_KIND. */
export function snsHttpDestination(d: SnsHttpDeps): DestinationKind {
  async function request(row: OutboxRow, sub: SubscriptionRecord, contentType: string, topicVersion: string | undefined): Promise<Request> {
    const base = { "user-agent": "Amazon Simple Notification Service Agent", "content-type": contentType };
    if (row.detail === "confirmation" || row.detail === UNSUBSCRIBE_CONFIRMATION) {
      const p = JSON.parse(row.payload) as ConfirmationPayload;
      const { subscription } = p;
      const headers: Record<string, string> = { ...base, "x-amz-sns-message-type": p.Type, "x-amz-sns-message-id": p.MessageId, "x-amz-sns-topic-arn": p.TopicArn };
      // The unsubscribe confirmation names the subscription too (developer guide example of an UnsubscribeConfirmation POST).
      if (subscription) headers["x-amz-sns-subscription-arn"] = subscription.arn;
      return { body: await signedConfirmation(d.signer, p, topicVersion), headers };
    }
    const p = JSON.parse(row.payload) as HttpPayload;
    const n = p.notification;
    const headers: Record<string, string> = {
      ...base, "x-amz-sns-message-type": "Notification", "x-amz-sns-message-id": n.MessageId, "x-amz-sns-topic-arn": n.TopicArn,
      "x-amz-sns-subscription-arn": sub.arn,
    };
    if (p.raw) return { body: n.Message, headers: { ...headers, "x-amz-sns-rawdelivery": "true" } };
    const { UnsubscribeURL, MessageAttributes, ...head } = n;
    const body = renderEnvelope({
      ...head, Signature: await d.signer.sign(n, n.SignatureVersion), SigningCertURL: await d.signer.certificateUrl(p.baseUrl), UnsubscribeURL, MessageAttributes,
    });
    return { body, headers };
  }

  async function post(url: string, r: Request): Promise<{ ok: boolean; error: string; code: string }> {
    try {
      const res = await fetch(url, { method: "POST", headers: r.headers, body: r.body, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: "manual" });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 500) return { ok: true, error: "", code: "" };
      return { ok: false, code: String(res.status), error: `Endpoint responded with HTTP status ${res.status}` };
    } catch (e) {
      return { ok: false, code: "ConnectionError", error: (e as Error).message };
    }
  }

  return {
    async resolve(row) {
      const sub = await d.store.getSubscription(row.target) ?? farewellTarget(row);
      if (!sub) return undefined; // unsubscribed meanwhile: nothing to deliver
      const t = parseSubscriptionArn(sub.arn);
      const topic = t && (await d.store.getTopic(t));
      const topicPolicy = topic?.attributes.DeliveryPolicy;
      const subPolicy = sub.attributes.DeliveryPolicy;
      const notification = row.detail === "notification";
      const dlqArn = sub.attributes.RedrivePolicy ? (JSON.parse(sub.attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
      const r: SnsResolved = {
        sub, contentType: requestContentType(topicPolicy, subPolicy), signatureVersion: topic?.attributes.SignatureVersion, senderId: sub.owner,
        policy: { kind: "sns", phases: retryPolicyFor(topicPolicy, subPolicy), maxPerSecond: notification ? throttleFor(topicPolicy, subPolicy) : undefined },
        // Only notifications are dead-lettered; confirmations are dropped after their retries.
        deadLetter: notification && dlqArn ? { queueArn: dlqArn, names: { requestId: "RequestID", errorCode: "ErrorCode", errorMessage: "ErrorMessage" } } : undefined,
      };
      return r;
    },
    async attempt(row, resolved) {
      const r = resolved as SnsResolved;
      const req = await request(row, r.sub, r.contentType, r.signatureVersion);
      const result = await post(r.sub.endpoint, req);
      if (row.detail === "notification" && d.metrics) {
        const t = parseSubscriptionArn(r.sub.arn);
        if (t) (result.ok ? d.metrics.delivered : d.metrics.failed).add(t.account, t.region, t.name);
      }
      // The dead-letter queue gets the delivered document.
      return result.ok ? { ok: true } : { ok: false, code: result.code, message: result.error, deadLetterBody: req.body };
    },
  };
}

/** The delivery engine's destination kind "publish to an SNS topic" (target = topic ARN). */
export const SNS_TOPIC_KIND = "sns.topic";

/** What an sns.topic row carries: the message as a publish would prepare it (binary attributes base64). */
export interface TopicPublishPayload {
  baseUrl: string;
  message: string;
  subject?: string;
  attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  groupId?: string;
  dedupId?: string;
}

/**
 * An SNS topic as a destination of the delivery engine (EventBridge, Scheduler and Pipes targets, and anything else
 * that publishes from outside a request): the attempt is a publish, with the topic's own fan-out, filters and FIFO
 * deduplication. A topic that no longer exists fails at once (no retry), to the caller's dead-letter queue.
 */
export function snsTopicDestination(env: SnsEnv, signer: Signer): DestinationKind {
  return {
    async attempt(row) {
      const p = JSON.parse(row.payload) as TopicPublishPayload;
      const key = parseTopicArn(row.target);
      const topic = key && (await env.store.getTopic(key));
      // The dead-letter queue gets the message itself.
      if (!topic) return { ok: false, code: "NotFound", message: "Topic does not exist", retryable: false, deadLetterBody: p.message };
      const now = env.clock.now();
      const { attributes } = unarchive(JSON.stringify({ attributes: p.attributes }));
      await publishToTopic(env, signer, p.baseUrl, topic, {
        messageId: randomUUID(), message: p.message, subject: p.subject, attributes, groupId: p.groupId, dedupId: p.dedupId,
        timestamp: new Date(now).toISOString(),
      }, now);
      return { ok: true };
    },
  };
}

/** An UnsubscribeConfirmation goes to the subscription it was written for, which no longer exists. */
function farewellTarget(row: OutboxRow): SubscriptionRecord | undefined {
  if (row.detail !== UNSUBSCRIBE_CONFIRMATION) return undefined;
  const s = (JSON.parse(row.payload) as ConfirmationPayload).subscription;
  return s && { ...s, id: 0, topicId: 0, confirmed: false, createdAt: 0 };
}

function requestContentType(topicPolicy: string | undefined, subPolicy: string | undefined): string {
  // requestPolicy.headerContentType of the subscription, else the topic's defaultRequestPolicy (delivery policy docs).
  const sub = subPolicy ? (JSON.parse(subPolicy) as { requestPolicy?: { headerContentType?: string } }) : {};
  const topic = topicPolicy ? (JSON.parse(topicPolicy) as { http?: { defaultRequestPolicy?: { headerContentType?: string } } }) : {};
  return sub.requestPolicy?.headerContentType ?? topic.http?.defaultRequestPolicy?.headerContentType ?? "text/plain; charset=UTF-8";
}
