// The pipes runner: one leased job on the platform scheduler (engine/scheduler.ts `every`, lease "pipes.runner"), so
// every pipe runs on one node at a time in a cluster, and another node takes over when the holder stops renewing.
// Each round it completes pipes' transitions (CREATING → RUNNING or STOPPED, STOPPING → STOPPED, DELETING → gone,
// …) and polls each RUNNING pipe's source once: SQS queues through SQS's own ReceiveMessage and Kinesis shards through
// GetRecords from the pipe's stored checkpoints (in-process, ctx.api(...).call), filters the records, enriches them
// through a Step Functions EXPRESS workflow (StartSyncExecution) and delivers them to the target. What was read is
// acknowledged only after the target accepted it: SQS messages are deleted, a Kinesis checkpoint is saved. A failed
// batch is left to the source: SQS messages become visible again when their visibility timeout ends and the queue's
// redrive policy counts the receive (user guide, "Amazon SQS as a source"); a Kinesis batch is retried until
// MaximumRetryAttempts, then recorded on the DeadLetterConfig queue and skipped. State lives in the database, so a
// restart resumes where the last acknowledged batch ended (at least once).
import { randomUUID } from "node:crypto";
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import { compileEventPattern, type EventPattern, matchesEvent } from "../../../patterns/event-pattern.ts";
import type { Logger } from "../../../util/log.ts";
import type { ServiceCall } from "../../operations.ts";
import type { RequestContext } from "../../types.ts";
import { parseResource, pipeArn } from "../domain/arns.ts";
import { type KinesisRecord, readable, type SqsRecord, sqsRecord } from "../domain/records.ts";
import { asPayload, dynamicParameter, renderTemplate, type TemplateContext } from "../domain/template.ts";
import type { PipesEnv } from "../env.ts";
import type { PipeRecord, PipeState } from "../store.ts";

/** How often a pipe's source is polled (AWS polls continuously; one round a second here). */
export const ROUND_MS = 1000;
/** Batches one SQS pipe may take in one round while its batches come full. */
const MAX_BATCHES_PER_ROUND = 20;
/**
 * Real time one SQS pipe may spend taking more batches in one round (a throughput bound, not a semantic one: a slow
 * target does not hold up the other pipes' rounds for long).
 */
const ROUND_BUDGET_MS = 2000;
/** How long the runner's lease lasts without renewal. */
const LEASE_MS = 30_000;

type SourceRecord = SqsRecord | KinesisRecord;

/** The largest batch the pipe's target takes (user guide, batching page: SQS, SNS and event buses 10, Kinesis 500). */
function targetBatch(p: PipeRecord): number {
  const kind = parseResource(p.config.Target).kind;
  // API destinations take one event per request ("doesn't support batching", batching page).
  if (kind === "api-destination" || (p.config.Enrichment && parseResource(p.config.Enrichment).kind === "api-destination")) return 1;
  return kind === "kinesis" ? 500 : kind === "state-machine" ? 10_000 : 10;
}

/** What the runner keeps in memory on its node (a restart, or another node taking over, starts it again). */
interface RunnerState {
  /** Kinesis retry counts per pipe and shard. */
  attempts: Map<string, number>;
  /** Compiled filter patterns by text. */
  patterns: Map<string, EventPattern>;
  /** Since when a pipe (SQS) or a pipe's shard (Kinesis) has had records waiting for a fuller batch (batching window). */
  waitingSince: Map<string, number>;
  /** Per pipe and shard: sequence numbers of the current read that the target accepted while others failed. */
  delivered: Map<string, Set<string>>;
  /** Per pipe: the closed shards read to their end (their children may be read). */
  ended: Set<string>;
  /** When each pipe's last failed delivery was logged (at most one warning a minute per pipe). */
  loggedAt: Map<string, number>;
  log: Logger;
}

/** Logs a pipe's failed round or delivery (what was read is left to its source's retries), at most once a minute per pipe. */
function reportFailure(env: PipesEnv, state: RunnerState, p: PipeRecord, e: unknown): void {
  const key = `${p.account}/${p.region}/${p.name}/`;
  const now = env.clock.now();
  if ((state.loggedAt.get(key) ?? -Infinity) > now - 60_000) return;
  state.loggedAt.set(key, now);
  state.log.warn("pipes: a pipe could not read or deliver; what it read is left to the source's retries", { pipe: p.name, account: p.account, error: String((e as Error)?.message ?? e) });
}

