// Resharding: SplitShard, MergeShards, UpdateShardCount (UNIFORM_SCALING) and UpdateStreamMode. Each is one
// changeStream call: the plan (domain/resharding.ts) is decided on the locked stream and applied with the stream's
// status change (UPDATING for the configured delay, then ACTIVE by the status job; ACTIVE at once without a delay).
import type { RequestContext } from "../../types.ts";
import { shardWakeKey } from "../domain/consumers.ts";
import { evenRanges, parseHashKey } from "../domain/hash-keys.ts";
import { planMerge, planSplit, planUniformScaling } from "../domain/resharding.ts";
import { checkEnum, checkShardIdText, ON_DEMAND_STREAM_QUOTA, shardQuota } from "../domain/streams.ts";
import { arnOf } from "../domain/views.ts";
import { afterChange, findStream, type KinesisEnv, requireActive } from "../env.ts";
import { invalidArgument, limitExceeded, streamNotFound, validation } from "../errors.ts";
import type { AccountUsage, ShardRecord, StreamChange, StreamRecord } from "../store.ts";
import { onDemandQuotaExceeded } from "./streams.ts";

type Input = Record<string, unknown>;

const DAY_MS = 24 * 3_600_000;
/** UpdateShardCount: "Scale more than ten times per rolling 24-hour period per stream" is refused (UpdateShardCount API reference). */
const SCALINGS_PER_DAY = 10;
/** UpdateStreamMode: the capacity mode can be switched twice within 24 hours (Kinesis developer guide, "Switching between capacity modes"). */
const MODE_CHANGES_PER_DAY = 2;

/** Split, merge and UpdateShardCount are for provisioned streams only ("This API is only supported for the data streams with the provisioned capacity mode", their API references). */
function requireProvisioned(stream: StreamRecord, operation: string): void {
  if (stream.mode !== "PROVISIONED") {
    throw invalidArgument(`${operation} is not supported for stream ${stream.name} under account ${stream.account}: it is in ON_DEMAND capacity mode, and ${operation} is only supported for streams in PROVISIONED mode.`);
  }
}

/** New open shards count against the account's shard quota (LimitExceededException, as for CreateStream). */
function checkQuota(stream: StreamRecord, usage: AccountUsage, change: { close: number[]; add: { closed?: boolean }[] }): void {
  const openOfAccount = usage.openShards;
  const quota = shardQuota(stream.region);
  const added = change.add.filter((s) => !s.closed).length - change.close.length;
  if (added > 0 && openOfAccount + added > quota) {
    throw limitExceeded(`This request would exceed the shard limit for the account ${stream.account} in ${stream.region}. Current shard count for the account: ${openOfAccount}. Limit: ${quota}. Number of additional shards that would have resulted from this request: ${added}.`);
  }
}

async function reshard(env: KinesisEnv, stream: StreamRecord, decide: (s: StreamRecord, shards: ShardRecord[], usage: AccountUsage) => StreamChange): Promise<StreamRecord> {
  const now = env.clock.now();
  let closed: number[] = [];
  const changed = await env.store.changeStream(stream.id, now, (s, shards, usage) => {
    requireActive(s);
    const change = decide(s, shards, usage);
    closed = change.close ?? [];
    return { ...change, settings: { ...change.settings, ...afterChange(env, now) } };
  });
  if (!changed) throw streamNotFound(stream.name, stream.account);
  // The closed shards' subscriptions send their last event (ChildShards) now rather than at their next keep-alive (ADR 0021).
  if (env.notifier) for (const index of closed) env.notifier.notify(shardWakeKey(stream.id, index));
  if (changed.statusUntil !== undefined) env.statusChanged();
  return changed;
}

export async function splitShard(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const id = input.ShardToSplit as string;
  checkShardIdText(id, "shardToSplit");
  const keyText = input.NewStartingHashKey as string;
  if (!/^(0|[1-9]\d{0,38})$/.test(keyText)) throw validation(keyText, "newStartingHashKey", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})");
  const key = parseHashKey(keyText);
  if (key === undefined) throw invalidArgument(`NewStartingHashKey ${keyText} is not in the range of hash keys [0, 2^128-1].`);
  const stream = await findStream(env, ctx, input);
  await reshard(env, stream, (s, shards, open) => {
    requireProvisioned(s, "SplitShard");
    const plan = planSplit(s, shards, id, key);
    checkQuota(s, open, plan);
    return plan;
  });
  return {};
}

