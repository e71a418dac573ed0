// The HTTP/S deliverer: claims due outbox rows under a lease (SKIP LOCKED on PostgreSQL, so every node can
// run one), POSTs them with SNS's headers and a real signature, and on failure schedules the next attempt by
// the subscription's delivery policy; when the policy is exhausted the message goes to the subscription's
// RedrivePolicy dead-letter queue. Everything pending is a row, so a restart loses nothing.
// Success is any status 200-499; 5xx, timeouts (15 s) and connection errors are retried (SNS developer guide,
// "Preparing your HTTP/S endpoint to receive Amazon SNS messages"). A throttlePolicy caps deliveries per second and
// subscription: a delivery over the cap is put back, due at the next second, without using up a retry (per node).
import { randomUUID } from "node:crypto";
import type { Clock } from "../../engine/clock.ts";
import type { Scheduler } from "../../engine/scheduler.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { Logger } from "../../util/log.ts";
import { md5Hex, md5OfAttributes } from "../sqs/domain/md5.ts";
import { parseQueueArn } from "../sqs/domain/queues.ts";
import { wakeKey } from "../sqs/env.ts";
import type { SqsStore } from "../sqs/store.ts";
import { parseSubscriptionArn } from "./domain/arns.ts";
import { retryDelayMs, retryPolicyFor, throttleFor } from "./domain/delivery-policy.ts";
import { renderEnvelope } from "./domain/envelope.ts";
import type { HttpPayload } from "./fanout.ts";
import { type ConfirmationPayload, signedConfirmation, UNSUBSCRIBE_CONFIRMATION } from "./operations/confirm-request.ts";
import type { Signer } from "./signer.ts";
import type { OutboxRow, SnsStore, SubscriptionRecord } from "./store.ts";

const LEASE_MS = 60_000;
const TIMEOUT_MS = 15_000;
const BATCH = 16;

export interface DelivererDeps {
  store: SnsStore;
  sqs: SqsStore;
  clock: Clock;
  notifier: Notifier;
  signer: Signer;
  log: Logger;
  scheduler: Scheduler;
  /** Shared database: look for other nodes' rows at least this often (1 s). */
  pollMs?: number;
}

interface Request {
  body: string;
  headers: Record<string, string>;
  /** The delivered document, for the dead-letter queue. */
  deadLetterAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }>;
}

