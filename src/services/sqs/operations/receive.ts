// ReceiveMessage: claims visible messages (moving over-received ones to the dead-letter queue), long-polls up
// to WaitTimeSeconds waking on sends and on delayed/in-flight messages falling due, and shapes each message
// with the system and message attributes asked for.
import type { RequestContext } from "../../types.ts";
import { cancelOf } from "../../../util/cancel.ts";
import { sqsError } from "../errors.ts";
import { MAX_RECEIVE_MESSAGES, MAX_VISIBILITY_SECONDS, MAX_WAIT_SECONDS } from "../domain/limits.ts";
import { RECEIVE_ATTEMPT_WINDOW_MS, checkFifoId, formatSequenceNumber, isFifo } from "../domain/fifo.ts";
import { md5OfAttributes } from "../../../util/md5.ts";
import { parseRedrivePolicy } from "../domain/queue-attributes.ts";
import { encodeReceiptHandle, newNonce } from "../domain/receipt-handle.ts";
import { arnOf, expiredBefore, intParam, queueByArn, resolveQueue, wakeKey, type SqsEnv } from "../env.ts";
import type { MessageAttributeValue, QueueRecord, ReceiveOptions, StoredMessage } from "../store.ts";

type Input = Record<string, unknown>;

const SYSTEM_ATTRIBUTES = new Set([
  "All", "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SequenceNumber",
  "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
]);

export async function receiveMessage(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  // Reasons as AWS words them (recorded responses in LocalStack's SQS snapshots).
  const max = intParam("MaxNumberOfMessages", input.MaxNumberOfMessages, 1, MAX_RECEIVE_MESSAGES, "Must be between 1 and 10, if provided.") ?? 1;
  const wait = intParam("WaitTimeSeconds", input.WaitTimeSeconds, 0, MAX_WAIT_SECONDS, "Must be >= 0 and <= 20, if provided.") ??
    Number(q.attributes.ReceiveMessageWaitTimeSeconds ?? 0);
  const visibility = intParam("VisibilityTimeout", input.VisibilityTimeout, 0, MAX_VISIBILITY_SECONDS, "Must be >= 0 and <= 43200, if provided.") ??
    Number(q.attributes.VisibilityTimeout);
  const systemNames = [...((input.AttributeNames as string[]) ?? []), ...((input.MessageSystemAttributeNames as string[]) ?? [])];
  for (const n of systemNames) if (!SYSTEM_ATTRIBUTES.has(n)) throw sqsError("InvalidAttributeName", `Unknown Attribute ${n}.`);
  const attributeNames = (input.MessageAttributeNames as string[]) ?? [];

  const redrive = q.attributes.RedrivePolicy ? await redriveOf(env, q) : undefined;
  // ReceiveRequestAttemptId applies only to FIFO queues (ReceiveMessage API reference).
  const attemptId = input.ReceiveRequestAttemptId as string | undefined;
  if (attemptId !== undefined && isFifo(q)) checkFifoId("ReceiveRequestAttemptId", attemptId);
  const fifo = isFifo(q) ? { attemptId, attemptWindowMs: RECEIVE_ATTEMPT_WINDOW_MS } : undefined;
  // Parse stored attributes only when the answer includes them.
  const decode = { attributes: attributeNames.length > 0, systemAttributes: systemNames.includes("All") || systemNames.includes("AWSTraceHeader") };
  const deadline = env.clock.now() + wait * 1000;
  const m = env.metrics;
  const deadLettered = m && redrive ? (n: number) => m.movedToDeadLetter.add(q.account, q.region, q.name, n) : undefined;
  // Nonces once per request: a look that claims nothing uses none, and one that claims returns at once, so a long
  // poll's repeated looks need no new ones.
  const nonces = Array.from({ length: max }, newNonce);
  const cancel = cancelOf(ctx);
  for (;;) {
    // Subscribe before looking, so a send between the look and the wait still wakes us (short polls never wait).
    const sub = wait > 0 ? env.notifier.subscribe(wakeKey(q.id)) : undefined;
    try {
      const now = env.clock.now();
      const opts: ReceiveOptions = {
        max, visibilityMs: visibility * 1000, now, expiredBefore: expiredBefore(q, now), redrive,
        nonces, fifo, decode, deadLettered,
      };
      const messages = await env.store.receive(q.id, opts);
      if (redrive) env.notifier.notify(wakeKey(redrive.deadLetterQueueId));
      if (messages.length > 0 || wait === 0 || now >= deadline || cancel.aborted) {
        if (messages.length === 0) {
          env.metrics?.emptyReceives.add(q.account, q.region, q.name);
          return {};
        }
        env.metrics?.received.add(q.account, q.region, q.name, messages.length);
        return { Messages: messages.map((m) => shape(q, m, systemNames, attributeNames)) };
      }
      const next = await env.store.nextVisibleAt(q.id, now, fifo !== undefined);
      const wakeAt = Math.min(deadline, next ?? Number.POSITIVE_INFINITY);
      await sub?.wait(wakeAt - now, cancel);
    } finally {
      sub?.close();
    }
  }
}

