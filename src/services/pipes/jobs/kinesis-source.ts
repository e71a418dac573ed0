// The Kinesis stream source of a pipe (user guide, "Amazon Kinesis stream as a source"): each shard read from the
// pipe's stored checkpoint through Kinesis's own GetShardIterator and GetRecords, filtered and delivered; the
// checkpoint moves once the read was delivered or dead-lettered.
import type { RequestContext } from "../../types.ts";
import type { ServiceCall } from "../../operations.ts";
import { parseResource, pipeArn } from "../domain/arns.ts";
import type { KinesisRecord } from "../domain/records.ts";
import type { PipesEnv } from "../env.ts";
import type { PipeRecord } from "../store.ts";
import { deliver, PartialFailure } from "./deliver.ts";
import { call, context, filterOf, reportFailure, type RunnerState, type SourceRecord, targetBatch } from "./shared.ts";

export async function pollKinesis(env: PipesEnv, p: PipeRecord, state: RunnerState): Promise<void> {
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