export interface Runner {
  registration: Registration;
}

export function scheduleRunner(scheduler: Scheduler, env: PipesEnv, log: Logger, intervalMs = ROUND_MS): Runner {
  const state: RunnerState = { attempts: new Map(), patterns: new Map(), waitingSince: new Map(), delivered: new Map(), ended: new Set(), loggedAt: new Map(), log };
  // The lease outlives a long round (a slow target), so a second node does not start polling the same sources while
  // the holder is still delivering; a node that stops releases it at once (scheduler.stop), one that dies after 30 s.
  const registration = scheduler.every({ name: "pipes.runner", intervalMs, ttlMs: LEASE_MS }, () => round(env, state));
  return { registration };
}

async function round(env: PipesEnv, state: RunnerState): Promise<void> {
  let after: PipeRecord | undefined;
  for (;;) {
    const page = await env.store.page(after, 100);
    const results = await Promise.allSettled(page.map((p) => step(env, p, state)));
    results.forEach((r, i) => {
      if (r.status === "rejected") reportFailure(env, state, page[i], r.reason);
    });
    if (page.length < 100) return;
    after = page[page.length - 1];
  }
}

function context(p: PipeRecord, env: PipesEnv): RequestContext {
  return { requestId: randomUUID(), accountId: p.account, region: p.region, accessKeyId: "", baseUrl: env.baseUrl(), signal: new AbortController().signal };
}

function call(env: PipesEnv, service: string) {
  const c = env.service(service);
  if (!c) throw new Error(`the ${service} service is not running`);
  return c;
}

/** Why the pipe's source cannot be read, or undefined when it can. */
async function sourceProblem(env: PipesEnv, p: PipeRecord): Promise<string | undefined> {
  const ref = parseResource(p.config.Source);
  try {
    if (ref.kind === "sqs") await call(env, "sqs")(context(p, env), "GetQueueUrl", { QueueName: ref.name, QueueOwnerAWSAccountId: ref.account });
    else if (ref.kind === "kinesis") await call(env, "kinesis")(context(p, env), "DescribeStreamSummary", { StreamARN: ref.arn });
    return undefined;
  } catch (e) {
    return `Source ${p.config.Source} cannot be read: ${(e as Error).message}`;
  }
}

const FAILED_STATE: Partial<Record<PipeState, PipeState>> = { CREATING: "CREATE_FAILED", UPDATING: "UPDATE_FAILED", STARTING: "START_FAILED" };

async function step(env: PipesEnv, p: PipeRecord, state: RunnerState): Promise<void> {
  const { attempts } = state;
  const now = env.clock.now();
  switch (p.currentState) {
    case "CREATING":
    case "UPDATING":
    case "STARTING": {
      const problem = p.desiredState === "RUNNING" ? await sourceProblem(env, p) : undefined;
      if (problem) {
        await env.store.save({ ...p, currentState: FAILED_STATE[p.currentState]!, config: { ...p.config, StateReason: problem } }, p.version);
        return;
      }
      const running = p.desiredState === "RUNNING";
      const config = { ...p.config };
      delete config.StateReason;
      if (running) config.StartedAt = now;
      await env.store.save({ ...p, currentState: running ? "RUNNING" : "STOPPED", config }, p.version);
      return;
    }
    case "STOPPING":
      await env.store.save({ ...p, currentState: "STOPPED" }, p.version);
      return;
    case "DELETING":
      await env.store.delete(p, p.version);
      for (const m of [attempts, state.waitingSince, state.delivered, state.loggedAt, state.ended] as (Map<string, unknown> | Set<string>)[]) for (const k of m.keys()) if (k.startsWith(`${p.account}/${p.region}/${p.name}/`)) m.delete(k);
      return;
    case "RUNNING": {
      const ref = parseResource(p.config.Source);
      if (ref.kind === "sqs") await pollSqs(env, p, state);
      else if (ref.kind === "kinesis") await pollKinesis(env, p, state);
      return;
    }
    default:
      return;
  }
}