export function startDeliverer(d: DelivererDeps) {
  /** Deliveries started per subscription in the current one-second window, for throttle policies. */
  const windows = new Map<string, { start: number; count: number }>();

  /** Counts a delivery against the subscription's throttle; returns when it may go instead if the cap is reached. */
  function throttled(arn: string, max: number | undefined, now: number): number | undefined {
    if (max === undefined) return undefined;
    let w = windows.get(arn);
    if (!w || now - w.start >= 1000) windows.set(arn, (w = { start: now, count: 0 }));
    if (w.count >= max) return w.start + 1000;
    w.count++;
    return undefined;
  }
  let stopped = false;

  async function request(row: OutboxRow, sub: SubscriptionRecord, contentType: string, topicVersion: string | undefined): Promise<Request> {
    const base = { "user-agent": "Amazon Simple Notification Service Agent", "content-type": contentType };
    if (row.kind === "confirmation" || row.kind === UNSUBSCRIBE_CONFIRMATION) {
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

  async function deliver(row: OutboxRow): Promise<void> {
    const now = () => d.clock.now();
    const sub = await d.store.getSubscription(row.subscriptionArn) ?? farewellTarget(row);
    if (!sub) return d.store.finishOutbox(row.id, now()); // unsubscribed meanwhile: nothing to deliver
    const t = parseSubscriptionArn(sub.arn);
    const topic = t && (await d.store.getTopic(t));
    const topicPolicy = topic?.attributes.DeliveryPolicy;
    const contentType = requestContentType(topicPolicy, sub.attributes.DeliveryPolicy);
    const later = row.kind === "notification" ? throttled(sub.arn, throttleFor(topicPolicy, sub.attributes.DeliveryPolicy), now()) : undefined;
    if (later !== undefined) return d.store.retryOutbox(row.id, row.attempts, later);
    const req = await request(row, sub, contentType, topic?.attributes.SignatureVersion);
    const result = await post(sub.endpoint, req);
    if (result.ok) return d.store.finishOutbox(row.id, now());
    const delay = retryDelayMs(retryPolicyFor(topicPolicy, sub.attributes.DeliveryPolicy), row.attempts + 1);
    if (delay !== undefined) return d.store.retryOutbox(row.id, row.attempts + 1, now() + delay);
    await giveUp(row, sub, req, result);
  }

  /** After the last retry: to the RedrivePolicy dead-letter queue, with the error as message attributes (SNS dead-letter queues docs). */
  async function giveUp(row: OutboxRow, sub: SubscriptionRecord, req: Request, result: { error: string; code: string }): Promise<void> {
    const dlqArn = sub.attributes.RedrivePolicy ? (JSON.parse(sub.attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn : undefined;
    const key = row.kind === "notification" && dlqArn ? parseQueueArn(dlqArn) : undefined;
    const q = key && (await d.sqs.getQueue(key));
    const now = d.clock.now();
    if (!q) {
      d.log.warn("sns delivery given up", { subscription: sub.arn, error: result.error });
      return d.store.finishOutbox(row.id, now);
    }
    const attributes = {
      RequestID: { DataType: "String", StringValue: randomUUID() },
      ErrorCode: { DataType: "String", StringValue: result.code },
      ErrorMessage: { DataType: "String", StringValue: result.error },
    };
    await d.store.finishOutbox(row.id, now, {
      queueId: q.id,
      message: {
        messageId: randomUUID(), body: req.body, md5OfBody: md5Hex(req.body), attributes, md5OfAttributes: md5OfAttributes(attributes),
        senderId: sub.owner, visibleAt: now,
      },
    });
    d.notifier.notify(wakeKey(q.id));
  }

  async function round(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const rows = await d.store.claimOutbox(d.clock.now(), LEASE_MS, BATCH);
      if (rows.length === 0) return;
      await Promise.all(rows.map((r) => deliver(r).catch((e) => d.log.warn("sns delivery failed", { id: r.id, error: String(e) }))));
    }
  }

  // The outbox is one kind of due work of the process's scheduler: its next due time is the earliest row that is
  // due and unleased; on a shared database (PostgreSQL) it is looked at again within pollMs for other nodes' rows.
  const registration = d.scheduler.register({
    name: "sns.deliveries",
    nextDue: () => d.store.nextOutboxDue(),
    run: round,
    pollMs: d.pollMs,
  });
  return {
    wake: () => registration.wake(),
    async stop() {
      stopped = true;
      await registration.cancel();
    },
  };
}

/** An UnsubscribeConfirmation goes to the subscription it was written for, which no longer exists. */
function farewellTarget(row: OutboxRow): SubscriptionRecord | undefined {
  if (row.kind !== UNSUBSCRIBE_CONFIRMATION) return undefined;
  const s = (JSON.parse(row.payload) as ConfirmationPayload).subscription;
  return s && { ...s, id: 0, topicId: 0, confirmed: false, createdAt: 0 };
}

function requestContentType(topicPolicy: string | undefined, subPolicy: string | undefined): string {
  // requestPolicy.headerContentType of the subscription, else the topic's defaultRequestPolicy (delivery policy docs).
  const sub = subPolicy ? (JSON.parse(subPolicy) as { requestPolicy?: { headerContentType?: string } }) : {};
  const topic = topicPolicy ? (JSON.parse(topicPolicy) as { http?: { defaultRequestPolicy?: { headerContentType?: string } } }) : {};
  return sub.requestPolicy?.headerContentType ?? topic.http?.defaultRequestPolicy?.headerContentType ?? "text/plain; charset=UTF-8";
}
