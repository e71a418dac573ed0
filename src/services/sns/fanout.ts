// Turns one published message into the writes of its deliveries: SQS messages (envelope or raw), HTTP/S outbox
// rows, and local sink records, for every confirmed subscription whose filter policy matches. Storage writes them
// all in the publish's transaction (SNS to SQS fan-out is atomic: a 200 means every matching queue has it); a
// FIFO queue's copy carries the topic's group and deduplication id and passes the queue's own deduplication.
import { randomUUID } from "node:crypto";
import { DEDUP_WINDOW_MS, fifoFields, isFifo as isFifoQueue, md5Hex, md5OfAttributes, parseQueueArn, type QueueKey } from "../sqs/index.ts";
import { envelopeAttributes, renderEnvelope, type Notification } from "./domain/envelope.ts";
import { passesFilter } from "./domain/filter.ts";
import { messageFor, type Published } from "./domain/messages.ts";
import type { SnsEnv } from "./env.ts";
import { deliverable, type TopicEvent } from "./platform-delivery.ts";
import type { Signer } from "./signer.ts";
import type { PublishWrite, SubscriptionRecord, TopicRecord } from "./store.ts";

/** What an HTTP/S outbox row carries: the notification without its signature (signed when sent). */
export interface HttpPayload {
  notification: Omit<Notification, "Signature" | "SigningCertURL">;
  raw: boolean;
  baseUrl: string;
}

/** A publish's writes, and the events to publish to SNS's own topics once they are committed. */
export interface Plan extends PublishWrite {
  events: TopicEvent[];
  /** Confirmed subscriptions whose filter policy turned the message away (NumberOfNotificationsFilteredOut). */
  filtered: number;
  /** Deliveries dropped because their queue no longer exists (NumberOfNotificationsFailed). */
  failed: number;
  /** The queue of each entry of `queues`, in order (their NumberOfMessagesSent once committed). */
  queueKeys: QueueKey[];
}

export async function allSubscriptions(env: SnsEnv, topic: TopicRecord): Promise<SubscriptionRecord[]> {
  const out: SubscriptionRecord[] = [];
  for (let after = 0; ;) {
    const page = await env.store.listSubscriptionsByTopic(topic.id, after, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1].id;
  }
}

