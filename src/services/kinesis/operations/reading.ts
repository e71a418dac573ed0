// Reading: GetShardIterator and GetRecords. An iterator holds the shard and the counter after which it reads; each
// GetRecords answers a fresh NextShardIterator from where it stopped, until a closed shard is read to its end: then
// NextShardIterator is absent and ChildShards names the shards that continue its hash key range.
import { preEncodedOutput, type RequestContext } from "../../types.ts";
import { decodeIterator, encodeIterator, ITERATOR_TTL_MS } from "../domain/iterator.ts";
import { recordPage } from "../domain/record-page.ts";
import { type ChildShard, childShardsOf } from "../domain/resharding.ts";
import { isSequenceNumberText, parseSequenceNumber, parseShardId, shardId } from "../domain/sequence.ts";
import { checkEnum, checkRange, checkShardIdText } from "../domain/streams.ts";
import { arnOf } from "../domain/views.ts";
import { GET_SHARD_ITERATOR_PER_SHARD } from "../domain/throughput.ts";
import { findStream, type KinesisEnv, requireReadable, takeCall } from "../env.ts";
import { expiredIterator, invalidArgument, provisionedThroughputExceeded, resourceNotFound, validation } from "../errors.ts";
import type { KinesisStore, ShardRecord, StreamRecord } from "../store.ts";
import { liveShards, trimHorizon } from "./streams.ts";

type Input = Record<string, unknown>;

const ITERATOR_TYPES = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];
/** A GetRecords call returns up to 10 MiB of data (GetRecords API reference). */
const MAX_GET_BYTES = 10 * 1024 * 1024;

/**
 * The ChildShards of a closed shard (for GetRecords and SubscribeToShard at the shard's end): the shards resharding
 * made from it, each with its parents and hash key range. Empty for an open shard.
 */
export async function closedShardChildren(store: KinesisStore, streamId: number, shardIndex: number): Promise<ChildShard[]> {
  return childShardsOf(await store.shards(streamId), shardIndex);
}