/** Parsed RedrivePolicy values (validated when set), so a receive does not parse the JSON again; bounded. */
const redrivePolicies = new Map<string, ReturnType<typeof parseRedrivePolicy>>();

async function redriveOf(env: SqsEnv, q: QueueRecord): Promise<ReceiveOptions["redrive"]> {
  const text = q.attributes.RedrivePolicy;
  if (!text) return undefined;
  let policy = redrivePolicies.get(text);
  if (!policy) {
    if (redrivePolicies.size >= 10_000) redrivePolicies.clear();
    policy = parseRedrivePolicy(text);
    redrivePolicies.set(text, policy);
  }
  const dlq = await queueByArn(env, policy.deadLetterTargetArn);
  // A policy whose dead-letter queue was deleted moves nothing.
  if (!dlq) return undefined;
  return { maxReceiveCount: policy.maxReceiveCount, deadLetterQueueId: dlq.id, sourceArn: arnOf(q) };
}

export function shape(q: QueueRecord, m: StoredMessage, systemNames: string[], attributeNames: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    MessageId: m.messageId,
    ReceiptHandle: encodeReceiptHandle({ queueId: q.id, rowId: m.rowId, nonce: m.receiptNonce }),
    MD5OfBody: m.md5OfBody,
    Body: m.body,
  };
  const sys = systemAttributes(m, systemNames);
  if (sys) out.Attributes = sys;
  const attrs = selectAttributes(m.attributes, attributeNames);
  if (attrs) {
    out.MD5OfMessageAttributes = attrs === m.attributes ? m.md5OfAttributes : md5OfAttributes(attrs);
    out.MessageAttributes = attrs;
  }
  return out;
}

function systemAttributes(m: StoredMessage, names: string[]): Record<string, string> | undefined {
  if (names.length === 0) return undefined;
  const all = names.includes("All");
  const want = (n: string) => all || names.includes(n);
  const out: Record<string, string> = {};
  if (want("SenderId")) out.SenderId = m.senderId;
  if (want("SentTimestamp")) out.SentTimestamp = String(m.sentAt);
  if (want("ApproximateReceiveCount")) out.ApproximateReceiveCount = String(m.receiveCount);
  if (want("ApproximateFirstReceiveTimestamp")) out.ApproximateFirstReceiveTimestamp = String(m.firstReceivedAt);
  const trace = m.systemAttributes?.AWSTraceHeader?.StringValue;
  if (trace !== undefined && want("AWSTraceHeader")) out.AWSTraceHeader = trace;
  if (m.messageGroupId !== undefined && want("MessageGroupId")) out.MessageGroupId = m.messageGroupId;
  if (m.deduplicationId !== undefined && want("MessageDeduplicationId")) out.MessageDeduplicationId = m.deduplicationId;
  if (m.sequenceNumber !== undefined && want("SequenceNumber")) out.SequenceNumber = formatSequenceNumber(m.sequenceNumber);
  if (m.deadLetterSourceArn !== undefined && want("DeadLetterQueueSourceArn")) out.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `All`, `.*` and `*` select every attribute, `prefix.*` a prefix, anything else one exact name (recorded AWS behaviour). */
function selectAttributes(attrs: Record<string, MessageAttributeValue> | undefined, names: string[]) {
  if (!attrs || names.length === 0) return undefined;
  if (names.some((n) => n === "All" || n === ".*" || n === "*")) return attrs;
  // fromEntries defines each key as its own property: an attribute named __proto__ stays an attribute.
  const out: Record<string, MessageAttributeValue> = Object.fromEntries(
    Object.entries(attrs).filter(([k]) => names.some((n) => (n.endsWith(".*") ? k.startsWith(n.slice(0, -2)) : k === n))));
  return Object.keys(out).length > 0 ? out : undefined;
}
