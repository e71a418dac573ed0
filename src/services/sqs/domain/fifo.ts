// FIFO queue rules: which queues are FIFO, the fields a FIFO send must carry (MessageGroupId, a
// deduplication id or content-based deduplication, no per-message delay), the deduplication key as
// DeduplicationScope defines it, and how sequence numbers are written.
import { createHash } from "node:crypto";
import { invalidParameter, missingParameter } from "../errors.ts";
import type { QueueRecord } from "../store.ts";

/** Deduplication interval: 5 minutes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-exactly-once-processing.html). */
export const DEDUP_WINDOW_MS = 300_000;
/** ReceiveRequestAttemptId can be reused for 5 minutes (ReceiveMessage API reference). */
export const RECEIVE_ATTEMPT_WINDOW_MS = 300_000;

// Alphanumeric and punctuation, 1-128 characters (SendMessage API reference, MessageGroupId / MessageDeduplicationId).
const FIFO_ID = /^[\x21-\x7e]{1,128}$/;

export function isFifo(q: QueueRecord): boolean {
  return q.attributes.FifoQueue === "true";
}

export function checkFifoId(name: string, value: string): void {
  if (!FIFO_ID.test(value)) {
    // Recorded AWS wording (LocalStack snapshot test_send_message_to_standard_queue_with_invalid_message_group_id).
    throw invalidParameter(`Value ${value} for parameter ${name} is invalid. Reason: ${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
}

export interface FifoFields {
  groupId: string;
  deduplicationId: string;
  dedupKey: string;
}

/** Checks a send's FIFO fields against the queue; the entry is a SendMessage input or a batch entry. */
export function fifoFields(q: QueueRecord, entry: Record<string, unknown>, body: string): FifoFields {
  const groupId = entry.MessageGroupId as string | undefined;
  // Missing group: MissingParameter (LocalStack snapshot test_posting_to_fifo_requires_deduplicationid_group_id).
  if (groupId === undefined || groupId === "") throw missingParameter("MessageGroupId");
  checkFifoId("MessageGroupId", groupId);
  if (entry.DelaySeconds !== undefined) {
    // Only queue-level delays on FIFO queues (LocalStack snapshot test_fifo_queue_send_message_with_delay_seconds_fails, "include" sic).
    throw invalidParameter(`Value ${String(entry.DelaySeconds)} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
  }
  let deduplicationId = entry.MessageDeduplicationId as string | undefined;
  if (deduplicationId !== undefined) {
    checkFifoId("MessageDeduplicationId", deduplicationId);
  } else if (q.attributes.ContentBasedDeduplication === "true") {
    // Content-based: SHA-256 of the body, attributes not included (FIFO exactly-once processing docs).
    deduplicationId = createHash("sha256").update(body, "utf8").digest("hex");
  } else {
    // Recorded AWS wording, no trailing period (LocalStack snapshot test_posting_to_fifo_requires_deduplicationid_group_id).
    throw invalidParameter("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
  }
  // DeduplicationScope messageGroup: ids are unique per group, not per queue (CreateQueue API reference). A space
  // cannot occur in either id, so it separates them unambiguously (and PostgreSQL text cannot hold NUL).
  const dedupKey = q.attributes.DeduplicationScope === "messageGroup" ? `${groupId} ${deduplicationId}` : deduplicationId;
  return { groupId, deduplicationId, dedupKey };
}

/**
 * A FIFO SendMessageBatch in which an entry lacks MessageGroupId, or lacks a deduplication id on a queue without
 * content-based deduplication, fails as a whole with InvalidParameterValue, not that entry alone (recorded AWS
 * responses: LocalStack snapshots test_send_batch_missing_message_group_id_for_fifo_queue and
 * test_send_batch_missing_deduplication_id_for_fifo_queue). The first such entry decides the message.
 */
export function checkFifoBatch(q: QueueRecord, entries: Record<string, unknown>[]): void {
  for (const e of entries) {
    if (e.MessageGroupId === undefined || e.MessageGroupId === "") throw invalidParameter("The request must contain the parameter MessageGroupId.");
    if (e.MessageDeduplicationId === undefined && q.attributes.ContentBasedDeduplication !== "true") {
      throw invalidParameter("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
    }
  }
}

/**
 * Sequence numbers are large numeric strings that grow per queue (AWS returns 20 digits, e.g. 18849496460467696128,
 * SendMessage API reference: "a large, non-consecutive number"); ours are 10^19 + the queue's counter.
 */
export function formatSequenceNumber(n: number): string {
  return (10_000_000_000_000_000_000n + BigInt(n)).toString();
}
