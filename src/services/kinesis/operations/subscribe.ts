// SubscribeToShard: checks the consumer, the shard and the starting position, takes the (consumer, shard)
// subscription (AWS's 5-second rule: ResourceInUseException within 5 s of another successful call, a takeover after),
// and answers with an event stream that jobs/subscriptions.ts fills for up to 5 minutes.
import { randomUUID } from "node:crypto";
import { type RequestContext, streamingOutput } from "../../types.ts";
import { consumerArn, consumerStatus, shardWakeKey, TAKEOVER_AFTER_MS } from "../domain/consumers.ts";
import { EVENT_STREAM_CONTENT_TYPE } from "../domain/event-stream.ts";
import { isSequenceNumberText, parseSequenceNumber, parseShardId, shardId } from "../domain/sequence.ts";
import { checkEnum, checkShardIdText } from "../domain/streams.ts";
import type { KinesisEnv } from "../env.ts";
import { invalidArgument, resourceInUse, resourceNotFound, validation } from "../errors.ts";
import { subscriptionEvents } from "../jobs/subscriptions.ts";
import { findConsumer } from "./consumers.ts";
import { liveShards } from "./streams.ts";

type Input = Record<string, unknown>;

const POSITION_TYPES = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];

export async function subscribeToShard(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const position = input.StartingPosition as { Type: string; SequenceNumber?: string; Timestamp?: Date };
  checkEnum(position.Type, "startingPosition.type", POSITION_TYPES);
  const seq = position.SequenceNumber;
  if (seq !== undefined && !isSequenceNumberText(seq)) {
    throw validation(seq, "startingPosition.sequenceNumber", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})");
  }
  const bySeq = position.Type === "AT_SEQUENCE_NUMBER" || position.Type === "AFTER_SEQUENCE_NUMBER";
  if (bySeq && seq === undefined) throw invalidArgument(`StartingPosition.SequenceNumber is required for StartingPosition.Type ${position.Type}.`);
  if (!bySeq && seq !== undefined) throw invalidArgument(`StartingPosition.SequenceNumber cannot be used with StartingPosition.Type ${position.Type}.`);
  const ts = position.Timestamp;
  if (position.Type === "AT_TIMESTAMP" && ts === undefined) throw invalidArgument("StartingPosition.Timestamp is required for StartingPosition.Type AT_TIMESTAMP.");
  if (position.Type !== "AT_TIMESTAMP" && ts !== undefined) throw invalidArgument(`StartingPosition.Timestamp cannot be used with StartingPosition.Type ${position.Type}.`);
  if (ts !== undefined && !Number.isFinite(ts.getTime())) throw invalidArgument("StartingPosition.Timestamp is not a valid time.");
  const id = input.ShardId as string;
  checkShardIdText(id, "shardId");

  const { stream, consumer } = await findConsumer(env, ctx, { ConsumerARN: input.ConsumerARN, StreamId: input.StreamId });
  const now = env.clock.now();
  const arn = consumerArn(stream, consumer);
  // Only an ACTIVE consumer subscribes (SubscribeToShard: ResourceInUseException "the resource is not available for
  // this operation", e.g. a consumer still CREATING).
  if (consumerStatus(consumer, now) !== "ACTIVE") throw resourceInUse(`Consumer ${arn} is not ACTIVE.`);
  const index = parseShardId(id);
  // A closed shard stays subscribable until retention removes it (its last event names its ChildShards).
  const shard = index === undefined ? undefined : liveShards(stream, await env.store.shards(stream.id), now).find((s) => s.index === index);
  if (!shard) throw resourceNotFound(`Shard ${id} in stream ${stream.name} under account ${stream.account} does not exist`);

  let after: number;
  if (position.Type === "TRIM_HORIZON") after = 0;
  else if (position.Type === "LATEST") after = shard.lastCounter;
  else if (position.Type === "AT_TIMESTAMP") after = await env.store.counterBefore(stream.id, shard.index, ts!.getTime());
  else {
    const parsed = parseSequenceNumber(seq!, stream.createdAt);
    if (!parsed || parsed.shardIndex !== shard.index) {
      throw invalidArgument(`Invalid StartingSequenceNumber. It encodes a different shard or stream than ${shardId(shard.index)} of stream ${stream.name} under account ${stream.account}.`);
    }
    after = position.Type === "AT_SEQUENCE_NUMBER" ? Math.max(0, parsed.counter - 1) : parsed.counter;
  }

  const token = randomUUID();
  const taken = await env.store.takeSubscription(consumer.id, shard.index, token, now, TAKEOVER_AFTER_MS);
  if (taken === "gone") throw resourceNotFound(`Consumer ${arn} not found.`);
  if (taken === "busy") {
    throw resourceInUse(`Another active subscription exists for consumer ${arn} and shard ${shardId(shard.index)}; a new one may take it over 5 seconds after it started.`);
  }
  // A subscription it took over ends at its next wake (it finds its token replaced).
  env.notifier?.notify(shardWakeKey(stream.id, shard.index));
  return streamingOutput({
    contentType: EVENT_STREAM_CONTENT_TYPE,
    chunks: subscriptionEvents(env, {
      stream, consumerId: consumer.id, consumerArn: arn, consumerName: consumer.name, shardIndex: shard.index, token, after, startedAt: now,
      format: ctx.codec === "cbor" ? "cbor" : "json", signal: ctx.signal,
    }),
  });
}
