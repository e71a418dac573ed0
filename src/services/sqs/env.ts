// What SQS operations share: storage, clock, wake-ups, and the lookups every operation starts with
// (queue from QueueUrl, with the caller's account checked against the queue policy).
import type { Clock } from "../../engine/clock.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { RequestContext } from "../types.ts";
import { mayAccess } from "./access.ts";
import { accessDenied, invalidParameter, missingParameter, queueDoesNotExist, sqsError } from "./errors.ts";
import { parseQueueArn, parseQueueUrl, queueArn } from "./domain/queues.ts";
import type { QueueRecord, SqsStore } from "./store.ts";
import type { SqsMetrics } from "./metrics.ts";

export interface SqsEnv {
  store: SqsStore;
  clock: Clock;
  notifier: Notifier;
  /** AWS's waits: ms a deleted queue's name stays reserved, ms between purges (0 under the test profile). */
  waits?: { recreateAfterDeleteMs: number; purgeIntervalMs: number };
  /** SQS's counters (metrics.ts); absent where no server runs (docs generation). */
  metrics?: SqsMetrics;
}

export function wakeKey(queueId: number): string {
  return `sqs:${queueId}`;
}

export function arnOf(q: QueueRecord): string {
  return queueArn(q.region, q.account, q.name);
}

/** The queue a QueueUrl names, for this caller: QueueDoesNotExist when missing, AccessDenied for another account. */
export async function resolveQueue(env: SqsEnv, ctx: RequestContext, url: unknown): Promise<QueueRecord> {
  if (typeof url !== "string" || url === "") throw missingParameter("QueueUrl");
  const parsed = parseQueueUrl(url);
  if (!parsed) throw sqsError("InvalidAddress", `The address ${url} is not valid for this endpoint.`);
  const q = await env.store.getQueue({ account: parsed.account, region: parsed.region ?? ctx.region, name: parsed.name });
  // Another account's queue: allowed only by its Policy (access.ts); a missing one is refused alike, so that
  // existence is not revealed across accounts.
  if (parsed.account !== ctx.accountId && (!q || !mayAccess(q, ctx))) throw accessDenied(url);
  if (!q) throw queueDoesNotExist();
  return q;
}

export async function queueByArn(env: SqsEnv, arn: string): Promise<QueueRecord | undefined> {
  const p = parseQueueArn(arn);
  return p ? env.store.getQueue(p) : undefined;
}

/** Epoch ms before which a message of this queue has outlived MessageRetentionPeriod. */
export function expiredBefore(q: QueueRecord, now: number): number {
  return now - Number(q.attributes.MessageRetentionPeriod) * 1000;
}

/** An optional integer parameter in [min, max]; outside it, InvalidParameterValue in AWS's "Value … Reason: …" form. */
export function intParam(name: string, value: unknown, min: number, max: number, reason = `Must be between ${min} and ${max}, if provided.`): number | undefined {
  if (value === undefined) return undefined;
  const n = value as number;
  if (n < min || n > max) throw invalidParameter(`Value ${n} for parameter ${name} is invalid. Reason: ${reason}`);
  return n;
}
