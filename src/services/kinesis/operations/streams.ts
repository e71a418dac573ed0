// Stream operations: CreateStream, DeleteStream, DescribeStream, DescribeStreamSummary, ListStreams, ListShards.
import type { RequestContext } from "../../types.ts";
import { MAX_CONSUMERS_PER_STREAM, shardWakeKey } from "../domain/consumers.ts";
import { evenRanges } from "../domain/hash-keys.ts";
import { checkMaxRecordSize, DEFAULT_MAX_RECORD_SIZE_KIB } from "../domain/records.ts";
import { openAt } from "../domain/resharding.ts";
import { parseShardId, shardId } from "../domain/sequence.ts";
import {
  checkEnum, checkRange, checkShardIdText, checkStreamName, decodeToken, encodeToken, NEXT_TOKEN_TTL_MS, ON_DEMAND_INITIAL_SHARDS,
  ON_DEMAND_STREAM_QUOTA, shardQuota,
} from "../domain/streams.ts";
import { checkTags, MAX_TAGS } from "../domain/tags.ts";
import { arnOf, descriptionView, shardView, summaryView } from "../domain/views.ts";
import { LIST_SHARDS_PER_STREAM } from "../domain/throughput.ts";
import { addressedStream, findStream, type KinesisEnv, takeCall } from "../env.ts";
import { expiredNextToken, invalidArgument, limitExceeded, resourceInUse, streamNotFound } from "../errors.ts";
import type { ShardRecord, StreamRecord } from "../store.ts";

type Input = Record<string, unknown>;

export async function createStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const name = input.StreamName as string;
  checkStreamName(name);
  // Warm throughput (a newer on-demand feature) is accepted by AWS but not carried out here yet.
  if (input.WarmThroughputMiBps !== undefined) throw invalidArgument("WarmThroughputMiBps is not supported by this Mailroom version yet.");
  const maxRecordSizeKiB = (input.MaxRecordSizeInKiB as number | undefined) ?? DEFAULT_MAX_RECORD_SIZE_KIB;
  checkMaxRecordSize(maxRecordSizeKiB);
  const tags = (input.Tags as Record<string, string> | undefined) ?? {};
  checkTags(tags);
  if (Object.keys(tags).length > MAX_TAGS) throw invalidArgument(`A stream cannot have more than ${MAX_TAGS} tags associated with it.`);
  const modeDetails = input.StreamModeDetails as { StreamMode?: string } | undefined;
  checkEnum(modeDetails?.StreamMode, "streamModeDetails.streamMode", ["PROVISIONED", "ON_DEMAND"]);
  const shardCount = input.ShardCount as number | undefined;
  checkRange(shardCount, "shardCount", 1, Number.MAX_SAFE_INTEGER);
  // Without a mode, a stream given a ShardCount is provisioned and one without is on-demand with 4 shards (CreateStream
  // API reference: ShardCount is optional, provisioned streams "must specify the number of shards"; LocalStack's
  // AWS-validated snapshot test_create_stream_without_shard_count shows 4 shards for a CreateStream with a name only).
  const mode = (modeDetails?.StreamMode ?? (shardCount === undefined ? "ON_DEMAND" : "PROVISIONED")) as "PROVISIONED" | "ON_DEMAND";
  if (mode === "PROVISIONED" && shardCount === undefined) throw invalidArgument("ShardCount is required for a stream in PROVISIONED mode.");
  if (mode === "ON_DEMAND" && shardCount !== undefined) throw invalidArgument("ShardCount cannot be specified for a stream in ON_DEMAND mode.");
  const n = shardCount ?? ON_DEMAND_INITIAL_SHARDS;
  const quota = shardQuota(ctx.region);
  if (n > quota) {
    throw limitExceeded(`This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. Current shard count for the account: 0. Limit: ${quota}. Number of additional shards that would have resulted from this request: ${n}.`);
  }
  const ranges = evenRanges(n).map((r) => ({ startHashKey: r.start.toString(), endHashKey: r.end.toString() }));
  const now = env.clock.now();
  // CreateStream answers at once with the stream CREATING; it turns ACTIVE after the configured delay (the status job),
  // or at once with none (ADR 0020).
  const made = await env.store.createStream(
    {
      account: ctx.accountId, region: ctx.region, name, mode, retentionHours: 24, createdAt: now,
      status: env.statusDelayMs > 0 ? "CREATING" : "ACTIVE", statusUntil: env.statusDelayMs > 0 ? now + env.statusDelayMs : undefined,
      encryptionType: "NONE", shardLevelMetrics: [], maxRecordSizeKiB, tags, scalings: [], modeChanges: [], encryptionStarts: [], encryptionStops: [],
    },
    ranges,
    { shards: quota, onDemandStreams: ON_DEMAND_STREAM_QUOTA },
  );
  if (made === "exists") throw resourceInUse(`Stream ${name} under account ${ctx.accountId} already exists.`);
  if (made === "quota") {
    throw limitExceeded(`This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. Limit: ${quota}. Number of additional shards that would have resulted from this request: ${n}.`);
  }
  if (made === "onDemandQuota") throw onDemandQuotaExceeded(ctx.accountId, ctx.region);
  if (made.statusUntil !== undefined) env.statusChanged();
  return {};
}