function filterOf(p: PipeRecord, patterns: Map<string, EventPattern>): ((r: SourceRecord) => boolean) | undefined {
  const filters = ((p.config.SourceParameters?.FilterCriteria as { Filters?: { Pattern?: string }[] } | undefined)?.Filters ?? [])
    .map((f) => f.Pattern).filter((t): t is string => typeof t === "string" && t !== "");
  if (filters.length === 0) return undefined;
  const compiled = filters.map((t) => {
    let c = patterns.get(t);
    if (!c) {
      c = compileEventPattern(t);
      if (patterns.size > 10_000) patterns.clear();
      patterns.set(t, c);
    }
    return c;
  });
  // A record passes when any filter matches it (user guide, "Event filtering in Amazon EventBridge Pipes").
  return (r) => {
    const doc = readable(r);
    return compiled.some((c) => matchesEvent(c, doc));
  };
}

async function pollSqs(env: PipesEnv, p: PipeRecord, state: RunnerState): Promise<void> {
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

async function pollKinesis(env: PipesEnv, p: PipeRecord, state: RunnerState): Promise<void> {
  const { patterns } = state;
  const ref = parseResource(p.config.Source) as { arn: string; region: string };
  const kinesis = call(env, "kinesis");
  const ctx = context(p, env);
  const params = (p.config.SourceParameters?.KinesisStreamParameters ?? {}) as KinesisParams;
  // Absent, a Kinesis source's batch is 100 (PipeSourceKinesisStreamParameters), within what the target takes.
  const batchSize = Math.min(params.BatchSize ?? 100, targetBatch(p));
  const filter = filterOf(p, patterns);
  const checkpoints = await env.store.checkpoints(p);
  const shards: { ShardId: string; ParentShardId?: string; AdjacentParentShardId?: string }[] = [];
  let token: string | undefined;
  do {
    const out = await kinesis(ctx, "ListShards", token ? { NextToken: token } : { StreamARN: ref.arn });
    shards.push(...((out.Shards ?? []) as typeof shards));
    token = out.NextToken as string | undefined;
  } while (token);
  // A child shard waits until its parents (those still in the stream) were read to their end, so a partition key's
  // records keep their order across a reshard (Kinesis developer guide, resharding: "process the parent shards
  // before the child shards").
  const listed = new Set(shards.map((x) => x.ShardId));
  const ended = (id: string) => state.ended.has(`${p.account}/${p.region}/${p.name}/${id}`);
  const ready = shards.filter((x) => [x.ParentShardId, x.AdjacentParentShardId].every((id) => id === undefined || !listed.has(id) || ended(id)));
  // Shards are read concurrently, each in order (one batch in flight per shard, or ParallelizationFactor of them).
  const results = await Promise.allSettled(ready.map((shard) => pollShard(env, p, state, {
    kinesis, ctx, streamArn: ref.arn, region: ref.region, params, batchSize, filter, shardId: shard.ShardId, checkpoint: checkpoints[shard.ShardId],
  })));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

interface KinesisParams {
  BatchSize?: number; StartingPosition?: string; StartingPositionTimestamp?: number | string; MaximumRetryAttempts?: number; MaximumBatchingWindowInSeconds?: number;
  MaximumRecordAgeInSeconds?: number; DeadLetterConfig?: { Arn?: string }; ParallelizationFactor?: number; OnPartialBatchItemFailure?: string;
}

interface ShardRead {
  kinesis: ServiceCall;
  ctx: RequestContext;
  streamArn: string;
  region: string;
  params: KinesisParams;
  batchSize: number;
  filter: ((r: SourceRecord) => boolean) | undefined;
  shardId: string;
  checkpoint: string | undefined;
}

/** Which of `factor` concurrent batches a partition key goes to: records of one key stay in order in one batch. */
function lane(partitionKey: string, factor: number): number {
  let h = 0;
  for (let i = 0; i < partitionKey.length; i++) h = (h * 31 + partitionKey.charCodeAt(i)) | 0;
  return Math.abs(h) % factor;
}

async function pollShard(env: PipesEnv, p: PipeRecord, state: RunnerState, r: ShardRead): Promise<void> {
  const { kinesis, ctx, params, batchSize, filter, shardId } = r;
  const factor = params.ParallelizationFactor ?? 1;
  let iteratorInput: Record<string, unknown>;
  if (r.checkpoint) iteratorInput = { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber: r.checkpoint };
  else if (params.StartingPosition === "TRIM_HORIZON") iteratorInput = { ShardIteratorType: "TRIM_HORIZON" };
  else if (params.StartingPosition === "AT_TIMESTAMP") iteratorInput = { ShardIteratorType: "AT_TIMESTAMP", Timestamp: new Date(params.StartingPositionTimestamp as string | number) };
  // LATEST: what arrives after the pipe began running, kept across rounds by reading from that time.
  else iteratorInput = { ShardIteratorType: "AT_TIMESTAMP", Timestamp: new Date(p.config.StartedAt ?? p.createdAt) };
  const it = await kinesis(ctx, "GetShardIterator", { StreamARN: r.streamArn, ShardId: shardId, ...iteratorInput });
  const got = await kinesis(ctx, "GetRecords", { StreamARN: r.streamArn, ShardIterator: it.ShardIterator, Limit: Math.min(10_000, batchSize * factor) });
  const raw = (got.Records ?? []) as { SequenceNumber: string; Data: Buffer; PartitionKey: string; ApproximateArrivalTimestamp: Date }[];
  const waitKey = `${p.account}/${p.region}/${p.name}/${shardId}#window`;
  // No NextShardIterator: a closed shard read to its end once these records are delivered (GetRecords API reference).
  const atEnd = got.NextShardIterator === undefined || got.NextShardIterator === null;
  if (raw.length === 0) {
    state.waitingSince.delete(waitKey);
    if (atEnd) state.ended.add(`${p.account}/${p.region}/${p.name}/${shardId}`);
    return;
  }
  const windowMs = (params.MaximumBatchingWindowInSeconds ?? 0) * 1000;
  if (windowMs > 0 && raw.length < batchSize) {
    // The batching window: the records are read again next round (nothing is checkpointed) until the batch is full
    // or the window since they first waited has passed.
    const since = state.waitingSince.get(waitKey) ?? env.clock.now();
    if (env.clock.now() - since < windowMs) {
      state.waitingSince.set(waitKey, since);
      return;
    }
  }
  state.waitingSince.delete(waitKey);
  const records: KinesisRecord[] = raw.map((x) => ({
    kinesisSchemaVersion: "1.0", partitionKey: x.PartitionKey, sequenceNumber: x.SequenceNumber, data: Buffer.from(x.Data).toString("base64"),
    approximateArrivalTimestamp: x.ApproximateArrivalTimestamp.getTime() / 1000, eventSource: "aws:kinesis", eventVersion: "1.0",
    eventID: `${shardId}:${x.SequenceNumber}`, eventName: "aws:kinesis:record", invokeIdentityArn: p.config.RoleArn, awsRegion: r.region,
    eventSourceARN: p.config.Source,
  }));
  const last = records[records.length - 1].sequenceNumber;
  const now = env.clock.now();
  // MaximumRecordAgeInSeconds: older records are discarded (-1 or absent: never), to the dead-letter queue when there is one.
  const maxAge = params.MaximumRecordAgeInSeconds ?? -1;
  const fresh = maxAge >= 0 ? records.filter((x) => now - x.approximateArrivalTimestamp * 1000 <= maxAge * 1000) : records;
  const expired = records.filter((x) => !fresh.includes(x));
  const matched = filter ? fresh.filter(filter) : fresh;
  const key = `${p.account}/${p.region}/${p.name}/${shardId}`;
  // Records of this read the target already accepted (a partial failure, or bisected halves): not sent again.
  const done = state.delivered.get(key) ?? new Set<string>();
  const pending = matched.filter((x) => !done.has(x.sequenceNumber));
  if (pending.length > 0) {
    const bisect = params.OnPartialBatchItemFailure === "AUTOMATIC_BISECT";
    try {
      // ParallelizationFactor: up to that many batches of the shard at once, records of one partition key in one of
      // them, in order (Lambda developer guide, "Polling and batching streams", which Pipes' Kinesis source shares).
      const lanes: KinesisRecord[][] = Array.from({ length: factor }, () => []);
      for (const x of pending) lanes[factor === 1 ? 0 : lane(x.partitionKey, factor)].push(x);
      const outcomes = await Promise.allSettled(lanes.filter((l) => l.length > 0).map(async (l) => {
        for (let i = 0; i < l.length; i += batchSize) await deliverTracked(env, p, l.slice(i, i + batchSize), done, bisect);
      }));
      const bad = outcomes.find((o) => o.status === "rejected");
      if (bad) throw (bad as PromiseRejectedResult).reason;
    } catch (e) {
      reportFailure(env, state, p, e);
      const n = (state.attempts.get(key) ?? 0) + 1;
      const max = params.MaximumRetryAttempts ?? -1;
      // MaximumRetryAttempts: -1 (the default) retries until the records expire from the stream.
      if (max < 0 || n <= max) {
        state.attempts.set(key, n);
        if (done.size > 0) state.delivered.set(key, done);
        return;
      }
      await deadLetter(env, p, shardId, pending.filter((x) => !done.has(x.sequenceNumber)), `MaximumRetryAttempts exceeded: ${(e as Error).message}`);
    }
  }
  if (expired.length > 0) await deadLetter(env, p, shardId, expired, "MaximumRecordAgeInSeconds exceeded");
  state.attempts.delete(key);
  state.delivered.delete(key);
  await env.store.saveCheckpoint(p, shardId, last);
  if (atEnd) state.ended.add(key);
}

/**
 * Delivers records of a stream, noting in `done` those the target accepted (all of them, or those a PartialFailure
 * does not name). With AUTOMATIC_BISECT a failed batch is halved and each half tried, down to single records
 * ("halve each batch and retry each half until all the records are processed or there is one failed message left",
 * PipeSourceKinesisStreamParameters OnPartialBatchItemFailure); throws when anything is left undelivered.
 */
async function deliverTracked(env: PipesEnv, p: PipeRecord, recs: KinesisRecord[], done: Set<string>, bisect: boolean): Promise<void> {
  try {
    await deliver(env, p, recs);
    for (const r of recs) done.add(r.sequenceNumber);
  } catch (e) {
    if (e instanceof PartialFailure) recs.forEach((r, i) => e.failed.has(i) || done.add(r.sequenceNumber));
    const left = recs.filter((r) => !done.has(r.sequenceNumber));
    if (!bisect || left.length <= 1) throw e;
    const mid = Math.ceil(left.length / 2);
    let first: unknown;
    for (const half of [left.slice(0, mid), left.slice(mid)]) {
      try {
        await deliverTracked(env, p, half, done, bisect);
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined) throw first;
  }
}

/**
 * A Kinesis batch given up: its description (not the records themselves) goes to the DeadLetterConfig queue, as for
 * Lambda's stream sources (Lambda developer guide, "on-failure destination": the shard, the sequence number range,
 * the batch size), so the records can be read again from the stream.
 */
async function deadLetter(env: PipesEnv, p: PipeRecord, shardId: string, records: KinesisRecord[], reason: string): Promise<void> {
  const arn = (p.config.SourceParameters?.KinesisStreamParameters as { DeadLetterConfig?: { Arn?: string } } | undefined)?.DeadLetterConfig?.Arn;
  if (!arn || records.length === 0) return;
  const q = parseResource(arn) as { account: string; name: string };
  const body = {
    requestContext: { condition: reason, approximateInvokeCount: 1, pipeArn: pipeArn(p.region, p.account, p.name) },
    timestamp: new Date(env.clock.now()).toISOString(),
    KinesisBatchInfo: {
      shardId, startSequenceNumber: records[0].sequenceNumber, endSequenceNumber: records[records.length - 1].sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(records[0].approximateArrivalTimestamp * 1000).toISOString(),
      approximateArrivalOfLastRecord: new Date(records[records.length - 1].approximateArrivalTimestamp * 1000).toISOString(),
      batchSize: records.length, streamArn: p.config.Source,
    },
  };
  await call(env, "sqs")(context(p, env), "SendMessage", { QueueUrl: `${env.baseUrl()}/${q.account}/${q.name}`, MessageBody: JSON.stringify(body) });
}

function templateContext(p: PipeRecord, now: number): TemplateContext {
  return { pipeArn: pipeArn(p.region, p.account, p.name), pipeName: p.name, sourceArn: p.config.Source, enrichmentArn: p.config.Enrichment, targetArn: p.config.Target, ingestedAt: now };
}

/** Enriches and delivers one batch; throws when any part of it was not accepted (the batch is then retried whole). */
export async function deliver(env: PipesEnv, p: PipeRecord, records: SourceRecord[]): Promise<void> {
  const m = env.metrics;
  const count = (k: keyof NonNullable<PipesEnv["metrics"]>, n = 1) => m?.[k].add(p.account, p.region, p.name, n);
  count("invocations");
  count("eventCount", records.length);
  try {
    await execute(env, p, records);
  } catch (e) {
    if (e instanceof PartialFailure) {
      count("executionPartiallyFailed");
      count("targetStagePartiallyFailed");
    } else {
      count("executionFailed");
      count(e instanceof EnrichmentFailure ? "enrichmentStageFailed" : "targetStageFailed");
    }
    throw e;
  }
}

/** The enrichment failed (or answered something unusable): the execution failed in its enrichment stage. */
class EnrichmentFailure extends Error {}

async function execute(env: PipesEnv, p: PipeRecord, records: SourceRecord[]): Promise<void> {
  const now = env.clock.now();
  const tc = templateContext(p, now);
  let items: unknown[] = records;
  if (p.config.Enrichment) {
    const template = (p.config.EnrichmentParameters as { InputTemplate?: string } | undefined)?.InputTemplate;
    try {
      const input = template ? records.map((r) => asPayload(renderTemplate(template, readable(r), tc))) : records;
      items = await enrich(env, p, input, records.map(readable));
    } catch (e) {
      throw new EnrichmentFailure((e as Error).message);
    }
  }
  const template = p.config.TargetParameters?.InputTemplate as string | undefined;
  // Templates read an SQS body or Kinesis data as JSON when it is (implicit body parsing); enriched items as they are.
  const view = (item: unknown) => (p.config.Enrichment ? item : readable(item as SourceRecord));
  const payloads = template ? items.map((i) => ({ item: view(i), payload: asPayload(renderTemplate(template, view(i), tc)) })) : items.map((i) => ({ item: view(i), payload: i }));
  if (payloads.length === 0) return;
  try {
    await target(env, p, payloads);
  } catch (e) {
    // After an enrichment the items are not the records (an enrichment may answer more or fewer): the whole batch failed.
    if (e instanceof PartialFailure && p.config.Enrichment) throw new Error(e.message);
    throw e;
  }
}

/**
 * An API destination's HttpParameters with dynamic values ("$." paths) read from the record (user guide, "Amazon
 * EventBridge Pipes targets", dynamic path parameters).
 */
function httpParameters(http: Record<string, unknown> | undefined, record: unknown) {
  if (!http) return undefined;
  const map = (m: unknown) => m && Object.fromEntries(Object.entries(m as Record<string, string>).map(([k, v]) => [k, dynamicParameter(v, record) ?? ""]));
  return {
    PathParameterValues: (http.PathParameterValues as string[] | undefined)?.map((v) => dynamicParameter(v, record) ?? ""),
    HeaderParameters: map(http.HeaderParameters) as Record<string, string> | undefined,
    QueryStringParameters: map(http.QueryStringParameters) as Record<string, string> | undefined,
  };
}

/** One synchronous API destination request; throws unless the endpoint answered 2xx. Its body, as JSON when it is. */
async function invokeApi(env: PipesEnv, p: PipeRecord, arn: string, payload: unknown, http: Record<string, unknown> | undefined, record: unknown): Promise<unknown> {
  if (!env.apiDestination) throw new Error("EventBridge is not running");
  const res = await env.apiDestination(arn, text(payload), httpParameters(http, record), { account: p.account, region: p.region });
  if ("error" in res) throw new Error(`API destination ${res.code}: ${res.error}`);
  if (res.status < 200 || res.status >= 300) throw new Error(`API destination answered HTTP ${res.status}`);
  return res.body === "" ? null : asPayload(res.body);
}

/**
 * The enrichment: a Step Functions EXPRESS workflow called synchronously with the batch as a JSON array, or an API
 * destination called with each event; the output is the new batch.
 */
async function enrich(env: PipesEnv, p: PipeRecord, input: unknown[], records: unknown[]): Promise<unknown[]> {
  const ref = parseResource(p.config.Enrichment!);
  if (ref.kind === "api-destination") {
    const http = (p.config.EnrichmentParameters as { HttpParameters?: Record<string, unknown> } | undefined)?.HttpParameters;
    const out: unknown[] = [];
    for (let i = 0; i < input.length; i++) {
      const r = await invokeApi(env, p, ref.arn, input[i], http, records[i]);
      if (Array.isArray(r)) out.push(...r);
      else out.push(r);
    }
    return out;
  }
  const out = await call(env, "stepfunctions")(context(p, env), "StartSyncExecution", { stateMachineArn: p.config.Enrichment, input: JSON.stringify(input) });
  if (out.status !== "SUCCEEDED") throw new Error(`enrichment ${String(out.status)}: ${String(out.error ?? "")} ${String(out.cause ?? "")}`);
  const result = out.output === undefined ? null : JSON.parse(String(out.output));
  // An array returned by the enrichment is the new batch (batching page: "an array of JSON items"); anything else is one item.
  return Array.isArray(result) ? result : [result];
}

function text(payload: unknown): string {
  return typeof payload === "string" ? payload : JSON.stringify(payload);
}

/**
 * Part of a batch was not accepted (per-entry failures of a batch API, or chunks whose call failed): the positions in
 * the batch that failed. "If the target supports batching and only part of the batch succeeds, EventBridge
 * automatically retries batching the remaining payload" (batching page, partial batch failure).
 */
export class PartialFailure extends Error {
  readonly failed: ReadonlySet<number>;
  constructor(failed: Set<number>, message: string) {
    super(message);
    this.failed = failed;
  }
}

/**
 * Sends the batch in chunks of `size` through `send`, which answers the positions (within its chunk) that failed;
 * a chunk whose call throws failed whole. Throws when anything failed: the first error when everything did, else a
 * PartialFailure naming the failed positions.
 */
async function inChunks<T>(batch: T[], size: number, send: (chunk: T[]) => Promise<{ failed: number[]; message?: string }>): Promise<void> {
  const failed = new Set<number>();
  let message = "";
  for (let i = 0; i < batch.length; i += size) {
    const chunk = batch.slice(i, i + size);
    try {
      const r = await send(chunk);
      for (const j of r.failed) failed.add(i + j);
      if (r.failed.length > 0) message ||= r.message ?? "failed";
    } catch (e) {
      for (let j = 0; j < chunk.length; j++) failed.add(i + j);
      message ||= (e as Error).message;
    }
  }
  if (failed.size === 0) return;
  if (failed.size === batch.length) throw new Error(message);
  throw new PartialFailure(failed, message);
}

async function target(env: PipesEnv, p: PipeRecord, batch: { item: unknown; payload: unknown }[]): Promise<void> {
  const ref = parseResource(p.config.Target);
  const ctx = context(p, env);
  const tp = (p.config.TargetParameters ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const eventSource = (p.config.Source.split(":")[2] ?? "");
  switch (ref.kind) {
    case "sqs": {
      const sp = (tp.SqsQueueParameters ?? {}) as { MessageGroupId?: string; MessageDeduplicationId?: string };
      return inChunks(batch, 10, async (chunk) => {
        const out = await call(env, "sqs")(ctx, "SendMessageBatch", {
          QueueUrl: `${env.baseUrl()}/${ref.account}/${ref.name}`,
          Entries: chunk.map((b, j) => ({
            Id: String(j), MessageBody: text(b.payload),
            ...(sp.MessageGroupId ? { MessageGroupId: dynamicParameter(sp.MessageGroupId, b.item) } : {}),
            ...(sp.MessageDeduplicationId ? { MessageDeduplicationId: dynamicParameter(sp.MessageDeduplicationId, b.item) } : {}),
          })),
        });
        const failed = (out.Failed ?? []) as { Id: string; Message?: string }[];
        return { failed: failed.map((f) => Number(f.Id)), message: `SendMessageBatch: ${failed[0]?.Message ?? "failed"}` };
      });
    }
    case "event-bus": {
      const ep = (tp.EventBridgeEventBusParameters ?? {}) as { DetailType?: string; Source?: string; Resources?: string[]; Time?: string };
      return inChunks(batch, 10, async (chunk) => {
        const entries = chunk.map((b) => {
          const time = dynamicParameter(ep.Time, b.item);
          return {
            EventBusName: ref.arn,
            // A pipe's events are "Pipe <name>" from "Event from aws:sqs" unless set (user guide, "Amazon EventBridge Pipes targets", event bus).
            Source: dynamicParameter(ep.Source, b.item) ?? `Pipe ${p.name}`,
            DetailType: dynamicParameter(ep.DetailType, b.item) ?? `Event from aws:${eventSource}`,
            Detail: text(b.payload),
            ...(ep.Resources ? { Resources: ep.Resources } : {}),
            ...(time !== undefined ? { Time: time } : {}),
          };
        });
        const out = await call(env, "events")(ctx, "PutEvents", { Entries: entries });
        const results = (out.Entries ?? []) as { ErrorCode?: string; ErrorMessage?: string }[];
        const failed = results.flatMap((r, j) => (r.ErrorCode ? [j] : []));
        return { failed, message: `PutEvents: ${results.find((r) => r.ErrorCode)?.ErrorMessage ?? "failed"}` };
      });
    }
    case "kinesis": {
      const kp = (tp.KinesisStreamParameters ?? {}) as { PartitionKey?: string };
      return inChunks(batch, 500, async (chunk) => {
        const out = await call(env, "kinesis")(ctx, "PutRecords", {
          StreamARN: ref.arn,
          Records: chunk.map((b) => ({ Data: Buffer.from(text(b.payload), "utf8"), PartitionKey: dynamicParameter(kp.PartitionKey, b.item) ?? "" })),
        });
        const results = (out.Records ?? []) as { ErrorCode?: string; ErrorMessage?: string }[];
        const failed = results.flatMap((r, j) => (r.ErrorCode ? [j] : []));
        return { failed, message: `PutRecords: ${results.find((r) => r.ErrorCode)?.ErrorMessage ?? "failed"}` };
      });
    }
    case "sns":
      return inChunks(batch, 1, async ([b]) => {
        await call(env, "sns")(ctx, "Publish", { TopicArn: ref.arn, Message: text(b.payload) });
        return { failed: [] };
      });
    case "state-machine": {
      // A state machine target receives the whole batch as one JSON array (batching page), synchronously
      // (REQUEST_RESPONSE, the default: StartSyncExecution, EXPRESS only) or not (FIRE_AND_FORGET: StartExecution).
      const invocation = ((tp.StepFunctionStateMachineParameters ?? {}) as { InvocationType?: string }).InvocationType ?? "REQUEST_RESPONSE";
      const input = JSON.stringify(batch.map((b) => b.payload));
      if (invocation === "FIRE_AND_FORGET") {
        await call(env, "stepfunctions")(ctx, "StartExecution", { stateMachineArn: ref.arn, input });
      } else {
        const out = await call(env, "stepfunctions")(ctx, "StartSyncExecution", { stateMachineArn: ref.arn, input });
        if (out.status !== "SUCCEEDED") throw new Error(`StartSyncExecution ${String(out.status)}`);
      }
      return;
    }
    case "api-destination": {
      const http = tp.HttpParameters as Record<string, unknown> | undefined;
      return inChunks(batch, 1, async ([b]) => {
        await invokeApi(env, p, ref.arn, b.payload, http, b.item);
        return { failed: [] };
      });
    }
    default:
      throw new Error(`unsupported target ${p.config.Target}`);
  }
}
