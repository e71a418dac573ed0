// Writing: PutRecord and PutRecords. A record goes to the open shard whose hash key range holds its ExplicitHashKey,
// or the MD5 of its partition key; all records of a call are appended in one write. When resharding closed a shard
// between routing and appending, nothing was appended and the records are routed again over the new shards.
import type { RequestContext } from "../../types.ts";
import { shardWakeKey } from "../domain/consumers.ts";
import { hashKeyOf, shardFor } from "../domain/hash-keys.ts";
import {
  checkRecord, checkRecordSize, checkSequenceNumberForOrdering, MAX_PUT_RECORDS, MAX_PUT_RECORDS_BYTES, type RecordInput,
} from "../domain/records.ts";
import { sequenceNumber, shardId } from "../domain/sequence.ts";
import { findStream, type KinesisEnv, requireReadable } from "../env.ts";
import { invalidArgument, provisionedThroughputExceeded, streamNotFound, validation } from "../errors.ts";
import type { StreamRecord } from "../store.ts";

type Input = Record<string, unknown>;

/** Routing again after a concurrent reshard: a few times at most (each retry sees the reshard that got in the way). */
const MAX_ROUTES = 5;

type Result = { ShardId: string; SequenceNumber: string } | { ErrorCode: string; ErrorMessage: string };

/** What one put wrote: its results, and the records and data bytes written (the metrics' figures). */
interface PutOutcome {
  results: Result[];
  written: number;
  bytes: number;
}

function rateExceeded(stream: StreamRecord, shard: number): string {
  // PutRecords per-record ErrorMessage: "Rate exceeded for shard shardId-… in stream … under account …." (PutRecords API reference).
  return `Rate exceeded for shard ${shardId(shard)} in stream ${stream.name} under account ${stream.account}.`;
}

async function put(env: KinesisEnv, stream: StreamRecord, records: { input: RecordInput; explicit?: bigint }[]): Promise<PutOutcome> {
  for (let attempt = 1; ; attempt++) {
    const shards = (await env.store.shards(stream.id)).filter((s) => s.closedAt === undefined).sort((a, b) => (BigInt(a.startHashKey) < BigInt(b.startHashKey) ? -1 : 1));
    const ranges = shards.map((s) => ({ start: BigInt(s.startHashKey), end: BigInt(s.endHashKey) }));
    const placed = records.map((r) => ({
      shardIndex: shards[shardFor(ranges, r.explicit ?? hashKeyOf(r.input.PartitionKey))].index,
      partitionKey: r.input.PartitionKey,
      data: r.input.Data,
    }));
    // Throughput limits (when on) fail single records; the others are still written.
    const admitted = placed.map((p) => !env.limits || env.limits.write(stream.id, p.shardIndex, p.data.length + Buffer.byteLength(p.partitionKey, "utf8")));
    const writes = placed.filter((_, i) => admitted[i]);
    const counters = writes.length === 0 ? [] : await env.store.append(stream.id, writes, env.clock.now());
    if (counters === "closed" && attempt < MAX_ROUTES) continue;
    if (counters === "closed" || counters === undefined) throw streamNotFound(stream.name, stream.account);
    // After the commit: the touched shards' subscriptions push the new records (SubscribeToShard, ADR 0021).
    if (env.notifier) for (const shard of new Set(writes.map((w) => w.shardIndex))) env.notifier.notify(shardWakeKey(stream.id, shard));
    let next = 0;
    const results: Result[] = placed.map((p, i) => {
      if (!admitted[i]) return { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: rateExceeded(stream, p.shardIndex) };
      return { ShardId: shardId(p.shardIndex), SequenceNumber: sequenceNumber(stream.createdAt, p.shardIndex, counters[next++]) };
    });
    const bytes = writes.reduce((n, w) => n + w.data.length, 0);
    const m = env.metrics;
    if (m) {
      // Committed: counted once, after the append (metrics.ts).
      if (writes.length > 0) {
        m.incomingRecords.add(stream.account, stream.region, stream.name, writes.length);
        m.incomingBytes.add(stream.account, stream.region, stream.name, bytes);
      }
      if (writes.length < placed.length) m.writeThrottled.add(stream.account, stream.region, stream.name, placed.length - writes.length);
    }
    return { results, written: writes.length, bytes };
  }
}

export async function putRecord(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const record = input as unknown as RecordInput;
  const explicit = checkRecord(record, "");
  // SequenceNumberForOrdering asks for a number above the given one for the same partition key; every number a
  // shard hands out is above all earlier ones of that shard, and a child shard's above its parents', so the guarantee
  // holds for any value (PutRecord API reference).
  checkSequenceNumberForOrdering(input.SequenceNumberForOrdering as string | undefined);
  const stream = await findStream(env, ctx, input);
  requireReadable(stream);
  checkRecordSize(record, stream.maxRecordSizeKiB);
  const { results: [out], bytes } = await put(env, stream, [{ input: record, explicit }]);
  if ("ErrorCode" in out) throw provisionedThroughputExceeded(out.ErrorMessage);
  env.metrics?.putRecordSuccess.add(stream.account, stream.region, stream.name);
  env.metrics?.putRecordBytes.add(stream.account, stream.region, stream.name, bytes);
  // EncryptionType is part of PutRecord's output (KMS when the stream encrypts records).
  return { ...out, EncryptionType: stream.encryptionType === "KMS" ? "KMS" : undefined };
}

export async function putRecords(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const records = input.Records as RecordInput[];
  if (records.length < 1) throw validation("[]", "records", "Member must have length greater than or equal to 1");
  if (records.length > MAX_PUT_RECORDS) throw validation(`[${records.length} records]`, "records", `Member must have length less than or equal to ${MAX_PUT_RECORDS}`);
  let bytes = 0;
  const checked = records.map((r, i) => {
    const explicit = checkRecord(r, `records.${i + 1}.member.`);
    bytes += r.Data.length + Buffer.byteLength(r.PartitionKey, "utf8");
    return { input: r, explicit };
  });
  // "The entire request, including partition keys, can be as large as 5 MiB" (PutRecords API reference).
  if (bytes > MAX_PUT_RECORDS_BYTES) throw invalidArgument(`Records size exceeds 5 MB limit`);
  const stream = await findStream(env, ctx, input);
  requireReadable(stream);
  for (const r of records) checkRecordSize(r, stream.maxRecordSizeKiB);
  const { results, written, bytes: putBytes } = await put(env, stream, checked);
  const m = env.metrics;
  if (m) {
    m.putRecordsTotalRecords.add(stream.account, stream.region, stream.name, records.length);
    m.putRecordsSuccessfulRecords.add(stream.account, stream.region, stream.name, written);
    if (written < records.length) m.putRecordsThrottledRecords.add(stream.account, stream.region, stream.name, records.length - written);
    m.putRecordsBytes.add(stream.account, stream.region, stream.name, putBytes);
    // "The number of PutRecords operations where at least one record succeeded" (developer guide, PutRecords.Success).
    if (written > 0) m.putRecordsSuccess.add(stream.account, stream.region, stream.name);
  }
  // Records fail one by one for throughput limits (ErrorCode ProvisionedThroughputExceededException) and internal
  // failures (PutRecords API reference, "Handling failures"); the rest are written.
  const failed = results.filter((r) => "ErrorCode" in r).length;
  return { FailedRecordCount: failed, Records: results, EncryptionType: stream.encryptionType === "KMS" ? "KMS" : undefined };
}
