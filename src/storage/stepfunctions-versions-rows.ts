// Row shapes of Step Functions' version and alias tables (migration 0003) and their mapping to records, shared by
// the SQLite and PostgreSQL adapters.
import type { AliasRecord, VersionRecord } from "../services/stepfunctions/store.ts";

export interface VersionRow {
  arn: string; machine_arn: string; version: number; definition: string; role_arn: string; type: string; description: string | null;
  revision_key: string; revision_id: string | null; created_at: number; logging: string | null; tracing: string | null;
}
export interface AliasRow {
  arn: string; machine_arn: string; name: string; description: string | null; routing: string; created_at: number; updated_at: number;
}

export function toVersion(r: VersionRow): VersionRecord {
  const v: VersionRecord = {
    arn: r.arn, machineArn: r.machine_arn, version: Number(r.version), definition: r.definition, roleArn: r.role_arn, type: r.type,
    revisionKey: r.revision_key, createdAt: Number(r.created_at),
  };
  if (r.description !== null) v.description = r.description;
  if (r.revision_id !== null) v.revisionId = r.revision_id;
  if (r.logging !== null) v.logging = r.logging;
  if (r.tracing !== null) v.tracing = r.tracing;
  return v;
}

export function toAlias(r: AliasRow): AliasRecord {
  const a: AliasRecord = {
    arn: r.arn, machineArn: r.machine_arn, name: r.name, routing: JSON.parse(r.routing), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
  if (r.description !== null) a.description = r.description;
  return a;
}
