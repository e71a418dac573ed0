// Writing: PutRecord and PutRecords. A record goes to the shard whose hash key range holds its ExplicitHashKey, or
// the MD5 of its partition key; all records of a call are appended in one write.
import type { RequestContext } from "../../types.ts";
import { shardWakeKey } from "../domain/consumers.ts";
import { hashKeyOf, shardFor } from "../domain/hash-keys.ts";
import { checkRecord, checkSequenceNumberForOrdering, MAX_PUT_RECORDS, MAX_PUT_RECORDS_BYTES, type RecordInput } from "../domain/records.ts";
import { sequenceNumber, shardId } from "../domain/sequence.ts";
import { findStream, type KinesisEnv } from "../env.ts";
import { invalidArgument, streamNotFound, validation } from "../errors.ts";
import type { StreamRecord } from "../store.ts";

type Input = Record<string, unknown>;

async function put(env: KinesisEnv, stream: StreamRecord, records: { input: RecordInput; explicit?: bigint }[]) {
  const shards = await env.store.shards(stream.id);
  const ranges = shards.map((s) => ({ start: BigInt(s.startHashKey), end: BigInt(s.endHashKey) }));
  const placed = records.map((r) => ({
    shardIndex: shards[shardFor(ranges, r.explicit ?? hashKeyOf(r.input.PartitionKey))].index,
    partitionKey: r.input.PartitionKey,
    data: r.input.Data,
  }));
  const counters = await env.store.append(stream.id, placed, env.clock.now());
  if (!counters) throw streamNotFound(stream.name, stream.account);
  // After the commit: the touched shards' subscriptions push the new records (SubscribeToShard, ADR 0021).
  if (env.notifier) {
    let last = -1;
    for (const p of placed) {
      if (p.shardIndex === last) continue;
      last = p.shardIndex;
      env.notifier.notify(shardWakeKey(stream.id, p.shardIndex));
    }
  }
  return placed.map((p, i) => ({ ShardId: shardId(p.shardIndex), SequenceNumber: sequenceNumber(stream.createdAt, p.shardIndex, counters[i]) }));
}

export async function putRecord(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const record = input as unknown as RecordInput;
  const explicit = checkRecord(record, "");
  // SequenceNumberForOrdering asks for a number above the given one for the same partition key; every number a
  // shard hands out is above all earlier ones of that shard, so the guarantee holds for any value (PutRecord API reference).
  checkSequenceNumberForOrdering(input.SequenceNumberForOrdering as string | undefined);
  const stream = await findStream(env, ctx, input);
  const [out] = await put(env, stream, [{ input: record, explicit }]);
  return out;
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
  const results = await put(env, stream, checked);
  // Records fail one by one only for throughput limits and internal failures, neither of which happens here, so
  // every record succeeds and FailedRecordCount is 0 (PutRecords API reference, "Handling failures").
  return { FailedRecordCount: 0, Records: results };
}
