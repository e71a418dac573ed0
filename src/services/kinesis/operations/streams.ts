// Stream operations: CreateStream, DeleteStream, DescribeStream, DescribeStreamSummary, ListStreams, ListShards.
import type { RequestContext } from "../../types.ts";
import { evenRanges } from "../domain/hash-keys.ts";
import { parseShardId, shardId } from "../domain/sequence.ts";
import {
  checkEnum, checkRange, checkShardIdText, checkStreamName, decodeToken, encodeToken, NEXT_TOKEN_TTL_MS, ON_DEMAND_INITIAL_SHARDS, shardQuota,
} from "../domain/streams.ts";
import { descriptionView, shardView, summaryView } from "../domain/views.ts";
import { addressedStream, findStream, type KinesisEnv } from "../env.ts";
import { expiredNextToken, invalidArgument, limitExceeded, resourceInUse, streamNotFound } from "../errors.ts";

type Input = Record<string, unknown>;

export async function createStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const name = input.StreamName as string;
  checkStreamName(name);
  // Tags, warm throughput and record sizes other than the default are accepted by AWS but not carried out here yet.
  if (input.Tags !== undefined) throw invalidArgument("Tags on CreateStream are not supported by this Mailroom version yet.");
  if (input.WarmThroughputMiBps !== undefined) throw invalidArgument("WarmThroughputMiBps is not supported by this Mailroom version yet.");
  if (input.MaxRecordSizeInKiB !== undefined) throw invalidArgument("MaxRecordSizeInKiB is not supported by this Mailroom version yet.");
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
  // CreateStream answers at once and AWS moves the stream from CREATING to ACTIVE in the background; here it is
  // ACTIVE as soon as the call returns (docs/adr/0016-kinesis-first-increment.md).
  const made = await env.store.createStream(
    { account: ctx.accountId, region: ctx.region, name, mode, retentionHours: 24, shardCount: n, createdAt: env.clock.now() },
    ranges,
    quota,
  );
  if (made === "exists") throw resourceInUse(`Stream ${name} under account ${ctx.accountId} already exists.`);
  if (made === "quota") {
    throw limitExceeded(`This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. Limit: ${quota}. Number of additional shards that would have resulted from this request: ${n}.`);
  }
  return {};
}

export async function deleteStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  // EnforceConsumerDeletion only matters when the stream has consumers; enhanced fan-out (consumers) is pending, so
  // no stream has any and either value deletes it.
  const stream = await findStream(env, ctx, input);
  // AWS shows DELETING until the stream is gone; here it is gone when the call returns (ADR 0016).
  if (!(await env.store.deleteStream(stream.id))) throw streamNotFound(stream.name, stream.account);
  return {};
}

export async function describeStream(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const limit = (input.Limit as number | undefined) ?? 100;
  checkRange(limit, "limit", 1, 10_000);
  const stream = await findStream(env, ctx, input);
  const shards = await env.store.shards(stream.id);
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
    StreamDescriptionSummary: { ...descriptionView(stream), OpenShardCount: stream.shardCount, ConsumerCount: 0 },
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

export async function listShards(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const max = (input.MaxResults as number | undefined) ?? 1000;
  checkRange(max, "maxResults", 1, 10_000);
  const token = input.NextToken as string | undefined;
  let streamId: number;
  let after: number;
  let stream;
  if (token !== undefined) {
    // "If you specify NextToken, you can't specify StreamName, ExclusiveStartShardId, StreamCreationTimestamp or
    // ShardFilter" (ListShards API reference).
    if (input.StreamName !== undefined || input.StreamARN !== undefined || input.ExclusiveStartShardId !== undefined ||
      input.StreamCreationTimestamp !== undefined || input.ShardFilter !== undefined) {
      throw invalidArgument("NextToken and StreamName, StreamARN, ExclusiveStartShardId, StreamCreationTimestamp or ShardFilter cannot be provided together.");
    }
    const [kind, account, region, id, last, issuedAt] = decodeToken(token);
    if (kind !== "sh" || account !== ctx.accountId || region !== ctx.region || typeof id !== "number" || typeof last !== "number" || typeof issuedAt !== "number") {
      throw invalidArgument("Invalid NextToken.");
    }
    if (env.clock.now() - issuedAt > NEXT_TOKEN_TTL_MS) throw expiredNextToken("The NextToken has expired.");
    stream = await env.store.getStreamById(id);
    if (!stream) throw invalidArgument("Invalid NextToken: its stream no longer exists.");
    streamId = id;
    after = last;
  } else {
    const addressed = addressedStream(ctx, input);
    stream = await env.store.getStream(addressed.account, addressed.region, addressed.name);
    const created = input.StreamCreationTimestamp as Date | undefined;
    // StreamCreationTimestamp tells apart streams that had the same name: another stream's time finds none here.
    if (!stream || (created !== undefined && Math.floor(created.getTime() / 1000) !== Math.floor(stream.createdAt / 1000))) {
      throw streamNotFound(addressed.name, addressed.account);
    }
    streamId = stream.id;
    after = -1;
    const start = input.ExclusiveStartShardId as string | undefined;
    if (start !== undefined) after = exclusiveStart(start);
    const filter = input.ShardFilter as { Type: string; ShardId?: string; Timestamp?: Date } | undefined;
    if (filter) {
      checkEnum(filter.Type, "shardFilter.type", SHARD_FILTERS);
      if (filter.Type === "AFTER_SHARD_ID") {
        if (filter.ShardId === undefined) throw invalidArgument("ShardFilter of type AFTER_SHARD_ID requires a ShardId.");
        after = Math.max(after, exclusiveStart(filter.ShardId));
      } else if (filter.ShardId !== undefined) {
        throw invalidArgument(`ShardFilter of type ${filter.Type} does not take a ShardId.`);
      }
      const timed = filter.Type === "AT_TIMESTAMP" || filter.Type === "FROM_TIMESTAMP";
      if (timed && filter.Timestamp === undefined) throw invalidArgument(`ShardFilter of type ${filter.Type} requires a Timestamp.`);
      if (!timed && filter.Timestamp !== undefined) throw invalidArgument(`ShardFilter of type ${filter.Type} does not take a Timestamp.`);
    }
  }
  // Without resharding every shard is open from the stream's creation on, so each filter type (trim horizon, latest,
  // a timestamp) names all of the stream's shards, after any AFTER_SHARD_ID.
  const shards = (await env.store.shards(streamId)).filter((s) => s.index > after);
  const page = shards.slice(0, max);
  const more = shards.length > page.length;
  return {
    Shards: page.map((s) => shardView(stream, s)),
    NextToken: more ? encodeToken(["sh", ctx.accountId, ctx.region, streamId, page[page.length - 1].index, env.clock.now()]) : undefined,
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