export async function mergeShards(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const a = input.ShardToMerge as string;
  const b = input.AdjacentShardToMerge as string;
  checkShardIdText(a, "shardToMerge");
  checkShardIdText(b, "adjacentShardToMerge");
  const stream = await findStream(env, ctx, input);
  await reshard(env, stream, (s, shards) => {
    requireProvisioned(s, "MergeShards");
    return planMerge(s, shards, a, b);
  });
  return {};
}

export async function updateShardCount(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const target = input.TargetShardCount as number;
  if (target < 1) throw validation(String(target), "targetShardCount", "Member must have value greater than or equal to 1");
  checkEnum(input.ScalingType as string, "scalingType", ["UNIFORM_SCALING"]);
  const stream = await findStream(env, ctx, input);
  let current = 0;
  const changed = await reshard(env, stream, (s, shards, open) => {
    requireProvisioned(s, "UpdateShardCount");
    current = s.shardCount;
    const now = env.clock.now();
    const recent = s.scalings.filter((t) => t > now - DAY_MS);
    // UpdateShardCount API reference, default limits: at most ten scalings per rolling 24 hours, no more than double
    // and no less than half the current open shard count, and within the account's shard quota.
    if (recent.length >= SCALINGS_PER_DAY) {
      throw limitExceeded(`Stream ${s.name} under account ${s.account} has already been scaled ${SCALINGS_PER_DAY} times in the last 24 hours; UpdateShardCount cannot scale it again yet.`);
    }
    if (target > current * 2) {
      throw limitExceeded(`UpdateShardCount cannot scale stream ${s.name} under account ${s.account} up to more than double its current shard count ${current}; requested ${target}.`);
    }
    if (target * 2 < current) {
      throw limitExceeded(`UpdateShardCount cannot scale stream ${s.name} under account ${s.account} down below half its current shard count ${current}; requested ${target}.`);
    }
    if (target === current && isUniform(shards.filter((x) => x.closedAt === undefined))) {
      // Already uniform at the target: nothing to split or merge (still counts as a scaling, as AWS's call does).
      return { settings: { scalings: [...recent, now] } };
    }
    const plan = planUniformScaling(shards, evenRanges(target));
    checkQuota(s, open, plan);
    return { ...plan, settings: { scalings: [...recent, now] } };
  });
  return { StreamName: changed.name, StreamARN: arnOf(changed), CurrentShardCount: current, TargetShardCount: target };
}

/** Whether the open shards are the even ranges of their count. */
function isUniform(open: ShardRecord[]): boolean {
  const ranges = evenRanges(open.length);
  const sorted = [...open].sort((x, y) => (BigInt(x.startHashKey) < BigInt(y.startHashKey) ? -1 : 1));
  return sorted.every((s, i) => BigInt(s.startHashKey) === ranges[i].start && BigInt(s.endHashKey) === ranges[i].end);
}

export async function updateStreamMode(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const details = input.StreamModeDetails as { StreamMode: string };
  checkEnum(details.StreamMode, "streamModeDetails.streamMode", ["PROVISIONED", "ON_DEMAND"]);
  if (input.WarmThroughputMiBps !== undefined) throw invalidArgument("WarmThroughputMiBps is not supported by this Mailroom version yet.");
  const mode = details.StreamMode as "PROVISIONED" | "ON_DEMAND";
  const stream = await findStream(env, ctx, input);
  await reshard(env, stream, (s, _, usage) => {
    if (mode === "ON_DEMAND" && usage.onDemandStreams + 1 > ON_DEMAND_STREAM_QUOTA) throw onDemandQuotaExceeded(s.account, s.region);
    if (s.mode === mode) throw invalidArgument(`Stream ${s.name} under account ${s.account} is already in ${mode} capacity mode.`);
    const now = env.clock.now();
    const recent = s.modeChanges.filter((t) => t > now - DAY_MS);
    if (recent.length >= MODE_CHANGES_PER_DAY) {
      throw limitExceeded(`The capacity mode of stream ${s.name} under account ${s.account} can be switched at most ${MODE_CHANGES_PER_DAY} times in 24 hours.`);
    }
    // The shards stay as they are: an on-demand stream keeps the provisioned shards, and back (the capacity follows the
    // shard count; Kinesis developer guide, "Switching between capacity modes").
    return { settings: { mode, modeChanges: [...recent, now] } };
  });
  return {};
}
