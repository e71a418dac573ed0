// Enhanced fan-out consumers: names, ARNs, status and limits (RegisterStreamConsumer, DescribeStreamConsumer,
// ListStreamConsumers, DeregisterStreamConsumer and SubscribeToShard API references).
import type { ConsumerRecord, StreamRecord } from "../store.ts";
import { validation } from "../errors.ts";
import { streamArn } from "./streams.ts";

/** "You can register up to 20 consumers per stream" (RegisterStreamConsumer API reference). */
export const MAX_CONSUMERS_PER_STREAM = 20;
/** "If you specify a value greater than 100, at most 100 results are returned" (ListStreamConsumers, MaxResults). */
export const LIST_CONSUMERS_PAGE = 100;
/** "Your consumer starts receiving events … for up to 5 minutes" (SubscribeToShard API reference). */
export const SUBSCRIPTION_MS = 5 * 60_000;
/**
 * "If you call SubscribeToShard again with the same ConsumerARN and ShardId within 5 seconds of a successful call,
 * you'll get a ResourceInUseException. If you call SubscribeToShard 5 seconds or more after a successful call, the
 * second call takes over the subscription" (SubscribeToShard API reference).
 */
export const TAKEOVER_AFTER_MS = 5_000;

export type ConsumerStatus = "CREATING" | "ACTIVE" | "DELETING";

/** ConsumerName: 1–128 characters of [a-zA-Z0-9_.-] (model constraint). */
export function checkConsumerName(name: string, member = "consumerName"): void {
  if (name.length < 1) throw validation(name, member, "Member must have length greater than or equal to 1");
  if (name.length > 128) throw validation(name, member, "Member must have length less than or equal to 128");
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) throw validation(name, member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

/**
 * A consumer's ARN as AWS forms it: the stream's ARN, "/consumer/", the name, ":" and the registration time in epoch
 * seconds (RegisterStreamConsumer example output: …:stream/samplestream/consumer/KinesisConsumerApplication:1572383852).
 */
export function consumerArn(stream: StreamRecord, c: Pick<ConsumerRecord, "name" | "createdAt">): string {
  return `${streamArn(stream.region, stream.account, stream.name)}/consumer/${c.name}:${Math.floor(c.createdAt / 1000)}`;
}

export interface ConsumerArnParts {
  region: string;
  account: string;
  stream: string;
  name: string;
  /** Registration time, epoch seconds. */
  createdSeconds: number;
}

/** The parts of a consumer ARN (the model's ConsumerARN pattern, with our stream-name rule), or undefined. */
export function parseConsumerArn(arn: string): ConsumerArnParts | undefined {
  if (arn.length > 2048) return undefined;
  const m = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})\/consumer\/([a-zA-Z0-9_.-]{1,128}):(\d{1,15})$/.exec(arn);
  return m ? { region: m[1], account: m[2], stream: m[3], name: m[4], createdSeconds: Number(m[5]) } : undefined;
}

/** CREATING until it is active, ACTIVE, then DELETING once deregistered (until gone). */
export function consumerStatus(c: ConsumerRecord, now: number): ConsumerStatus {
  if (c.deletingAt !== undefined && now >= c.deletingAt) return "DELETING";
  return now >= c.activeAt ? "ACTIVE" : "CREATING";
}

/** The Consumer structure (RegisterStreamConsumer, ListStreamConsumers). */
export function consumerView(stream: StreamRecord, c: ConsumerRecord, now: number): Record<string, unknown> {
  return {
    ConsumerName: c.name,
    ConsumerARN: consumerArn(stream, c),
    ConsumerStatus: consumerStatus(c, now),
    ConsumerCreationTimestamp: new Date(c.createdAt),
  };
}

/** The ConsumerDescription structure (DescribeStreamConsumer): the Consumer and its stream's ARN. */
export function consumerDescription(stream: StreamRecord, c: ConsumerRecord, now: number): Record<string, unknown> {
  return { ...consumerView(stream, c, now), StreamARN: streamArn(stream.region, stream.account, stream.name) };
}

/** The notifier key a shard's appends wake (subscriptions of the shard wait on it; on PostgreSQL across nodes). */
export function shardWakeKey(streamId: number, shardIndex: number): string {
  return `kinesis:${streamId}:${shardIndex}`;
}