/** More on-demand streams than the account's quota of 50 (LimitExceededException). */
export function onDemandQuotaExceeded(account: string, region: string) {
  return limitExceeded(`This request would exceed the limit of ${ON_DEMAND_STREAM_QUOTA} streams in ON_DEMAND capacity mode for the account ${account} in ${region}.`);
}

/** DescribeLimits: the shard quota and open shards, and the on-demand stream quota and count, of the caller's account and region. */
export async function describeLimits(env: KinesisEnv, ctx: RequestContext) {
  const usage = await env.store.usage(ctx.accountId, ctx.region);
  return {
    ShardLimit: shardQuota(ctx.region), OpenShardCount: usage.openShards,
    OnDemandStreamCount: usage.onDemandStreams, OnDemandStreamCountLimit: ON_DEMAND_STREAM_QUOTA,
  };
}

export async function deleteStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const stream = await findStream(env, ctx, input);
  // "If the stream is in the ACTIVE state, you can delete it" (DeleteStream API reference): a CREATING stream cannot be
  // deleted yet; an UPDATING one can (its change is only a status here).
  if (stream.status === "CREATING") throw resourceInUse(`Stream ${stream.name} under account ${stream.account} is in CREATING state and cannot be deleted yet.`);
  // "If this parameter is unset (null) or if you set it to false, and the stream has registered consumers, the call to
  // DeleteStream fails with a ResourceInUseException" (DeleteStream API reference, EnforceConsumerDeletion).
  if (input.EnforceConsumerDeletion !== true && (await env.store.listConsumers(stream.id, env.clock.now(), "", 1)).length > 0) {
    throw resourceInUse(`Stream ${stream.name} under account ${stream.account} has registered consumers; deregister them or set EnforceConsumerDeletion.`);
  }
  const shards = await env.store.shards(stream.id);
  // AWS shows DELETING until the stream is gone; here it is gone when the call returns (ADR 0016).
  if (!(await env.store.deleteStream(stream.id))) throw streamNotFound(stream.name, stream.account);
  // Its consumers went with it (foreign key); their subscriptions end at once (ResourceNotFoundException, ADR 0021).
  if (env.notifier) for (const s of shards) env.notifier.notify(shardWakeKey(stream.id, s.index));
  return {};
}

/** The start of the retention window: shards that closed before it, and records that arrived before it, are gone. */
export function trimHorizon(stream: StreamRecord, now: number): number {
  return Math.max(stream.createdAt, now - stream.retentionHours * 3_600_000);
}

/** The shards still within the retention period (a closed shard expires once its close is past it). */
export function liveShards(stream: StreamRecord, shards: ShardRecord[], now: number): ShardRecord[] {
  const horizon = trimHorizon(stream, now);
  return shards.filter((s) => s.closedAt === undefined || s.closedAt >= horizon);
}

export async function describeStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const limit = (input.Limit as number | undefined) ?? 100;
  checkRange(limit, "limit", 1, 10_000);
  const stream = await findStream(env, ctx, input);
  const shards = liveShards(stream, await env.store.shards(stream.id), env.clock.now());
  const after = input.ExclusiveStartShardId as string | undefined;
  if (after !== undefined) checkShardIdText(after, "exclusiveStartShardId");
  // Shards after the exclusive start id, by id order ("ExclusiveStartShardId: the shard ID of the shard to start with";
  // an id that names no shard still pages from its position).
  const rest = after === undefined ? shards : shards.filter((s) => shardId(s.index) > after);
  const page = rest.slice(0, limit);
  return {
    StreamDescription: {
      ...descriptionView(stream),
      Shards: page.map((s) => shardView(stream, s)),
      HasMoreShards: rest.length > page.length,
    },
  };
}

