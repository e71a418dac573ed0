// What Kinesis operations share: the store, the clock, and the lookup every stream operation starts with (the
// stream named by StreamName or StreamARN).
import type { Clock } from "../../engine/clock.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { RequestContext } from "../types.ts";
import { checkStreamName, parseStreamArn } from "./domain/streams.ts";
import { accessDenied, invalidArgument, streamNotFound } from "./errors.ts";
import type { KinesisStore, StreamRecord } from "./store.ts";

export interface KinesisEnv {
  store: KinesisStore;
  clock: Clock;
  /** Wakes subscriptions (SubscribeToShard) when records are appended to their shard; across nodes on PostgreSQL. */
  notifier?: Notifier;
}

/**
 * The stream an operation addresses: StreamName, or StreamARN ("You must provide either the StreamName or the
 * StreamARN", each operation's API reference). StreamId (a newer member) is refused until it is carried out.
 */
export async function findStream(env: KinesisEnv, ctx: RequestContext, input: Record<string, unknown>): Promise<StreamRecord> {
  const { account, region, name } = addressedStream(ctx, input);
  const stream = await env.store.getStream(account, region, name);
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
    // Another account's stream needs a resource policy (PutResourcePolicy), which is pending.
    if (parts.account !== ctx.accountId) throw accessDenied(`User is not authorized to access stream ${arn}.`);
    if (parts.region !== ctx.region) throw invalidArgument(`StreamARN ${arn} is not in region ${ctx.region}.`);
    return { account: parts.account, region: parts.region, name: parts.name };
  }
  if (name === undefined) throw invalidArgument("Either StreamName or StreamARN should be provided.");
  checkStreamName(name);
  return { account: ctx.accountId, region: ctx.region, name };
}
