// Operations on received messages by receipt handle: DeleteMessage, ChangeMessageVisibility and their batches.
import type { RequestContext } from "../../types.ts";
import { invalidParameter, missingParameter, receiptHandleIsInvalid } from "../errors.ts";
import { isFifo } from "../domain/fifo.ts";
import { MAX_VISIBILITY_SECONDS } from "../domain/limits.ts";
import { decodeReceiptHandle } from "../domain/receipt-handle.ts";
import { resolveQueue, wakeKey, type SqsEnv } from "../env.ts";
import type { AwsError } from "../../../protocol/errors.ts";
import type { QueueRecord, Receipt } from "../store.ts";
import { checkBatch, failureOf, type BatchFailure } from "./batch.ts";

type Input = Record<string, unknown>;

function handleOf(q: QueueRecord, raw: unknown) {
  if (typeof raw !== "string" || raw === "") throw missingParameter("ReceiptHandle");
  const h = decodeReceiptHandle(raw);
  if (!h || h.queueId !== q.id) throw receiptHandleIsInvalid(raw);
  return h;
}

/**
 * Deletes by receipt handles (already checked with handleOf) in one store call; returns per handle the error
 * to report, or undefined. A stale or already-used handle succeeds on a standard queue: the message is deleted
 * only by its latest receipt (DeleteMessage API reference: "the request succeeds, but the message might not be
 * deleted"). On a FIFO queue a handle whose visibility timeout has passed is rejected (LocalStack snapshot
 * test_fifo_delete_after_visibility_timeout; https://repost.aws/knowledge-center/sqs-receipt-handle-error).
 */
function countDeleted(env: SqsEnv, q: QueueRecord, outcomes: string[]): void {
  if (!env.metrics) return;
  let n = 0;
  for (const o of outcomes) if (o === "ok") n++;
  if (n > 0) env.metrics.deleted.add(q.account, q.region, q.name, n);
}

async function deleteReceipts(env: SqsEnv, q: QueueRecord, receipts: Receipt[], raws: unknown[]): Promise<(AwsError | undefined)[]> {
  if (!isFifo(q)) {
    const outcomes = await env.store.deleteMessages(q.id, receipts);
    countDeleted(env, q, outcomes);
    return receipts.map(() => undefined);
  }
  const outcomes = await env.store.deleteMessages(q.id, receipts, env.clock.now());
  countDeleted(env, q, outcomes);
  // The message's group may now hand out its next message: wake long polls.
  if (outcomes.includes("ok")) env.notifier.notify(wakeKey(q.id));
  return outcomes.map((o, i) =>
    o === "stale" ? invalidParameter(`Value ${String(raws[i])} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`) : undefined,
  );
}

async function changeOne(env: SqsEnv, q: QueueRecord, raw: unknown, timeout: unknown): Promise<void> {
  const h = handleOf(q, raw);
  if (typeof timeout !== "number") throw missingParameter("VisibilityTimeout");
  if (timeout < 0 || timeout > MAX_VISIBILITY_SECONDS) {
    throw invalidParameter(`Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and ${MAX_VISIBILITY_SECONDS}.`);
  }
  const now = env.clock.now();
  const outcome = await env.store.changeVisibility(q.id, h.rowId, h.nonce, now + timeout * 1000, MAX_VISIBILITY_SECONDS * 1000);
  if (outcome === "over-limit") {
    // Visibility may not extend past 12 hours after the receive (ChangeMessageVisibility API reference).
    throw invalidParameter(`Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`);
  }
  if (outcome === "missing" || outcome === "stale") {
    throw invalidParameter(`Value ${String(raw)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
  }
  if (timeout === 0) env.notifier.notify(wakeKey(q.id));
}

export async function deleteMessage(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const [err] = await deleteReceipts(env, q, [handleOf(q, input.ReceiptHandle)], [input.ReceiptHandle]);
  if (err) throw err;
  return undefined;
}

export async function changeMessageVisibility(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  await changeOne(env, q, input.ReceiptHandle, input.VisibilityTimeout);
  return undefined;
}

async function eachEntry(entries: (Input & { Id: string })[], fn: (e: Input) => Promise<void>) {
  const results = await Promise.all(entries.map((e) => fn(e).then(() => undefined, (err: unknown) => failureOf(e.Id, err))));
  const Successful: { Id: string }[] = [];
  const Failed: BatchFailure[] = [];
  results.forEach((f, i) => (f ? Failed.push(f) : Successful.push({ Id: entries[i].Id })));
  return { Successful, Failed };
}

export async function deleteMessageBatch(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const entries = checkBatch(input.Entries as (Input & { Id: string })[], "DeleteMessageBatchRequestEntry");
  // Entries with a malformed handle fail alone; the others are deleted in one store call.
  const errors: (unknown | undefined)[] = new Array(entries.length);
  const valid: number[] = [];
  const receipts: Receipt[] = [];
  entries.forEach((e, i) => {
    try {
      receipts.push(handleOf(q, e.ReceiptHandle));
      valid.push(i);
    } catch (err) {
      errors[i] = err;
    }
  });
  if (receipts.length > 0) {
    const outcomes = await deleteReceipts(env, q, receipts, valid.map((i) => entries[i].ReceiptHandle));
    outcomes.forEach((err, k) => (errors[valid[k]] = err));
  }
  const Successful: { Id: string }[] = [];
  const Failed: BatchFailure[] = [];
  entries.forEach((e, i) => (errors[i] === undefined ? Successful.push({ Id: e.Id }) : Failed.push(failureOf(e.Id, errors[i]))));
  return { Successful, Failed };
}

export async function changeMessageVisibilityBatch(env: SqsEnv, ctx: RequestContext, input: Input) {
  const q = await resolveQueue(env, ctx, input.QueueUrl);
  const entries = checkBatch(input.Entries as (Input & { Id: string })[], "ChangeMessageVisibilityBatchRequestEntry");
  return eachEntry(entries, (e) => changeOne(env, q, e.ReceiptHandle, e.VisibilityTimeout));
}