export async function describeStreamSummary(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const stream = await findStream(env, ctx, input);
  return {
    StreamDescriptionSummary: {
      ...descriptionView(stream), OpenShardCount: stream.shardCount,
      // Registered consumers (enhanced fan-out): at most 20, so one page counts them.
      ConsumerCount: (await env.store.listConsumers(stream.id, env.clock.now(), "", MAX_CONSUMERS_PER_STREAM + 1)).length,
      MaxRecordSizeInKiB: stream.maxRecordSizeKiB,
    },
  };
}

export async function listStreams(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const limit = (input.Limit as number | undefined) ?? 100;
  checkRange(limit, "limit", 1, 10_000);
  let after = (input.ExclusiveStartStreamName as string | undefined) ?? "";
  const token = input.NextToken as string | undefined;
  if (token !== undefined) {
    // ListStreams API reference: NextToken cannot be combined with ExclusiveStartStreamName.
    if (input.ExclusiveStartStreamName !== undefined) throw invalidArgument("NextToken and ExclusiveStartStreamName cannot be provided together.");
    const [kind, account, region, last, issuedAt] = decodeToken(token);
    if (kind !== "ls" || account !== ctx.accountId || region !== ctx.region || typeof last !== "string" || typeof issuedAt !== "number") {
      throw invalidArgument("Invalid NextToken.");
    }
    if (env.clock.now() - issuedAt > NEXT_TOKEN_TTL_MS) throw expiredNextToken("The NextToken has expired.");
    after = last;
  }
  const rows = await env.store.listStreams(ctx.accountId, ctx.region, after, limit + 1);
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  return {
    StreamNames: page.map((s) => s.name),
    HasMoreStreams: more,
    NextToken: more ? encodeToken(["ls", ctx.accountId, ctx.region, page[page.length - 1].name, env.clock.now()]) : undefined,
    StreamSummaries: page.map(summaryView),
  };
}

const SHARD_FILTERS = ["AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"];

/**
 * Which shards a ShardFilter type names (ShardFilter API reference): AT_TRIM_HORIZON the shards open at the trim
 * horizon; FROM_TRIM_HORIZON (the default) all shards within retention; AT_LATEST the open shards; AT_TIMESTAMP those
 * open at the time; FROM_TIMESTAMP those closed at or after it and all open ones. A time before the trim horizon is
 * "corrected to TRIM_HORIZON" (stated for FROM_TIMESTAMP; applied to AT_TIMESTAMP too, so a time before the stream's
 * creation names its first shards).
 */
function filterShards(shards: ShardRecord[], type: string, time: number | undefined, horizon: number): ShardRecord[] {
  switch (type) {
    case "AT_TRIM_HORIZON":
      return shards.filter((s) => openAt(s, horizon));
    case "AT_LATEST":
      return shards.filter((s) => s.closedAt === undefined);
    case "AT_TIMESTAMP":
      return shards.filter((s) => openAt(s, Math.max(time!, horizon)));
    case "FROM_TIMESTAMP":
      return shards.filter((s) => s.closedAt === undefined || s.closedAt >= Math.max(time!, horizon));
    default:
      return shards;
  }
}

