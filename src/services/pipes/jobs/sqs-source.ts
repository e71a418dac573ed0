// The SQS source of a pipe (user guide, "Amazon SQS as a source"): batches received through SQS's own ReceiveMessage,
// filtered, delivered, and deleted only once the target accepted them.
import type { RequestContext } from "../../types.ts";
import { parseResource } from "../domain/arns.ts";
import { type SqsRecord, sqsRecord } from "../domain/records.ts";
import type { PipesEnv } from "../env.ts";
import type { PipeRecord } from "../store.ts";
import { deliver, PartialFailure } from "./deliver.ts";
import { call, context, filterOf, reportFailure, type RunnerState, targetBatch } from "./shared.ts";

/** Batches one SQS pipe may take in one round while its batches come full. */
const MAX_BATCHES_PER_ROUND = 20;
/**
 * Real time one SQS pipe may spend taking more batches in one round (a throughput bound, not a semantic one: a slow
 * target does not hold up the other pipes' rounds for long).
 */
const ROUND_BUDGET_MS = 2000;
/** How long the runner's lease lasts without renewal. */

export async function pollSqs(env: PipesEnv, p: PipeRecord, state: RunnerState): Promise<void> {
  const { patterns } = state;
  const ref = parseResource(p.config.Source) as { name: string; account: string; region: string };
  const sqs = call(env, "sqs");
  const ctx = context(p, env);
  const QueueUrl = `${env.baseUrl()}/${ref.account}/${ref.name}`;
  const params = (p.config.SourceParameters?.SqsQueueParameters ?? {}) as { BatchSize?: number; MaximumBatchingWindowInSeconds?: number };
  const batchSize = Math.min(params.BatchSize ?? 10, targetBatch(p));
  const filter = filterOf(p, patterns);
  const windowMs = (params.MaximumBatchingWindowInSeconds ?? 0) * 1000;
  if (windowMs > 0) {
    // The batching window: wait (without receiving, so nothing is held in flight) until a full batch is there or the
    // window since messages first waited has passed ("until … the batch window expires … or the configured maximum
    // batch size is reached", user guide, "Amazon SQS as a source").
    const key = `${p.account}/${p.region}/${p.name}/`;
    const attrs = (await sqs(ctx, "GetQueueAttributes", { QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] })).Attributes as Record<string, string> | undefined;
    const visible = Number(attrs?.ApproximateNumberOfMessages ?? 0);
    if (visible === 0) {
      state.waitingSince.delete(key);
      return;
    }
    const now = env.clock.now();
    const since = state.waitingSince.get(key) ?? now;
    if (visible < batchSize && now - since < windowMs) {
      state.waitingSince.set(key, since);
      return;
    }
    state.waitingSince.delete(key);
  }
  const began = performance.now();
  for (let b = 0; b < MAX_BATCHES_PER_ROUND && performance.now() - began < ROUND_BUDGET_MS; b++) {
    const messages: Record<string, unknown>[] = [];
    while (messages.length < batchSize) {
      const out = await sqs(ctx, "ReceiveMessage", {
        QueueUrl, MaxNumberOfMessages: Math.min(10, batchSize - messages.length), AttributeNames: ["All"], MessageAttributeNames: ["All"], WaitTimeSeconds: 0,
      });
      const got = (out.Messages ?? []) as Record<string, unknown>[];
      if (got.length === 0) break;
      messages.push(...got);
    }
    if (messages.length === 0) return;
    const records = messages.map((m) => sqsRecord(m, p.config.Source, ref.region));
    const matched = filter ? records.filter(filter) : records;
    // Records that match no filter are dropped: deleted from the queue without being delivered (user guide,
    // "Event filtering in Amazon EventBridge Pipes"; as Lambda's SQS filtering: "Lambda deletes messages that don't match").
    const dropped = filter ? records.filter((r) => !matched.includes(r)) : [];
    if (dropped.length > 0) await deleteMessages(sqs, ctx, QueueUrl, dropped);
    if (matched.length > 0) {
      try {
        await deliver(env, p, matched);
      } catch (e) {
        reportFailure(env, state, p, e);
        // What the target did not accept stays in the queue: visible again after its visibility timeout, counted by
        // the redrive policy; what it accepted of a partly failed batch is deleted.
        if (e instanceof PartialFailure) await deleteMessages(sqs, ctx, QueueUrl, matched.filter((_, i) => !e.failed.has(i)));
        return;
      }
      await deleteMessages(sqs, ctx, QueueUrl, matched);
    }
    if (messages.length < batchSize) return;
  }
}

async function deleteMessages(sqs: NonNullable<ReturnType<PipesEnv["service"]>>, ctx: RequestContext, QueueUrl: string, records: SqsRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 10) {
    const chunk = records.slice(i, i + 10);
    await sqs(ctx, "DeleteMessageBatch", { QueueUrl, Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })) });
  }
}

