// Publish and PublishBatch: validate the message, resolve the destination (topic, platform endpoint, phone
// number), plan every subscription's delivery and write them all in one transaction; then wake the queues'
// long polls and the HTTP deliverer. FIFO topics add MessageGroupId, deduplication (5-minute window, durable)
// and SequenceNumber (FIFO topics developer guide).
import { createHash, randomUUID } from "node:crypto";
import { wakeKey } from "../../sqs/index.ts";
import type { TopicEvent } from "../platform-delivery.ts";
import type { RequestContext } from "../../types.ts";
import { parsePlatformArn, parseTopicArn } from "../domain/arns.ts";
import { checkAttributes, checkSubject, MAX_MESSAGE_BYTES, parseStructure, type Published, type SnsAttribute } from "../domain/messages.ts";
import { checkArchivePolicy, isFifo } from "../domain/topic-attributes.ts";
import { arnOfTopic, resolveTopic, type SnsEnv } from "../env.ts";
import { invalidParameter, snsError } from "../errors.ts";
import { allSubscriptions, type Plan, planDeliveries } from "../fanout.ts";
import type { Signer } from "../signer.ts";
import type { PublishWrite, TopicRecord } from "../store.ts";
import { publishToEndpoint, publishToPhone } from "./platform.ts";
import { replayEnds } from "./replay.ts";

type Input = Record<string, unknown>;
export const DEDUP_WINDOW_MS = 5 * 60_000; // FIFO deduplication interval (FIFO topics developer guide)
export const DAY_MS = 86_400_000;