export async function getShardIterator(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const type = input.ShardIteratorType as string;
  checkEnum(type, "shardIteratorType", ITERATOR_TYPES);
  const seq = input.StartingSequenceNumber as string | undefined;
  const timestamp = input.Timestamp as Date | undefined;
  if (seq !== undefined && !isSequenceNumberText(seq)) {
    throw validation(seq, "startingSequenceNumber", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
  }
  const bySeq = type === "AT_SEQUENCE_NUMBER" || type === "AFTER_SEQUENCE_NUMBER";
  if (bySeq && seq === undefined) throw invalidArgument(`The StartingSequenceNumber parameter is required for ShardIteratorType ${type}.`);
  if (!bySeq && seq !== undefined) throw invalidArgument(`StartingSequenceNumber cannot be used with ShardIteratorType ${type}.`);
  if (type === "AT_TIMESTAMP" && timestamp === undefined) throw invalidArgument("The Timestamp parameter is required for ShardIteratorType AT_TIMESTAMP.");
  if (timestamp !== undefined && !Number.isFinite(timestamp.getTime())) throw invalidArgument("The Timestamp parameter is not a valid time.");
  if (type !== "AT_TIMESTAMP" && timestamp !== undefined) throw invalidArgument(`Timestamp cannot be used with ShardIteratorType ${type}.`);
  const stream = await findStream(env, ctx, input);
  requireReadable(stream);
  const id = input.ShardId as string;
  checkShardIdText(id, "shardId");
  const index = parseShardId(id);
  const now = env.clock.now();
  const shard = index === undefined ? undefined : liveShards(stream, await env.store.shards(stream.id), now).find((s) => s.index === index);
  if (!shard) throw resourceNotFound(`Shard ${id} in stream ${stream.name} under account ${stream.account} does not exist`);
  takeCall(env, `${stream.id}:${shard.index}:GetShardIterator`, GET_SHARD_ITERATOR_PER_SHARD, `GetShardIterator on shard ${id} of stream ${stream.name} under account ${stream.account}`);
  let after: number;
  if (type === "TRIM_HORIZON") after = 0;
  else if (type === "LATEST") after = shard.lastCounter;
  else if (type === "AT_TIMESTAMP") after = await env.store.counterBefore(stream.id, shard.index, timestamp!.getTime());
  else {
    const parsed = parseSequenceNumber(seq!, stream.createdAt);
    if (!parsed || parsed.shardIndex !== shard.index) {
      throw invalidArgument(`Invalid StartingSequenceNumber. It encodes a different shard or stream than ${shardId(shard.index)} of stream ${stream.name} under account ${stream.account}.`);
    }
    after = type === "AT_SEQUENCE_NUMBER" ? Math.max(0, parsed.counter - 1) : parsed.counter;
  }
  return { ShardIterator: encodeIterator({ streamId: stream.id, shardIndex: shard.index, after, issuedAt: now }) };
}

async function iteratorStream(env: KinesisEnv, ctx: RequestContext, input: Input, streamId: number, shardIndex: number): Promise<StreamRecord> {
  if (input.StreamId !== undefined) throw invalidArgument("StreamId is not supported by this Mailroom version yet.");
  const stream = await env.store.getStreamById(streamId);
  if (!stream) throw resourceNotFound(`Shard ${shardId(shardIndex)} of the ShardIterator does not exist: its stream was deleted.`);
  if (input.StreamARN !== undefined && input.StreamARN !== arnOf(stream)) throw invalidArgument("The StreamARN does not match the stream of the ShardIterator.");
  // Another account's iterator reads only through its StreamARN, where the stream's resource policy allows it.
  if (stream.account !== ctx.accountId || stream.region !== ctx.region) {
    if (input.StreamARN === undefined) throw resourceNotFound(`Shard ${shardId(shardIndex)} of the ShardIterator does not exist.`);
    await findStream(env, ctx, input);
  }
  return stream;
}

export async function getRecords(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const limit = (input.Limit as number | undefined) ?? 10_000;
  checkRange(limit, "limit", 1, 10_000);
  const text = input.ShardIterator as string;
  const it = decodeIterator(text);
  if (!it) throw invalidArgument("Invalid ShardIterator.");
  const now = env.clock.now();
  if (now - it.issuedAt > ITERATOR_TTL_MS) {
    // ExpiredIteratorException: "The provided iterator exceeds the maximum age allowed" (GetRecords API reference); the
    // message names both times, as AWS's does, in Mailroom's words.
    throw expiredIterator(`Iterator expired. The iterator was created at time ${new Date(it.issuedAt).toISOString()} while right now it is ${new Date(now).toISOString()} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`);
  }
  const stream = await iteratorStream(env, ctx, input, it.streamId, it.shardIndex);
  const shards = await env.store.shards(stream.id);
  const shard: ShardRecord | undefined = liveShards(stream, shards, now).find((s) => s.index === it.shardIndex);
  if (!shard) throw resourceNotFound(`Shard ${shardId(it.shardIndex)} in stream ${stream.name} under account ${stream.account} does not exist: it expired past the retention period.`);
  if (env.limits && !env.limits.read(stream.id, shard.index)) {
    env.metrics?.readThrottled.add(stream.account, stream.region, stream.name);
    throw provisionedThroughputExceeded(`Rate exceeded for shard ${shardId(shard.index)} in stream ${stream.name} under account ${stream.account}.`);
  }
  const batch = await env.store.readBatch(stream.id, shard.index, it.after, limit, MAX_GET_BYTES);
  // Records past retention are no longer readable even before the trim job deletes them: the trim horizon moves.
  const horizon = trimHorizon(stream, now);
  let keep: number[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    if (batch.arrivedAt[i] >= horizon) keep?.push(i);
    else keep ??= Array.from({ length: i }, (_, j) => j);
  }
  const returned = keep ? keep.length : batch.length;
  const lastReturned = returned === 0 ? undefined : keep ? keep[returned - 1] : batch.length - 1;
  let bytes = batch.data.length;
  if (keep) {
    bytes = 0;
    for (const i of keep) bytes += batch.offsets[i + 1] - batch.offsets[i];
  }
  const last = batch.length > 0 ? batch.counters[batch.length - 1] : it.after;
  env.limits?.readDone(stream.id, shard.index, bytes);
  // A closed shard read to its end: no NextShardIterator, and its ChildShards ("returned … only when the end of the
  // current shard is reached"; NextShardIterator "If set to null, the shard has been closed", GetRecords API reference).
  // A closed shard with nothing after the iterator is at its end too: retention may have deleted its last records
  // (the log keeps a suffix), and a closed shard takes no more.
  const atEnd = shard.closedAt !== undefined && (last >= shard.lastCounter || batch.length === 0);
  // Caught up (nothing left after what is returned) is 0; otherwise how old the last record returned is.
  const behind = atEnd || last >= shard.lastCounter || lastReturned === undefined ? 0 : Math.max(0, now - batch.arrivedAt[lastReturned]);
  const m = env.metrics;
  if (m) {
    m.getRecordsSuccess.add(stream.account, stream.region, stream.name);
    m.getRecordsRecords.add(stream.account, stream.region, stream.name, returned);
    m.getRecordsBytes.add(stream.account, stream.region, stream.name, bytes);
    m.iteratorAge.observe(stream.account, stream.region, stream.name, behind);
  }
  // The body is written from the batch's columns for JSON and CBOR (ADR 0033); pagePlain is the same answer as objects.
  return preEncodedOutput(recordPage({
    streamCreatedAt: stream.createdAt,
    shardIndex: shard.index,
    batch,
    keep,
    encryptionType: stream.encryptionType === "KMS" ? "KMS" : undefined,
    nextShardIterator: atEnd ? undefined : encodeIterator({ ...it, after: last, issuedAt: now }),
    millisBehindLatest: behind,
    childShards: atEnd ? childShardsOf(shards, shard.index) : undefined,
  }));
}
