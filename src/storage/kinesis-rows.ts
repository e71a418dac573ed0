// Row shapes of Kinesis's tables and their mapping to records, shared by the SQLite and PostgreSQL adapters.
import type { ConsumerRecord, AccountUsage, ShardRecord, StreamRecord, StreamSettings } from "../services/kinesis/store.ts";

export interface StreamRow {
  id: number | string;
  account: string;
  region: string;
  name: string;
  mode: string;
  retention_hours: number;
  shard_count: number;
  created_at: number | string;
  status: string;
  status_until: number | string | null;
  encryption_type: string;
  key_id: string | null;
  shard_level_metrics: string;
  max_record_size_kib: number;
  tags: string;
  scalings: string;
  mode_changes: string;
  encryption_starts: string;
  encryption_stops: string;
}

export function toStream(r: StreamRow): StreamRecord {
  return {
    id: Number(r.id), account: r.account, region: r.region, name: r.name, mode: r.mode as StreamRecord["mode"],
    status: r.status as StreamRecord["status"], statusUntil: r.status_until === null ? undefined : Number(r.status_until),
    retentionHours: r.retention_hours, shardCount: r.shard_count, createdAt: Number(r.created_at),
    encryptionType: r.encryption_type as StreamRecord["encryptionType"], keyId: r.key_id ?? undefined,
    shardLevelMetrics: JSON.parse(r.shard_level_metrics) as string[], maxRecordSizeKiB: r.max_record_size_kib,
    tags: JSON.parse(r.tags) as Record<string, string>, scalings: JSON.parse(r.scalings) as number[],
    modeChanges: JSON.parse(r.mode_changes) as number[], encryptionStarts: JSON.parse(r.encryption_starts) as number[],
    encryptionStops: JSON.parse(r.encryption_stops) as number[],
  };
}

/** The settings columns in a fixed order, with their values for a stream (INSERT and UPDATE of the control plane). */
export const SETTINGS_COLUMNS = [
  "mode", "status", "status_until", "retention_hours", "encryption_type", "key_id", "shard_level_metrics", "max_record_size_kib",
  "tags", "scalings", "mode_changes", "encryption_starts", "encryption_stops",
] as const;

export function settingsValues(s: StreamSettings): (string | number | null)[] {
  return [
    s.mode, s.status, s.statusUntil ?? null, s.retentionHours, s.encryptionType, s.keyId ?? null, JSON.stringify(s.shardLevelMetrics),
    s.maxRecordSizeKiB, JSON.stringify(s.tags), JSON.stringify(s.scalings), JSON.stringify(s.modeChanges),
    JSON.stringify(s.encryptionStarts), JSON.stringify(s.encryptionStops),
  ];
}

export function settingsOf(s: StreamRecord): StreamSettings {
  return {
    mode: s.mode, status: s.status, statusUntil: s.statusUntil, retentionHours: s.retentionHours, encryptionType: s.encryptionType,
    keyId: s.keyId, shardLevelMetrics: s.shardLevelMetrics, maxRecordSizeKiB: s.maxRecordSizeKiB, tags: s.tags, scalings: s.scalings,
    modeChanges: s.modeChanges, encryptionStarts: s.encryptionStarts, encryptionStops: s.encryptionStops,
  };
}

export interface ShardRow {
  shard_index: number;
  start_hash_key: string;
  end_hash_key: string;
  last_counter: number | string;
  parent_index: number | null;
  adjacent_parent_index: number | null;
  opened_at: number | string;
  closed_at: number | string | null;
}

export const SHARD_COLUMNS = "shard_index, start_hash_key, end_hash_key, last_counter, parent_index, adjacent_parent_index, opened_at, closed_at";

export function toShard(r: ShardRow): ShardRecord {
  return {
    index: r.shard_index, startHashKey: r.start_hash_key, endHashKey: r.end_hash_key, lastCounter: Number(r.last_counter),
    parentIndex: r.parent_index ?? undefined, adjacentParentIndex: r.adjacent_parent_index ?? undefined,
    openedAt: Number(r.opened_at), closedAt: r.closed_at === null ? undefined : Number(r.closed_at),
  };
}

/** The account usage query's row (both backends): open shards and on-demand streams. */
export const USAGE_SQL = (p: (i: number) => string) =>
  `SELECT COALESCE(SUM(shard_count), 0) AS shards, COALESCE(SUM(CASE WHEN mode = 'ON_DEMAND' THEN 1 ELSE 0 END), 0) AS on_demand FROM kinesis_streams WHERE account = ${p(1)} AND region = ${p(2)}`;

export function toUsage(r: { shards: number | string; on_demand: number | string }): AccountUsage {
  return { openShards: Number(r.shards), onDemandStreams: Number(r.on_demand) };
}

export interface ConsumerRow {
  id: number | string;
  stream_id: number | string;
  name: string;
  created_at: number | string;
  active_at: number | string;
  deleting_at: number | string | null;
  gone_at: number | string | null;
}

/** (PostgreSQL answers BIGINT columns as strings.) */
export function toConsumer(r: ConsumerRow): ConsumerRecord {
  const c: ConsumerRecord = { id: Number(r.id), streamId: Number(r.stream_id), name: r.name, createdAt: Number(r.created_at), activeAt: Number(r.active_at) };
  if (r.deleting_at !== null) c.deletingAt = Number(r.deleting_at);
  if (r.gone_at !== null) c.goneAt = Number(r.gone_at);
  return c;
}