export async function planDeliveries(
  env: SnsEnv, signer: Signer, baseUrl: string, topic: TopicRecord, subs: SubscriptionRecord[], p: Published,
): Promise<Plan> {
  const write: Plan = { queues: [], outbox: [], sinks: [], events: [], filtered: 0, failed: 0, queueKeys: [] };
  const version = topic.attributes.SignatureVersion === "2" ? "2" : "1";
  const signatures = new Map<string, Promise<string>>();
  const certUrl = await signer.certificateUrl(baseUrl);
  const notification = (message: string, sub: SubscriptionRecord): Omit<Notification, "Signature" | "SigningCertURL"> => ({
    Type: "Notification", MessageId: p.messageId, SequenceNumber: p.sequenceNumber, TopicArn: p.topicArn, Subject: p.subject,
    Message: message, Timestamp: p.timestamp, SignatureVersion: version,
    UnsubscribeURL: `${baseUrl}/?Action=Unsubscribe&SubscriptionArn=${sub.arn}`,
    MessageAttributes: envelopeAttributes(p.attributes),
  });
  const signed = async (message: string, sub: SubscriptionRecord): Promise<string> => {
    const n = notification(message, sub);
    let sig = signatures.get(message);
    if (!sig) signatures.set(message, (sig = signer.sign(n, version)));
    const { UnsubscribeURL, MessageAttributes, ...head } = n;
    return renderEnvelope({ ...head, Signature: await sig, SigningCertURL: certUrl, UnsubscribeURL, MessageAttributes });
  };
  for (const sub of subs) {
    if (!sub.confirmed) continue;
    const message = messageFor(p.structure, p.message, sub.protocol);
    if (!passesFilter(sub.attributes, message, p.attributes)) {
      write.filtered++;
      continue;
    }
    const raw = sub.attributes.RawMessageDelivery === "true";
    switch (sub.protocol) {
      case "sqs": {
        const key = parseQueueArn(sub.endpoint);
        const q = key && (await env.sqs.getQueue(key));
        if (!q) {
          write.failed++;
          break; // AWS drops deliveries to a queue that does not exist (no DLQ without a queue either)
        }
        const body = raw ? message : await signed(message, sub);
        const attrs = raw ? p.attributes : undefined;
        // SNS passes the publisher's trace context to subscribers (X-Ray developer guide, "Amazon SNS and AWS
        // X-Ray"); an SQS subscriber receives it as the AWSTraceHeader system attribute.
        const sys = p.traceHeader ? { AWSTraceHeader: { DataType: "String", StringValue: p.traceHeader } } : undefined;
        const m = {
          messageId: randomUUID(), body, md5OfBody: md5Hex(body), attributes: attrs, md5OfAttributes: md5OfAttributes(attrs),
          systemAttributes: sys, md5OfSystemAttributes: md5OfAttributes(sys),
          // The queue's DelaySeconds applies to every message it receives (SQS developer guide, "Amazon SQS delay queues").
          senderId: topic.account, visibleAt: Date.parse(p.timestamp) + Number(q.attributes.DelaySeconds ?? 0) * 1000, messageGroupId: p.groupId,
        };
        write.queueKeys.push(q);
        if (!isFifoQueue(q)) {
          write.queues.push({ queueId: q.id, message: m });
          break;
        }
        // The topic's message group and deduplication id go with the message into a FIFO queue (SNS developer guide,
        // "Message deduplication for FIFO topics"), so the queue's own content-based setting never applies; the key
        // follows the queue's DeduplicationScope like an SQS send's.
        const f = fifoFields(q, { MessageGroupId: p.groupId, MessageDeduplicationId: p.dedupId }, body);
        write.queues.push({
          queueId: q.id, message: { ...m, messageGroupId: f.groupId, deduplicationId: f.deduplicationId, dedupKey: f.dedupKey },
          fifo: { dedupWindowMs: DEDUP_WINDOW_MS },
        });
        break;
      }
      case "http":
      case "https": {
        const payload: HttpPayload = { notification: notification(message, sub), raw, baseUrl };
        write.outbox.push({ subscriptionArn: sub.arn, kind: "notification", payload: JSON.stringify(payload), dueAt: Date.parse(p.timestamp) });
        break;
      }
      case "email":
      case "email-json":
        write.sinks.push({
          sink: "email", account: topic.account, region: topic.region, target: sub.endpoint,
          payload: JSON.stringify(sub.protocol === "email"
            ? { Subject: p.subject, Message: message, MessageId: p.messageId, TopicArn: p.topicArn, SubscriptionArn: sub.arn }
            : { Subject: p.subject, Message: await signed(message, sub), MessageId: p.messageId, TopicArn: p.topicArn, SubscriptionArn: sub.arn }),
        });
        break;
      default:
        if (sub.protocol === "application") {
          // Disabled endpoints and refused tokens get nothing (src/services/sns/platform-delivery.ts).
          const ep = await env.store.getPlatformEndpoint(sub.endpoint);
          if (ep && !(await deliverable(env, ep, p.messageId, write.events))) break;
        }
        // sms, application, lambda, firehose: recorded in the local sink of that name.
        write.sinks.push({
          sink: sub.protocol === "application" ? "application" : sub.protocol, account: topic.account, region: topic.region, target: sub.endpoint,
          payload: JSON.stringify({
            PhoneNumber: sub.protocol === "sms" ? sub.endpoint : undefined, TopicArn: p.topicArn, SubscriptionArn: sub.arn,
            MessageId: p.messageId, Message: message, Subject: p.subject, MessageAttributes: envelopeAttributes(p.attributes),
            Timestamp: p.timestamp,
          }),
        });
    }
  }
  return write;
}
