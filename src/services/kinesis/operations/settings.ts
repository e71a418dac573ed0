// The rest of a stream's control plane: retention (Increase/DecreaseStreamRetentionPeriod), server-side encryption
// (Start/StopStreamEncryption), shard-level metrics (Enable/DisableEnhancedMonitoring) and UpdateMaxRecordSize. Each is
// one changeStream call on an ACTIVE stream; encryption and record size changes put it UPDATING for the configured delay.
import type { RequestContext } from "../../types.ts";
import { checkMaxRecordSize } from "../domain/records.ts";
import { checkEnum } from "../domain/streams.ts";
import { arnOf } from "../domain/views.ts";
import { afterChange, findStream, type KinesisEnv, requireActive } from "../env.ts";
import { invalidArgument, limitExceeded, streamNotFound, validation } from "../errors.ts";
import type { StreamRecord, StreamSettings } from "../store.ts";

type Input = Record<string, unknown>;

/** Retention: 24 hours to 8,760 hours (365 days) (IncreaseStreamRetentionPeriod API reference). */
export const MIN_RETENTION_HOURS = 24;
export const MAX_RETENTION_HOURS = 8760;

async function change(env: KinesisEnv, stream: StreamRecord, decide: (s: StreamRecord) => Partial<StreamSettings>, updating: boolean): Promise<StreamRecord> {
  const now = env.clock.now();
  const changed = await env.store.changeStream(stream.id, now, (s) => {
    requireActive(s);
    const settings = decide(s);
    return { settings: updating ? { ...settings, ...afterChange(env, now) } : settings };
  });
  if (!changed) throw streamNotFound(stream.name, stream.account);
  if (changed.statusUntil !== undefined) env.statusChanged();
  return changed;
}

function checkRetention(hours: number): void {
  // The wording AWS answers (kinesalite records it) for a period under the minimum; over the maximum likewise.
  if (hours < MIN_RETENTION_HOURS) {
    throw invalidArgument(`Minimum allowed retention period is ${MIN_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too short.`);
  }
  if (hours > MAX_RETENTION_HOURS) {
    throw invalidArgument(`Maximum allowed retention period is ${MAX_RETENTION_HOURS} hours. Requested retention period (${hours} hours) is too long.`);
  }
}

export async function increaseStreamRetentionPeriod(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const hours = input.RetentionPeriodHours as number;
  checkRetention(hours);
  const stream = await findStream(env, ctx, input);
  await change(env, stream, (s) => {
    // "If you choose a value lower than the current retention period, … InvalidArgumentException" (API reference).
    if (hours < s.retentionHours) {
      throw invalidArgument(`Requested retention period (${hours} hours) for stream ${s.name} can not be shorter than existing retention period (${s.retentionHours} hours). Use DecreaseRetentionPeriod API.`);
    }
    return { retentionHours: hours };
  }, false);
  return {};
}

export async function decreaseStreamRetentionPeriod(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const hours = input.RetentionPeriodHours as number;
  checkRetention(hours);
  const stream = await findStream(env, ctx, input);
  await change(env, stream, (s) => {
    if (hours > s.retentionHours) {
      throw invalidArgument(`Requested retention period (${hours} hours) for stream ${s.name} can not be longer than existing retention period (${s.retentionHours} hours). Use IncreaseRetentionPeriod API.`);
    }
    return { retentionHours: hours };
  }, false);
  return {};
}

function checkKms(input: Input): string {
  const type = input.EncryptionType as string;
  checkEnum(type, "encryptionType", ["NONE", "KMS"]);
  // The only encryption type a stream can be switched to or from is KMS (StartStreamEncryption API reference).
  if (type !== "KMS") throw invalidArgument(`EncryptionType ${type} is not valid here: the only supported encryption type is KMS.`);
  const keyId = input.KeyId as string;
  if (keyId.length < 1 || keyId.length > 2048) throw validation(keyId, "keyId", "Member must have length less than or equal to 2048");
  return keyId;
}

