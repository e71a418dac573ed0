// Reading: GetShardIterator and GetRecords. An iterator holds the shard and the counter after which it reads; each
// GetRecords answers a fresh NextShardIterator from where it stopped.
import type { RequestContext } from "../../types.ts";
import { decodeIterator, encodeIterator, ITERATOR_TTL_MS } from "../domain/iterator.ts";
import { isSequenceNumberText, parseSequenceNumber, parseShardId, sequenceNumber, shardId } from "../domain/sequence.ts";
import { checkEnum, checkRange, checkShardIdText } from "../domain/streams.ts";
import { findStream, type KinesisEnv } from "../env.ts";
import { expiredIterator, invalidArgument, resourceNotFound, validation } from "../errors.ts";
import { arnOf } from "../domain/views.ts";

type Input = Record<string, unknown>;

const ITERATOR_TYPES = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];
/** A GetRecords call returns up to 10 MiB of data (GetRecords API reference). */
const MAX_GET_BYTES = 10 * 1024 * 1024;

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
  const id = input.ShardId as string;
  checkShardIdText(id, "shardId");
  const index = parseShardId(id);
  const shard = index === undefined ? undefined : (await env.store.shards(stream.id)).find((s) => s.index === index);
  if (!shard) throw resourceNotFound(`Shard ${id} in stream ${stream.name} under account ${stream.account} does not exist`);
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
  return { ShardIterator: encodeIterator({ streamId: stream.id, shardIndex: shard.index, after, issuedAt: env.clock.now() }) };
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
  const stream = await env.store.getStreamById(it.streamId);
  if (!stream || stream.account !== ctx.accountId || stream.region !== ctx.region) {
    throw resourceNotFound(`Shard ${shardId(it.shardIndex)} of the ShardIterator does not exist: its stream was deleted.`);
  }
  if (input.StreamId !== undefined) throw invalidArgument("StreamId is not supported by this Mailroom version yet.");
  if (input.StreamARN !== undefined && input.StreamARN !== arnOf(stream)) throw invalidArgument("The StreamARN does not match the stream of the ShardIterator.");
  const shard = (await env.store.shards(stream.id)).find((s) => s.index === it.shardIndex);
  if (!shard) throw invalidArgument("Invalid ShardIterator.");
  const records = await env.store.read(stream.id, shard.index, it.after, limit, MAX_GET_BYTES);
  const last = records.length > 0 ? records[records.length - 1].counter : it.after;
  // Caught up (nothing left after what is returned) is 0; otherwise how old the last record returned is.
  const behind = last >= shard.lastCounter || records.length === 0 ? 0 : Math.max(0, now - records[records.length - 1].arrivedAt);
  return {
    Records: records.map((r) => ({
      SequenceNumber: sequenceNumber(stream.createdAt, shard.index, r.counter),
      ApproximateArrivalTimestamp: new Date(r.arrivedAt),
      Data: r.data,
      PartitionKey: r.partitionKey,
    })),
    // An open shard always answers a NextShardIterator (GetRecords API reference: null only when the shard is closed).
    NextShardIterator: encodeIterator({ ...it, after: last, issuedAt: now }),
    MillisBehindLatest: behind,
  };
}
