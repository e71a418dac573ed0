// Row shapes of Kinesis's tables and their mapping to records, shared by the SQLite and PostgreSQL adapters.
import type { ConsumerRecord, StreamRecord } from "../services/kinesis/store.ts";

export interface StreamRow {
  id: number;
  account: string;
  region: string;
  name: string;
  mode: string;
  retention_hours: number;
  shard_count: number;
  created_at: number;
}

export function toStream(r: StreamRow): StreamRecord {
  return {
    id: r.id, account: r.account, region: r.region, name: r.name, mode: r.mode as StreamRecord["mode"], status: "ACTIVE",
    retentionHours: r.retention_hours, shardCount: r.shard_count, createdAt: r.created_at,
  };
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
