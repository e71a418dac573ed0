// What Kinesis operations share: the store, the clock, the settings, and the lookup every stream operation starts
// with (the stream named by StreamName or StreamARN, another account's only where its resource policy allows).
import { policyAllows, readPolicy } from "../../auth/policy.ts";
import type { Clock } from "../../engine/clock.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { RequestContext } from "../types.ts";
import { checkStreamName, parseStreamArn } from "./domain/streams.ts";
import type { CallRates, ShardThroughput } from "./domain/throughput.ts";
import { accessDenied, invalidArgument, limitExceeded, notActive, streamNotFound } from "./errors.ts";
import type { KinesisMetrics } from "./metrics.ts";
import type { KinesisStore, StreamRecord } from "./store.ts";

export interface KinesisEnv {
  store: KinesisStore;
  clock: Clock;
  /** How long a stream stays CREATING or UPDATING after a change (0: ACTIVE at once). */
  statusDelayMs: number;
  /** Per-shard throughput limits and control-plane call rates, when enforced. */
  limits?: ShardThroughput;
  rates?: CallRates;
  /** A stream's status change was scheduled: the status job asks for its next due time again. */
  statusChanged(): void;
  /** Wakes subscriptions (SubscribeToShard) when records are appended to their shard; across nodes on PostgreSQL. */
  notifier?: Notifier;
  /** Kinesis's counters (metrics.ts); absent where no server runs. */
  metrics?: KinesisMetrics;
}

/**
 * The stream an operation addresses: StreamName, or StreamARN ("You must provide either the StreamName or the
 * StreamARN", each operation's API reference). StreamId (a newer member) is refused until it is carried out. A StreamARN
 * of another account reaches the stream when the stream's resource policy allows the caller's account the operation
 * ("kinesis:<Operation>"; PutResourcePolicy API reference, cross-account access).
 */
export async function findStream(env: KinesisEnv, ctx: RequestContext, input: Record<string, unknown>): Promise<StreamRecord> {
  const { account, region, name } = addressedStream(ctx, input);
  const stream = await env.store.getStream(account, region, name);
  if (account !== ctx.accountId) {
    const arn = input.StreamARN as string;
    const policy = stream && (await env.store.getPolicy(arn));
    if (!stream || !policy || !policyAllows(readPolicy(policy), { account: ctx.accountId, action: `kinesis:${ctx.operation ?? ""}`, resource: arn })) {
      throw accessDenied(`User is not authorized to access stream ${arn}.`);
    }
    return stream;
  }
  if (!stream) throw streamNotFound(name, account);
  return stream;
}

export function addressedStream(ctx: RequestContext, input: Record<string, unknown>): { account: string; region: string; name: string } {
  if (input.StreamId !== undefined) throw invalidArgument("StreamId is not supported by this Mailroom version yet; address the stream by StreamName or StreamARN.");
  const name = input.StreamName as string | undefined;
  const arn = input.StreamARN as string | undefined;
  if (arn !== undefined) {
    const parts = parseStreamArn(arn);
    if (!parts) throw invalidArgument(`StreamARN ${arn} is not a valid Kinesis stream ARN.`);
    if (name !== undefined && name !== parts.name) throw invalidArgument("StreamName and StreamARN name different streams.");
    if (parts.region !== ctx.region) throw invalidArgument(`StreamARN ${arn} is not in region ${ctx.region}.`);
    return { account: parts.account, region: parts.region, name: parts.name };
  }
  if (name === undefined) throw invalidArgument("Either StreamName or StreamARN should be provided.");
  checkStreamName(name);
  return { account: ctx.accountId, region: ctx.region, name };
}

/** Control-plane changes need an ACTIVE stream (ResourceInUseException otherwise, each operation's API reference). */
export function requireActive(stream: StreamRecord): void {
  if (stream.status !== "ACTIVE") throw notActive(stream.name, stream.account, stream.status);
}

/**
 * Reads and writes need a stream that exists for data: a CREATING stream answers ResourceNotFoundException ("The
 * stream … is not ACTIVE"; UPDATING streams still take reads and writes, UpdateShardCount API reference).
 */
export function requireReadable(stream: StreamRecord): void {
  if (stream.status === "CREATING") throw streamNotFound(stream.name, stream.account);
}

/** The status a change leaves a stream in, and until when (UPDATING for the configured delay, or ACTIVE at once). */
export function afterChange(env: KinesisEnv, now: number): { status: "ACTIVE" | "UPDATING"; statusUntil?: number } {
  return env.statusDelayMs > 0 ? { status: "UPDATING", statusUntil: now + env.statusDelayMs } : { status: "ACTIVE", statusUntil: undefined };
}

/** Takes one call of `key`'s budget (when call rates are enforced), or AWS's LimitExceededException. */
export function takeCall(env: KinesisEnv, key: string, perSecond: number, what: string): void {
  if (env.rates && !env.rates.allow(key, perSecond)) throw limitExceeded(`Rate exceeded for ${what}.`);
}
