// SendMessage and SendMessageBatch: validate body and attributes against the queue's limits, compute the
// MD5s clients verify, and store the messages (delayed by DelaySeconds) before answering.
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { invalidParameter, missingParameter, sqsError } from "../errors.ts";
import { MAX_DELAY_SECONDS, MAX_MESSAGE_BYTES } from "../domain/limits.ts";
import { md5Hex, md5OfAttributes } from "../../../util/md5.ts";
import { checkFifoBatch, DEDUP_WINDOW_MS, type FifoFields, fifoFields, formatSequenceNumber, isFifo } from "../domain/fifo.ts";
import { checkBodyCharacters, checkMessageAttributes, checkSystemAttributes } from "../domain/messages.ts";
import { resolveQueue, wakeKey, type SqsEnv } from "../env.ts";
import type { MessageAttributeValue, NewMessage, QueueRecord } from "../store.ts";
import { checkBatch, failureOf, type BatchFailure } from "./batch.ts";

type Input = Record<string, unknown>;
type Attrs = Record<string, MessageAttributeValue & { StringListValues?: unknown; BinaryListValues?: unknown }>;

interface Prepared {
  message: NewMessage;
  result: Record<string, string>;
  size: number;
  /** FIFO queues: group and deduplication of the message. */
  fifo?: FifoFields;
}

