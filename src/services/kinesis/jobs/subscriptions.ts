// A SubscribeToShard subscription: the event stream's messages, made as records arrive. It sends the initial-response,
// then a SubscribeToShardEvent at once (the position reached), then one whenever an append to the shard wakes it (the
// notifier: in-process, and on PostgreSQL from other nodes through LISTEN/NOTIFY), and, while nothing arrives, an empty
// one every 5 seconds so ContinuationSequenceNumber keeps "capturing your shard progress even when no data is written
// to the shard" (SubscribeToShardEvent API reference). It never polls the table on a timer: its only timer is the
// notifier wait's bound (the next keep-alive event, or the 5-minute end). It ends after 5 minutes (SubscribeToShard API
// reference), when the client goes away, or with an exception event: ResourceInUseException when another call took the
// subscription over, ResourceNotFoundException when the stream or the consumer is gone. At the end of a closed shard
// (resharding, ADR 0020) the last event carries its ChildShards and the stream ends.
import { consumerResource } from "../metrics.ts";
import { sequenceNumber, shardId } from "../domain/sequence.ts";
import { shardWakeKey, SUBSCRIPTION_MS } from "../domain/consumers.ts";
import { eventMessage, exceptionMessage, initialResponse, type PayloadFormat } from "../domain/event-stream.ts";
import { childShardsOf } from "../domain/resharding.ts";
import type { KinesisEnv } from "../env.ts";
import { trimHorizon } from "../operations/streams.ts";
import type { StoredRecord, StreamRecord } from "../store.ts";
import { signalCancel } from "../../../util/cancel.ts";

/** Records per event at most, and about this much data (an event-stream message carries at most 16 MiB). */
const EVENT_RECORDS = 10_000;
const EVENT_BYTES = 2 * 1024 * 1024;
/** An empty event this long after the last one, while nothing arrives. */
const KEEP_ALIVE_MS = 5_000;

export interface SubscriptionPlan {
  stream: StreamRecord;
  consumerId: number;
  consumerArn: string;
  consumerName: string;
  shardIndex: number;
  /** The subscription's hold on (consumer, shard): lost when another call takes it over. */
  token: string;
  /** Records after this counter are sent. */
  after: number;
  startedAt: number;
  format: PayloadFormat;
  signal: AbortSignal;
}

function recordView(stream: StreamRecord, shardIndex: number, r: StoredRecord, encryption: string | undefined): Record<string, unknown> {
  return {
    SequenceNumber: sequenceNumber(stream.createdAt, shardIndex, r.counter),
    ApproximateArrivalTimestamp: new Date(r.arrivedAt),
    Data: r.data,
    PartitionKey: r.partitionKey,
    EncryptionType: encryption,
  };
}

export async function* subscriptionEvents(env: KinesisEnv, p: SubscriptionPlan): AsyncGenerator<Uint8Array, void, undefined> {
  const { stream, shardIndex, format, signal } = p;
  const cancel = signalCancel(signal);
  const endAt = p.startedAt + SUBSCRIPTION_MS;
  const key = shardWakeKey(stream.id, shardIndex);
  let after = p.after;
  let lastEventAt = -Infinity;
  try {
    yield initialResponse(format);
    while (!signal.aborted) {
      // Subscribed before looking, so an append between the look and the wait still wakes it.
      const wake = env.notifier?.subscribe(key);
      try {
        const current = await env.store.getStreamById(stream.id);
        if (!current) {
          yield exceptionMessage(format, "ResourceNotFoundException", `Stream ${stream.name} under account ${stream.account} not found.`);
          return;
        }
        if (!(await env.store.holdsSubscription(p.consumerId, shardIndex, p.token))) {
          // Taken over by a later SubscribeToShard, or the consumer was deregistered.
          const consumer = await env.store.getConsumer(stream.id, p.consumerName, env.clock.now());
          yield consumer !== undefined && consumer.id === p.consumerId && consumer.deletingAt === undefined
            ? exceptionMessage(format, "ResourceInUseException", `Another SubscribeToShard call took over the subscription of consumer ${p.consumerArn} to shard ${shardId(shardIndex)}.`)
            : exceptionMessage(format, "ResourceNotFoundException", `Consumer ${p.consumerArn} not found.`);
          return;
        }
        const shards = await env.store.shards(stream.id);
        const shard = shards.find((x) => x.index === shardIndex);
        if (!shard) {
          // A closed shard removed by retention (ADR 0020): nothing is left to read.
          yield exceptionMessage(format, "ResourceNotFoundException", `Shard ${shardId(shardIndex)} in stream ${stream.name} under account ${stream.account} does not exist: it expired past the retention period.`);
          return;
        }
        const read = await env.store.read(stream.id, shardIndex, after, EVENT_RECORDS + 1, EVENT_BYTES);
        const more = read.length > EVENT_RECORDS;
        const taken = more ? read.slice(0, EVENT_RECORDS) : read;
        const now = env.clock.now();
        // Records past retention are no longer readable even before the trim job deletes them (as GetRecords skips them).
        const horizon = trimHorizon(current, now);
        const records = taken.filter((r) => r.arrivedAt >= horizon);
        if (taken.length > 0) after = taken[taken.length - 1].counter;
        // A closed shard read to its end: the last event names its ChildShards and has no ContinuationSequenceNumber
        // (SubscribeToShardEvent: "ChildShards … returned only at the end of the current shard").
        const atEnd = shard.closedAt !== undefined && !more && after >= shard.lastCounter;
        if (records.length > 0 || atEnd || now - lastEventAt >= KEEP_ALIVE_MS) {
          const last = records.length > 0 ? records[records.length - 1] : undefined;
          const encryption = current.encryptionType === "KMS" ? "KMS" : undefined;
          yield eventMessage(format, "SubscribeToShardEvent", {
            Records: records.map((r) => recordView(stream, shardIndex, r, encryption)),
            // The position to resume from with AFTER_SEQUENCE_NUMBER (the shard's StartingSequenceNumber before any record).
            ContinuationSequenceNumber: atEnd ? undefined : sequenceNumber(stream.createdAt, shardIndex, after),
            // Zero when caught up ("there are no new records to process at this moment"); else the age of the last record sent.
            MillisBehindLatest: more && last ? Math.max(0, now - last.arrivedAt) : 0,
            ...(atEnd ? { ChildShards: childShardsOf(shards, shardIndex) } : {}),
          });
          lastEventAt = now;
          if (env.metrics && records.length > 0) {
            const r = consumerResource(stream.name, p.consumerName);
            env.metrics.subscribeRecords.add(stream.account, stream.region, r, records.length);
            env.metrics.subscribeBytes.add(stream.account, stream.region, r, records.reduce((n, x) => n + x.data.length, 0));
          }
          // The end of a closed shard: its children were named, nothing more will come.
          if (atEnd) return;
        }
        if (env.clock.now() >= endAt) return;
        // Something was read: look again at once (more may have come meanwhile); else wait for an append.
        if (taken.length > 0) continue;
        const until = Math.min(endAt, lastEventAt + KEEP_ALIVE_MS);
        if (wake) await wake.wait(until - env.clock.now(), cancel);
        else return; // no notifier (docs-only definition): nothing would wake it
      } finally {
        wake?.close();
      }
    }
  } finally {
    // Given up on every end (the client left, 5 minutes passed, an error): a new call needs no takeover. A lost
    // release (the process died) is taken over 5 seconds after the subscription started.
    await env.store.releaseSubscription(p.consumerId, shardIndex, p.token).catch(() => {});
  }
}