const DAY_MS = 24 * 3_600_000;
/** "You can successfully apply a new AWS KMS key for server-side encryption 25 times in a rolling 24-hour period", and disable it as often (Start/StopStreamEncryption API references). */
const ENCRYPTION_CHANGES_PER_DAY = 25;

function recentOrRefuse(times: number[], now: number, what: string, stream: StreamRecord): number[] {
  const recent = times.filter((t) => t > now - DAY_MS);
  if (recent.length >= ENCRYPTION_CHANGES_PER_DAY) {
    throw limitExceeded(`${what} on stream ${stream.name} under account ${stream.account} has succeeded ${ENCRYPTION_CHANGES_PER_DAY} times in the last 24 hours; try again later.`);
  }
  return [...recent, now];
}

export async function startStreamEncryption(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const keyId = checkKms(input);
  const stream = await findStream(env, ctx, input);
  // Records are encrypted from then on; the stream is UPDATING meanwhile (StartStreamEncryption API reference). There
  // is no KMS here: the key id is kept and reported as given.
  await change(env, stream, (s) => ({ encryptionType: "KMS", keyId, encryptionStarts: recentOrRefuse(s.encryptionStarts, env.clock.now(), "StartStreamEncryption", s) }), true);
  return {};
}

export async function stopStreamEncryption(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const keyId = checkKms(input);
  const stream = await findStream(env, ctx, input);
  await change(env, stream, (s) => {
    if (s.encryptionType !== "KMS") throw invalidArgument(`Stream ${s.name} under account ${s.account} is not encrypted.`);
    if (s.keyId !== keyId) throw invalidArgument(`KeyId ${keyId} is not the key stream ${s.name} under account ${s.account} is encrypted with.`);
    return { encryptionType: "NONE", keyId: undefined, encryptionStops: recentOrRefuse(s.encryptionStops, env.clock.now(), "StopStreamEncryption", s) };
  }, true);
  return {};
}

/** The shard-level metrics (MetricsName enum, without ALL), in the order AWS lists them. */
const METRICS = ["IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"];

function requestedMetrics(input: Input): string[] {
  const list = input.ShardLevelMetrics as string[];
  // ShardLevelMetrics: 1–7 names (model constraint); "ALL" names every metric (EnableEnhancedMonitoring API reference).
  if (list.length < 1) throw validation("[]", "shardLevelMetrics", "Member must have length greater than or equal to 1");
  if (list.length > 7) throw validation(`[${list.join(", ")}]`, "shardLevelMetrics", "Member must have length less than or equal to 7");
  for (const [i, m] of list.entries()) checkEnum(m, `shardLevelMetrics.${i + 1}.member`, [...METRICS, "ALL"]);
  return list.includes("ALL") ? METRICS : list;
}

async function monitoring(env: KinesisEnv, ctx: RequestContext, input: Input, enable: boolean) {
  const metrics = requestedMetrics(input);
  const stream = await findStream(env, ctx, input);
  let before: string[] = [];
  const changed = await change(env, stream, (s) => {
    before = s.shardLevelMetrics;
    const set = new Set(s.shardLevelMetrics);
    for (const m of metrics) (enable ? set.add(m) : set.delete(m));
    return { shardLevelMetrics: METRICS.filter((m) => set.has(m)) };
  }, false);
  return { StreamName: changed.name, StreamARN: arnOf(changed), CurrentShardLevelMetrics: before, DesiredShardLevelMetrics: changed.shardLevelMetrics };
}

export const enableEnhancedMonitoring = (env: KinesisEnv, ctx: RequestContext, input: Input) => monitoring(env, ctx, input, true);
export const disableEnhancedMonitoring = (env: KinesisEnv, ctx: RequestContext, input: Input) => monitoring(env, ctx, input, false);

export async function updateMaxRecordSize(env: KinesisEnv, ctx: RequestContext, input: Input) {
  const kib = input.MaxRecordSizeInKiB as number;
  checkMaxRecordSize(kib);
  const stream = await findStream(env, ctx, input);
  await change(env, stream, () => ({ maxRecordSizeKiB: kib }), true);
  return {};
}
