// Row shapes of Step Functions' tables and their mapping to records, shared by the SQLite and PostgreSQL adapters
// (PostgreSQL's BIGINTs arrive as numbers, db.ts; Number() keeps either backend's values numbers).
import type {
  ActivityRecord, ExecutionRecord, ExecutionStatus, HistoryEventRecord, MapRunRecord, MapRunStatus, StateMachineRecord, TaskRecord, TaskStatus,
} from "../services/stepfunctions/store.ts";

/** A history row holds at most about this much JSON (a write's events are split into rows of this size). */
const HISTORY_ROW_CHARS = 1_048_576;

/**
 * The history rows of one write: its events together in as few rows as fit HISTORY_ROW_CHARS (a JSON array,
 * keyed by the first event's id; a lone event is stored as its object, as rows written before batching were), so
 * a step's 20 events cost one insert, not 20. `historyEvents` reads either form back.
 */
export function historyRows(events: HistoryEventRecord[]): { id: number; body: string }[] {
  if (events.length === 1) return [{ id: events[0].id, body: JSON.stringify(events[0]) }];
  const rows: { id: number; body: string }[] = [];
  let parts: string[] = [];
  let size = 0;
  let first = 0;
  for (const e of events) {
    const text = JSON.stringify(e);
    if (parts.length > 0 && size + text.length > HISTORY_ROW_CHARS) {
      rows.push({ id: first, body: parts.length === 1 ? parts[0] : `[${parts.join(",")}]` });
      parts = [];
      size = 0;
    }
    if (parts.length === 0) first = e.id;
    parts.push(text);
    size += text.length + 1;
  }
  if (parts.length > 0) rows.push({ id: first, body: parts.length === 1 ? parts[0] : `[${parts.join(",")}]` });
  return rows;
}

/** The events of history rows read in id order (a row is one event or an array of them). */
export function historyEvents(bodies: string[]): HistoryEventRecord[] {
  const out: HistoryEventRecord[] = [];
  for (const b of bodies) {
    const v = JSON.parse(b) as HistoryEventRecord | HistoryEventRecord[];
    if (Array.isArray(v)) for (const e of v) out.push(e);
    else out.push(v);
  }
  return out;
}

export interface MachineRow {
  arn: string; account: string; region: string; name: string; definition: string; role_arn: string; type: string; created_at: number; tags: string;
  revision_id: string | null; updated_at: number | null;
}
export interface ExecRow {
  arn: string; machine_arn: string; name: string; status: string; input: string; output: string | null; error: string | null;
  cause: string | null; start_date: number; stop_date: number | null; definition: string; role_arn: string; machine_updated_at: number; machine_revision_id: string | null; position: string; due_at: number | null;
  last_event_id: number; version: number; parent_token: string | null; redrive_count: number | null; redrive_date: number | null;
}
export interface TaskRow {
  token: string; execution_arn: string; activity_arn: string | null; input: string; status: string; output: string | null; error: string | null;
  cause: string | null; child: string | null; worker_name: string | null; started_at: number | null; heartbeat_at: number | null; created_at: number;
}
export interface ActivityRow { arn: string; account: string; region: string; name: string; created_at: number; tags: string }

export function toTask(r: TaskRow): TaskRecord {
  const t: TaskRecord = { token: r.token, executionArn: r.execution_arn, input: r.input, status: r.status as TaskStatus, createdAt: Number(r.created_at) };
  if (r.activity_arn !== null) t.activityArn = r.activity_arn;
  if (r.output !== null) t.output = r.output;
  if (r.error !== null) t.error = r.error;
  if (r.cause !== null) t.cause = r.cause;
  if (r.child !== null) t.child = r.child;
  if (r.worker_name !== null) t.workerName = r.worker_name;
  if (r.started_at !== null) t.startedAt = Number(r.started_at);
  if (r.heartbeat_at !== null) t.heartbeatAt = Number(r.heartbeat_at);
  return t;
}

export function toActivity(r: ActivityRow): ActivityRecord {
  return { arn: r.arn, account: r.account, region: r.region, name: r.name, createdAt: Number(r.created_at), tags: JSON.parse(r.tags) };
}

/** The columns a completion writes: status, output, error, cause, child. */
export function completionColumns(c: { status: string; output?: string; error?: string; cause?: string; child?: string }): [string, string | null, string | null, string | null, string | null] {
  return [c.status, c.output ?? null, c.error ?? null, c.cause ?? null, c.child ?? null];
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
    // The due_at column can be earlier than the position's own due time: a completed task makes its execution due now.
    position: JSON.parse(r.position) as ExecutionRecord["position"], lastEventId: Number(r.last_event_id), version: Number(r.version),
  };
  // Set on the parsed object (a spread that adds a member is slow in V8; ADR 0034).
  if (r.status === "RUNNING") x.position.dueAt = r.due_at === null ? undefined : Number(r.due_at);
  if (r.machine_revision_id !== null) x.machineRevisionId = r.machine_revision_id;
  if (r.parent_token !== null && r.parent_token !== undefined) x.parentToken = r.parent_token;
  if (r.redrive_count) x.redriveCount = Number(r.redrive_count);
  if (r.redrive_date !== null && r.redrive_date !== undefined) x.redriveDate = Number(r.redrive_date);
  for (const k of ["output", "error", "cause", "stopDate"] as const) if (x[k] === undefined) delete x[k];
  return x;
}

export interface MapRunRow {
  arn: string; execution_arn: string; child_machine_arn: string; status: string; start_date: number; stop_date: number | null;
  max_concurrency: number; tolerated_count: number; tolerated_percentage: number; total: number;
}

export function toMapRun(r: MapRunRow): MapRunRecord {
  const m: MapRunRecord = {
    arn: r.arn, executionArn: r.execution_arn, childMachineArn: r.child_machine_arn, status: r.status as MapRunStatus, startDate: Number(r.start_date),
    maxConcurrency: Number(r.max_concurrency), toleratedFailureCount: Number(r.tolerated_count), toleratedFailurePercentage: Number(r.tolerated_percentage), total: Number(r.total),
  };
  if (r.stop_date !== null) m.stopDate = Number(r.stop_date);
  return m;
}