function prepare(q: QueueRecord, ctx: RequestContext, entry: Input, now: number, inBatch = false): Prepared {
  const body = entry.MessageBody as string | undefined;
  if (body === undefined || body === "") throw missingParameter("MessageBody");
  checkBodyCharacters(body);
  const attributes = entry.MessageAttributes as Attrs | undefined;
  for (const a of Object.values(attributes ?? {})) {
    if (a?.StringListValues !== undefined || a?.BinaryListValues !== undefined) {
      throw sqsError("UnsupportedOperation", "Message attribute list values in SendMessage operation are not supported.");
    }
  }
  const attrBytes = checkMessageAttributes(attributes);
  const given = entry.MessageSystemAttributes as Attrs | undefined;
  checkSystemAttributes(given);
  // The request's X-Amzn-Trace-Id header becomes every message's AWSTraceHeader; an AWSTraceHeader system attribute
  // given with the message overrides it (AWS X-Ray developer guide, "Amazon SQS and AWS X-Ray").
  const systemAttributes: Attrs | undefined = given?.AWSTraceHeader === undefined && ctx.traceHeader
    ? { ...given, AWSTraceHeader: { DataType: "String", StringValue: ctx.traceHeader } }
    : given;
  const size = Buffer.byteLength(body, "utf8") + attrBytes;
  const max = Number(q.attributes.MaximumMessageSize ?? MAX_MESSAGE_BYTES);
  if (size > max) {
    // A batch entry words it "cannot be validated" (LocalStack snapshot test_send_batch_message_size, recorded on AWS).
    const what = inBatch ? "cannot be validated" : "are invalid";
    throw invalidParameter(`One or more parameters ${what}. Reason: Message must be shorter than ${max} bytes.`);
  }
  const fifo = isFifo(q) ? fifoFields(q, entry, body) : undefined;
  let delay = Number(q.attributes.DelaySeconds ?? 0);
  if (entry.DelaySeconds !== undefined && !fifo) {
    delay = entry.DelaySeconds as number;
    if (delay < 0 || delay > MAX_DELAY_SECONDS) {
      throw invalidParameter(`Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`);
    }
  }
  if (entry.MessageDeduplicationId !== undefined && !fifo) {
    // Deduplication ids belong to FIFO queues (recorded AWS wording, "include" sic).
    throw invalidParameter(`Value ${entry.MessageDeduplicationId} for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.`);
  }
  const groupId = fifo?.groupId ?? (entry.MessageGroupId as string | undefined);
  if (groupId !== undefined && !fifo && !/^[\x21-\x7e]{1,128}$/.test(groupId)) {
    // Standard queues accept MessageGroupId since fair queues (2025); receives do not yet balance by group.
    throw invalidParameter(`Value ${groupId} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  const md5OfBody = md5Hex(body);
  const md5OfAttrs = md5OfAttributes(attributes);
  const md5OfSys = md5OfAttributes(systemAttributes);
  // The answer's digest covers only the system attributes the client sent (it can check nothing else).
  const md5OfGivenSys = given === systemAttributes ? md5OfSys : md5OfAttributes(given);
  const messageId = randomUUID();
  const result: Record<string, string> = { MessageId: messageId, MD5OfMessageBody: md5OfBody };
  if (md5OfAttrs) result.MD5OfMessageAttributes = md5OfAttrs;
  if (md5OfGivenSys) result.MD5OfMessageSystemAttributes = md5OfGivenSys;
  return {
    size,
    result,
    fifo,
    message: {
      messageId, body, md5OfBody, attributes: clean(attributes), md5OfAttributes: md5OfAttrs,
      systemAttributes: clean(systemAttributes), md5OfSystemAttributes: md5OfSys,
      senderId: ctx.accessKeyId, visibleAt: now + delay * 1000, messageGroupId: groupId,
    },
  };
}

function clean(attrs: Attrs | undefined): Record<string, MessageAttributeValue> | undefined {
  if (!attrs || Object.keys(attrs).length === 0) return undefined;
  // fromEntries defines each key as its own property: an attribute named __proto__ stays an attribute.
  return Object.fromEntries(Object.entries(attrs).map(([k, a]): [string, MessageAttributeValue] =>
    [k, a.BinaryValue !== undefined ? { DataType: a.DataType, BinaryValue: a.BinaryValue } : { DataType: a.DataType, StringValue: a.StringValue }]));
}

async function store(env: SqsEnv, q: QueueRecord, prepared: Prepared[], now: number): Promise<void> {
  if (prepared.length === 0) return;
  // The write is queued synchronously by either call; with wakeBeforeCommit the long polls woken now receive in
  // the same transaction, after it (see SqsStore.wakeBeforeCommit), else they are woken once it is committed.
  const written = isFifo(q) ? storeFifo(env, q, prepared, now) : env.store.enqueue(q.id, prepared.map((p) => p.message), now);
  const early = env.store.wakeBeforeCommit === true;
  if (early) env.notifier.notify(wakeKey(q.id), prepared.length);
  await written;
  if (!early) env.notifier.notify(wakeKey(q.id), prepared.length);
  env.metrics?.sent.add(q.account, q.region, q.name, prepared.length);
}

/** FIFO sends answer with a SequenceNumber; a duplicate within the window with the original MessageId and SequenceNumber. */
async function storeFifo(env: SqsEnv, q: QueueRecord, prepared: Prepared[], now: number): Promise<void> {
  const messages = prepared.map((p) => {
    const f = p.fifo as FifoFields;
    return { ...p.message, messageGroupId: f.groupId, deduplicationId: f.deduplicationId, dedupKey: f.dedupKey };
  });
  const results = await env.store.enqueueFifo(q.id, messages, now, DEDUP_WINDOW_MS);
  results.forEach((r, i) => {
    prepared[i].result.MessageId = r.messageId;
    prepared[i].result.SequenceNumber = formatSequenceNumber(r.sequenceNumber);
  });
}

export async function sendMessage(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const now = env.clock.now();
  const p = prepare(q, ctx, input, now);
  await store(env, q, [p], now);
  return p.result;
}

export async function sendMessageBatch(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const entries = checkBatch(input.Entries as (Input & { Id: string })[], "SendMessageBatchRequestEntry");
  if (isFifo(q)) checkFifoBatch(q, entries);
  const now = env.clock.now();
  const ok: { id: string; p: Prepared }[] = [];
  const Failed: BatchFailure[] = [];
  for (const e of entries) {
    try {
      ok.push({ id: e.Id, p: prepare(q, ctx, e, now, true) });
    } catch (err) {
      Failed.push(failureOf(e.Id, err));
    }
  }
  const total = ok.reduce((n, x) => n + x.p.size, 0);
  const max = MAX_MESSAGE_BYTES;
  if (total > max) {
    throw sqsError("BatchRequestTooLong", `Batch requests cannot be longer than ${max} bytes. You have sent ${total} bytes.`);
  }
  await store(env, q, ok.map((x) => x.p), now);
  return { Successful: ok.map((x) => ({ Id: x.id, ...x.p.result })), Failed };
}