interface Entry {
  Message?: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, SnsAttribute>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/** Validates one message; returns it with its size. */
export function prepare(topic: TopicRecord | undefined, e: Entry, now: number): { p: Omit<Published, "topicArn">; size: number } {
  const message = e.Message;
  if (message === undefined || message === "") throw invalidParameter("Empty message");
  checkSubject(e.Subject);
  if (e.MessageStructure !== undefined && e.MessageStructure !== "json") throw invalidParameter("MessageStructure");
  const structure = e.MessageStructure === "json" ? parseStructure(message) : undefined;
  const size = Buffer.byteLength(message, "utf8") + checkAttributes(e.MessageAttributes);
  if (size > MAX_MESSAGE_BYTES) throw invalidParameter("Message too long");
  const fifo = topic ? isFifo(topic.attributes) : false;
  let dedupId = e.MessageDeduplicationId;
  if (fifo) {
    if (!e.MessageGroupId) throw invalidParameter("The MessageGroupId parameter is required for FIFO topics");
    if (!dedupId) {
      if (topic?.attributes.ContentBasedDeduplication !== "true") {
        throw invalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
      }
      // Content-based deduplication: SHA-256 of the message body (FIFO topics developer guide).
      dedupId = createHash("sha256").update(message).digest("hex");
    }
  } else if (dedupId !== undefined) {
    throw invalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
  }
  for (const [name, v] of [["MessageGroupId", e.MessageGroupId], ["MessageDeduplicationId", dedupId]] as const) {
    if (v !== undefined && !/^[\x21-\x7e]{1,128}$/.test(v)) throw invalidParameter(`${name} Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  const attributes = e.MessageAttributes && Object.keys(e.MessageAttributes).length > 0 ? e.MessageAttributes : undefined;
  return {
    size,
    p: {
      messageId: randomUUID(), message, subject: e.Subject, structure, attributes, groupId: e.MessageGroupId, dedupId,
      timestamp: new Date(now).toISOString(),
    },
  };
}

/** Plans and writes one message to a topic; returns MessageId (and SequenceNumber on FIFO topics). */
export async function publishToTopic(env: SnsEnv, signer: Signer, baseUrl: string, topic: TopicRecord, prepared: Omit<Published, "topicArn">, now: number) {
  if (!isFifo(topic.attributes) || !env.publishOrder) return writePublish(env, signer, baseUrl, topic, prepared, now);
  // One publish of a message group at a time on this node, so its messages reach FIFO queues in the order of their
  // topic sequence numbers (taken before the write).
  return env.publishOrder.run(`${topic.id} ${prepared.groupId ?? ""}`, () => writePublish(env, signer, baseUrl, topic, prepared, now));
}

async function writePublish(env: SnsEnv, signer: Signer, baseUrl: string, topic: TopicRecord, prepared: Omit<Published, "topicArn">, now: number) {
  const p: Published = { ...prepared, topicArn: arnOfTopic(topic) };
  const fifo = isFifo(topic.attributes);
  if (fifo) p.sequenceNumber = String(await env.store.nextSequence(topic.id)).padStart(20, "0");
  // A subscription whose ReplayPolicy names an EndingPoint no longer receives newly published messages
  // (GetSubscriptionAttributes API reference, ReplayStatus "Completed").
  const subs = (await allSubscriptions(env, topic)).filter((s) => !fifo || !replayEnds(s.attributes.ReplayPolicy));
  const { events, filtered, failed, queueKeys, ...write }: Plan = await planDeliveries(env, signer, baseUrl, topic, subs, p);
  if (fifo && topic.attributes.ArchivePolicy) {
    const expiresAt = now + checkArchivePolicy(topic.attributes.ArchivePolicy) * DAY_MS;
    write.archive = [{ topicId: topic.id, message: JSON.stringify(archived(p)), expiresAt }];
  }
  const dedup = fifo && p.dedupId
    ? { topicId: topic.id, dedupId: p.dedupId, messageId: p.messageId, sequenceNumber: p.sequenceNumber!, expiresAt: now + DEDUP_WINDOW_MS }
    : undefined;
  const r = await env.store.publish(write, now, dedup);
  if (r.duplicateOf) return { MessageId: r.duplicateOf.messageId, SequenceNumber: r.duplicateOf.sequenceNumber };
  for (const id of new Set(write.queues.map((d) => d.queueId))) env.notifier.notify(wakeKey(id));
  if (env.metrics) {
    const m = env.metrics;
    m.published.add(topic.account, topic.region, topic.name);
    // Queue and sink copies are delivered at this commit; HTTP/S ones count when attempted (jobs/deliverer.ts).
    const delivered = write.queues.length + write.sinks.length;
    if (delivered > 0) m.delivered.add(topic.account, topic.region, topic.name, delivered);
    if (filtered > 0) m.filteredOut.add(topic.account, topic.region, topic.name, filtered);
    if (failed > 0) m.failed.add(topic.account, topic.region, topic.name, failed);
  }
  // (a copy a FIFO queue deduplicated counts too: the store does not say which copies it dropped)
  if (env.countSent) for (const q of queueKeys) env.countSent(q, 1);
  if (write.outbox.length > 0) env.outboxChanged?.();
  await publishEvents(env, signer, baseUrl, events, now);
  return fifo ? { MessageId: p.messageId, SequenceNumber: p.sequenceNumber } : { MessageId: p.messageId };
}

/** A publish planned for a caller outside SNS (an EventBridge target): writes for the caller's transaction, and what to do once they are committed. */
export interface TopicPublishPlan {
  write: Omit<PublishWrite, "replay" | "archive">;
  /** After the caller's commit: wake the queues' long polls and the outbox, publish planned platform events. */
  committed(): Promise<void>;
}

/**
 * Plans a publish of `message` to the topic ARN for another service, which writes it in its own transaction through
 * the SNS adapters' publishInTransaction (the same fan-out, filters and envelopes as Publish). Undefined when the
 * topic does not exist; "fifo" for a FIFO topic (its sequence numbers and deduplication stay inside SNS's own publish).
 */
export async function planTopicPublish(env: SnsEnv, signer: Signer, topicArn: string, message: string, baseUrl: string, now: number): Promise<TopicPublishPlan | "fifo" | undefined> {
  const key = parseTopicArn(topicArn);
  const topic = key && (await env.store.getTopic(key));
  if (!topic) return undefined;
  if (isFifo(topic.attributes)) return "fifo";
  const p: Published = { messageId: randomUUID(), message, timestamp: new Date(now).toISOString(), topicArn: arnOfTopic(topic) };
  const { events, ...write } = await planDeliveries(env, signer, baseUrl, topic, await allSubscriptions(env, topic), p);
  return {
    write,
    async committed() {
      for (const id of new Set(write.queues.map((d) => d.queueId))) env.notifier.notify(wakeKey(id));
      if (write.outbox.length > 0) env.outboxChanged?.();
      await publishEvents(env, signer, baseUrl, events, now);
    },
  };
}

/** Platform application events planned by a publish (platform-delivery.ts), published after its write. */
export async function publishEvents(env: SnsEnv, signer: Signer, baseUrl: string, events: TopicEvent[], now: number): Promise<void> {
  for (const e of events) await publishToTopic(env, signer, baseUrl, e.topic, e.prepared, now);
}

/** The archive keeps what replay needs to deliver the message again. */
function archived(p: Published) {
  const attrs = p.attributes && Object.fromEntries(Object.entries(p.attributes).map(([k, a]) => [k, { ...a, BinaryValue: a.BinaryValue?.toString("base64") }]));
  return { ...p, attributes: attrs };
}

export function unarchive(s: string): Published {
  const p = JSON.parse(s) as Published & { attributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }> };
  const attributes = p.attributes && Object.fromEntries(Object.entries(p.attributes).map(([k, a]) =>
    [k, { DataType: a.DataType, StringValue: a.StringValue, BinaryValue: a.BinaryValue === undefined ? undefined : Buffer.from(a.BinaryValue, "base64") }]));
  return { ...p, attributes };
}

export function publish(signer: Signer) {
  return async (env: SnsEnv, ctx: RequestContext, input: Input) => {
    // An empty TopicArn counts as given, and malformed (LocalStack snapshot test_publish_wrong_arn_format, empty-topic).
    const targets = [input.TopicArn, input.TargetArn, input.PhoneNumber].filter((x, i) => x !== undefined && (x !== "" || i === 0));
    if (targets.length === 0) throw invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
    if (targets.length > 1) throw invalidParameter("TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
    const now = env.clock.now();
    if (input.PhoneNumber !== undefined) return publishToPhone(env, ctx, input.PhoneNumber as string, prepare(undefined, input, now).p, now);
    const arn = (input.TopicArn ?? input.TargetArn) as string;
    if (input.TargetArn !== undefined && parsePlatformArn(arn)) {
      const events: TopicEvent[] = [];
      const r = await publishToEndpoint(env, ctx, arn, prepare(undefined, input, now).p, now, events);
      await publishEvents(env, signer, ctx.baseUrl, events, now);
      return r;
    }
    if (input.TargetArn !== undefined && !parseTopicArn(arn)) throw invalidParameter("TargetArn");
    const topic = await resolveTopic(env, ctx, arn, input.TopicArn !== undefined ? "TopicArn" : "TargetArn");
    // The publisher's trace context goes on to subscribers (X-Ray developer guide, "Amazon SNS and AWS X-Ray").
    return publishToTopic(env, signer, ctx.baseUrl, topic, { ...prepare(topic, input, now).p, traceHeader: ctx.traceHeader }, now);
  };
}

const MAX_BATCH = 10; // PublishBatch: up to 10 entries (API reference)

/**
 * PublishBatch's request-level checks, before the topic is looked up: 1-10 entries, distinct ids, ids of at most 80
 * letters, digits, '-' and '_' (PublishBatch API reference, Errors; wordings as recorded on AWS: LocalStack snapshots
 * test_publish_batch_exceptions and test_publish_batch_invalid_entry_id; the empty batch's wording not checked
 * against a recording).
 */
function checkBatchEntries(entries: { Id: string }[]): void {
  if (entries.length === 0) throw snsError("EmptyBatchRequest", "The batch request doesn't contain any entries.");
  if (entries.length > MAX_BATCH) throw snsError("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.");
  if (new Set(entries.map((e) => e.Id)).size !== entries.length) throw snsError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");
  for (const { Id } of entries) {
    const id = Id ?? "";
    if (id.length > 80) throw snsError("InvalidBatchEntryId", `The Id of a batch entry in the batch request is too long: ${id}`);
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw snsError("InvalidBatchEntryId", `The Id of a batch entry in the batch request contains an impermissible character: ${id}`);
  }
}

export function publishBatch(signer: Signer) {
  return async (env: SnsEnv, ctx: RequestContext, input: Input) => {
    const entries = (input.PublishBatchRequestEntries as (Entry & { Id: string })[] | undefined) ?? [];
    checkBatchEntries(entries);
    const topic = await resolveTopic(env, ctx, input.TopicArn);
    const fifo = isFifo(topic.attributes);
    const now = env.clock.now();
    const ok: { id: string; p: ReturnType<typeof prepare>["p"] }[] = [];
    const Failed: Record<string, unknown>[] = [];
    let total = 0;
    // An entry that does not validate fails the whole request with its error, as Publish would answer it (recorded
    // AWS responses: LocalStack snapshots test_publish_batch_exceptions and the batch-* cases of
    // test_empty_or_wrong_message_attributes); Failed stays for failures after validation.
    for (const e of entries) {
      const r = prepare(topic, e, now);
      total += r.size;
      ok.push({ id: e.Id, p: { ...r.p, traceHeader: ctx.traceHeader } });
    }
    if (total > MAX_MESSAGE_BYTES) throw snsError("BatchRequestTooLong", "The length of all the messages put together is more than the limit.");
    const Successful: Record<string, unknown>[] = [];
    if (fifo) {
      for (const x of ok) Successful.push({ Id: x.id, ...(await publishToTopic(env, signer, ctx.baseUrl, topic, x.p, now)) });
    } else {
      const results = await Promise.all(ok.map((x) => publishToTopic(env, signer, ctx.baseUrl, topic, x.p, now)));
      ok.forEach((x, i) => Successful.push({ Id: x.id, ...results[i] }));
    }
    return { Successful, Failed };
  };
}