export async function listShards(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const max = (input.MaxResults as number | undefined) ?? 1000;
  checkRange(max, "maxResults", 1, 10_000);
  const token = input.NextToken as string | undefined;
  let after: number;
  let stream: StreamRecord | undefined;
  let filterType = "FROM_TRIM_HORIZON";
  let filterTime: number | undefined;
  if (token !== undefined) {
    // "If you specify NextToken, you can't specify StreamName, ExclusiveStartShardId, StreamCreationTimestamp or
    // ShardFilter" (ListShards API reference).
    if (input.StreamName !== undefined || input.StreamARN !== undefined || input.ExclusiveStartShardId !== undefined ||
      input.StreamCreationTimestamp !== undefined || input.ShardFilter !== undefined) {
      throw invalidArgument("NextToken and StreamName, StreamARN, ExclusiveStartShardId, StreamCreationTimestamp or ShardFilter cannot be provided together.");
    }
    const [kind, account, region, id, last, issuedAt, type, time] = decodeToken(token);
    if (kind !== "sh" || account !== ctx.accountId || region !== ctx.region || typeof id !== "number" || typeof last !== "number" ||
      typeof issuedAt !== "number" || typeof type !== "string" || !SHARD_FILTERS.includes(type) || (time !== undefined && typeof time !== "number")) {
      throw invalidArgument("Invalid NextToken.");
    }
    if (env.clock.now() - issuedAt > NEXT_TOKEN_TTL_MS) throw expiredNextToken("The NextToken has expired.");
    stream = await env.store.getStreamById(id);
    if (!stream) throw invalidArgument("Invalid NextToken: its stream no longer exists.");
    // Tokens are not signed: one naming another account's stream passes only where that stream's policy allows.
    if (stream.account !== ctx.accountId || stream.region !== ctx.region) await findStream(env, ctx, { StreamARN: arnOf(stream) });
    after = last;
    filterType = type;
    filterTime = time as number | undefined;
  } else {
    const addressed = addressedStream(ctx, input);
    stream = await findStream(env, ctx, input);
    const created = input.StreamCreationTimestamp as Date | undefined;
    // StreamCreationTimestamp tells apart streams that had the same name: another stream's time finds none here.
    if (created !== undefined && Math.floor(created.getTime() / 1000) !== Math.floor(stream.createdAt / 1000)) {
      throw streamNotFound(addressed.name, addressed.account);
    }
    after = -1;
    const start = input.ExclusiveStartShardId as string | undefined;
    if (start !== undefined) after = exclusiveStart(start);
    const filter = input.ShardFilter as { Type: string; ShardId?: string; Timestamp?: Date } | undefined;
    if (filter) {
      checkEnum(filter.Type, "shardFilter.type", SHARD_FILTERS);
      // ShardId "can only be used if the AFTER_SHARD_ID shard type is specified"; Timestamp "only if FROM_TIMESTAMP
      // or AT_TIMESTAMP" (ShardFilter API reference).
      if (filter.Type === "AFTER_SHARD_ID") {
        if (filter.ShardId === undefined) throw invalidArgument("ShardFilter of type AFTER_SHARD_ID requires a ShardId.");
        after = Math.max(after, exclusiveStart(filter.ShardId));
      } else if (filter.ShardId !== undefined) {
        throw invalidArgument(`ShardFilter of type ${filter.Type} does not take a ShardId.`);
      }
      const timed = filter.Type === "AT_TIMESTAMP" || filter.Type === "FROM_TIMESTAMP";
      if (timed && filter.Timestamp === undefined) throw invalidArgument(`ShardFilter of type ${filter.Type} requires a Timestamp.`);
      if (!timed && filter.Timestamp !== undefined) throw invalidArgument(`ShardFilter of type ${filter.Type} does not take a Timestamp.`);
      if (filter.Timestamp !== undefined && !Number.isFinite(filter.Timestamp.getTime())) throw invalidArgument("The ShardFilter Timestamp is not a valid time.");
      filterType = filter.Type;
      filterTime = filter.Timestamp?.getTime();
    }
  }
  takeCall(env, `${stream.id}:ListShards`, LIST_SHARDS_PER_STREAM, `ListShards on stream ${stream.name} under account ${stream.account}`);
  const now = env.clock.now();
  const live = liveShards(stream, await env.store.shards(stream.id), now);
  const shards = filterShards(live, filterType, filterTime, trimHorizon(stream, now)).filter((s) => s.index > after);
  const page = shards.slice(0, max);
  const more = shards.length > page.length;
  const tokenFields: (string | number)[] = ["sh", ctx.accountId, ctx.region, stream.id, more ? page[page.length - 1].index : 0, now, filterType];
  if (filterTime !== undefined) tokenFields.push(filterTime);
  return {
    Shards: page.map((s) => shardView(stream, s)),
    NextToken: more ? encodeToken(tokenFields) : undefined,
  };
}

/** The index after which listing starts, for a shard id (one not of our form pages by its string order). */
function exclusiveStart(id: string): number {
  checkShardIdText(id, "exclusiveStartShardId");
  const index = parseShardId(id);
  if (index !== undefined) return index;
  // Ids sort as strings: any id below "shardId-" starts at the first shard, any id above it lists none.
  return id < "shardId-" ? -1 : Number.MAX_SAFE_INTEGER;
}
