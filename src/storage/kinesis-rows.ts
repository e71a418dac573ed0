// Row shapes of Kinesis's tables and their mapping to records, shared by the SQLite and PostgreSQL adapters.
import type { StreamRecord } from "../services/kinesis/store.ts";

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
