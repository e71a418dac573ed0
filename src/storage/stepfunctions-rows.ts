// Row shapes of Step Functions' tables and their mapping to records, shared by the SQLite and PostgreSQL adapters
// (PostgreSQL's BIGINTs arrive as numbers, db.ts; Number() keeps either backend's values numbers).
import type { ExecutionRecord, ExecutionStatus, StateMachineRecord } from "../services/stepfunctions/store.ts";

export interface MachineRow {
  arn: string; account: string; region: string; name: string; definition: string; role_arn: string; type: string; created_at: number; tags: string;
  revision_id: string | null; updated_at: number | null;
}
export interface ExecRow {
  arn: string; machine_arn: string; name: string; status: string; input: string; output: string | null; error: string | null;
  cause: string | null; start_date: number; stop_date: number | null; definition: string; role_arn: string; machine_updated_at: number; machine_revision_id: string | null; position: string;
  last_event_id: number; version: number;
}

export function toMachine(r: MachineRow): StateMachineRecord {
  return { arn: r.arn, account: r.account, region: r.region, name: r.name, definition: r.definition, roleArn: r.role_arn, type: r.type, createdAt: Number(r.created_at), tags: JSON.parse(r.tags),
    ...(r.revision_id === null ? {} : { revisionId: r.revision_id, updatedAt: Number(r.updated_at) }) };
}

export function toExecution(r: ExecRow): ExecutionRecord {
  const x: ExecutionRecord = {
    arn: r.arn, machineArn: r.machine_arn, name: r.name, status: r.status as ExecutionStatus, input: r.input,
    output: r.output ?? undefined, error: r.error ?? undefined, cause: r.cause ?? undefined, startDate: Number(r.start_date),
    stopDate: r.stop_date === null ? undefined : Number(r.stop_date), definition: r.definition, roleArn: r.role_arn, machineUpdatedAt: Number(r.machine_updated_at),
    position: JSON.parse(r.position), lastEventId: Number(r.last_event_id), version: Number(r.version),
  };
  if (r.machine_revision_id !== null) x.machineRevisionId = r.machine_revision_id;
  for (const k of ["output", "error", "cause", "stopDate"] as const) if (x[k] === undefined) delete x[k];
  return x;
}
