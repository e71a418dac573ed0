// PostgreSQL adapter of the Step Functions storage port. A step's position and its history events commit in one
// transaction, guarded by the execution's version (so of two nodes, one advances an execution at a time).
import type {
  MapRunRecord,
  ActivityRecord, ExecutionRecord, ExecutionStatus, ExecutionUpdate, HistoryEventRecord, StateMachineRecord, StepFunctionsStore, TaskAnswer, TaskCompletion,
} from "../../services/stepfunctions/store.ts";
import type { PgDb, Queryable } from "./db.ts";
import { PgVersionAliasStore } from "./stepfunctions-versions.ts";
import {
  type ActivityRow, completionColumns, type ExecRow, historyEvents, historyRows, type MachineRow, toExecution, toMachine, type TaskRow, toActivity, toTask, type MapRunRow, toMapRun,
} from "../stepfunctions-rows.ts";

/* eslint-disable @typescript-eslint/no-explicit-any */
async function insertEvents(c: Queryable, arn: string, events: HistoryEventRecord[]) {
  if (events.length === 0) return;
  const rows = historyRows(events);
  await c.query("INSERT INTO sfn_history (execution_arn, id, body) SELECT $1, * FROM unnest($2::bigint[], $3::text[])",
    [arn, rows.map((r) => r.id), rows.map((r) => r.body)]);
}

/** Makes a running execution due now and moves its version (a step computed before this change is retried). */
async function bump(c: Queryable, arn: string, now: number) {
  await c.query("UPDATE sfn_executions SET due_at = $1, version = version + 1 WHERE arn = $2 AND status = 'RUNNING'", [now, arn]);
}

async function complete(c: Queryable, token: string, comp: TaskCompletion, now: number): Promise<TaskAnswer> {
  const row = (await c.query("SELECT status, execution_arn FROM sfn_tasks WHERE token = $1 FOR UPDATE", [token])).rows[0] as { status: string; execution_arn: string } | undefined;
  if (!row) return "missing";
  if (row.status === "timed_out") return "timed_out";
  if (row.status !== "scheduled" && row.status !== "started") return "missing";
  await c.query("UPDATE sfn_tasks SET status = $1, output = $2, error = $3, cause = $4, child = $5 WHERE token = $6", [...completionColumns(comp), token]);
  await bump(c, row.execution_arn, now);
  return "ok";
}

export class PgStepFunctionsStore extends PgVersionAliasStore implements StepFunctionsStore {
  private readonly db: PgDb;
  constructor(db: PgDb) {
    super(db);
    this.db = db;
  }

  async createStateMachine(m: StateMachineRecord): Promise<{ machine: StateMachineRecord; created: boolean }> {
    const ins = await this.db.query(`INSERT INTO sfn_state_machines (arn, account, region, name, definition, role_arn, type, created_at, tags)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (arn) DO NOTHING`,
    [m.arn, m.account, m.region, m.name, m.definition, m.roleArn, m.type, m.createdAt, JSON.stringify(m.tags)]);
    if (ins.rowCount === 1) return { machine: m, created: true };
    const existing = await this.getStateMachine(m.arn);
    return existing ? { machine: existing, created: false } : this.createStateMachine(m);
  }

  async getStateMachine(arn: string) {
    const r = await this.db.query<MachineRow>("SELECT * FROM sfn_state_machines WHERE arn = $1", [arn]);
    return r.rows[0] && toMachine(r.rows[0]);
  }

  async listStateMachines(account: string, region: string, after: string, limit: number) {
    const r = await this.db.query<MachineRow>("SELECT * FROM sfn_state_machines WHERE account = $1 AND region = $2 AND arn COLLATE \"C\" > $3 ORDER BY arn COLLATE \"C\" LIMIT $4",
      [account, region, after, limit]);
    return r.rows.map(toMachine);
  }

  async deleteStateMachine(arn: string) {
    await this.db.query("DELETE FROM sfn_state_machines WHERE arn = $1", [arn]);
  }

  async updateStateMachine(arn: string, u: { definition: string; roleArn: string; revisionId: string; updatedAt: number }) {
    const r = await this.db.query("UPDATE sfn_state_machines SET definition = $1, role_arn = $2, revision_id = $3, updated_at = $4 WHERE arn = $5",
      [u.definition, u.roleArn, u.revisionId, u.updatedAt, arn]);
    return r.rowCount === 1;
  }

  async setTags(arn: string, tags: [string, string][]) {
    return (await this.db.query("UPDATE sfn_state_machines SET tags = $1 WHERE arn = $2", [JSON.stringify(tags), arn])).rowCount === 1;
  }

  async startExecution(e: ExecutionRecord, events: HistoryEventRecord[]) {
    const created = await this.db.tx(async (c) => {
      const r = await c.query(`INSERT INTO sfn_executions (arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date,
          definition, role_arn, machine_updated_at, machine_revision_id, position, due_at, last_event_id, version, parent_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
          ON CONFLICT (arn) DO NOTHING`,
      [e.arn, e.machineArn, e.name, e.status, e.input, e.output ?? null, e.error ?? null, e.cause ?? null, e.startDate,
        e.stopDate ?? null, e.definition, e.roleArn, e.machineUpdatedAt, e.machineRevisionId ?? null, JSON.stringify(e.position), e.position.dueAt ?? null, e.lastEventId, e.version, e.parentToken ?? null]);
      if (r.rowCount !== 1) return false;
      await insertEvents(c, e.arn, events);
      return true;
    });
    if (created) return { execution: e, created: true };
    return { execution: (await this.getExecution(e.arn))!, created: false };
  }

  async getExecution(arn: string) {
    const r = await this.db.query<ExecRow>("SELECT * FROM sfn_executions WHERE arn = $1", [arn]);
    return r.rows[0] && toExecution(r.rows[0]);
  }

  async listExecutions(machineArn: string, status: ExecutionStatus | undefined, after: { startDate: number; arn: string } | undefined, limit: number, redriven?: boolean) {
    const r = await this.db.query<ExecRow>(`SELECT * FROM sfn_executions WHERE machine_arn = $1 AND ($2::text IS NULL OR status = $2)
        AND ($3::bigint IS NULL OR start_date < $3 OR (start_date = $3 AND arn COLLATE "C" < $4)) AND ($6::boolean IS NULL OR (redrive_count > 0) = $6)
        ORDER BY start_date DESC, arn COLLATE "C" DESC LIMIT $5`,
    [machineArn, status ?? null, after?.startDate ?? null, after?.arn ?? "", limit, redriven ?? null]);
    return r.rows.map(toExecution);
  }

  async advance(arn: string, version: number, u: ExecutionUpdate, events: HistoryEventRecord[]) {
    return this.db.tx(async (c) => {
      const r = await c.query(`UPDATE sfn_executions SET status = $1, output = $2, error = $3, cause = $4, stop_date = $5, position = $6,
          due_at = $7, last_event_id = $8, version = version + 1 WHERE arn = $9 AND version = $10`,
      [u.status, u.output ?? null, u.error ?? null, u.cause ?? null, u.stopDate ?? null, JSON.stringify(u.position),
        u.status === "RUNNING" ? (u.position.dueAt ?? null) : null, u.lastEventId, arn, version]);
      if (r.rowCount !== 1) return false;
      await insertEvents(c, arn, events);
      if (u.updateMapRun) {
        const m = u.updateMapRun;
        await c.query(`UPDATE sfn_map_runs SET max_concurrency = COALESCE($1, max_concurrency), tolerated_count = COALESCE($2, tolerated_count),
            tolerated_percentage = COALESCE($3, tolerated_percentage) WHERE arn = $4`, [m.maxConcurrency ?? null, m.toleratedFailureCount ?? null, m.toleratedFailurePercentage ?? null, m.arn]);
      }
      if (u.redrive) {
        await c.query("UPDATE sfn_executions SET redrive_count = $1, redrive_date = $2 WHERE arn = $3", [u.redrive.count, u.redrive.date, arn]);
        if ((u.redrive.mapRuns ?? []).length > 0) await c.query("UPDATE sfn_map_runs SET status = 'RUNNING', stop_date = NULL WHERE arn = ANY($1::text[])", [u.redrive.mapRuns]);
      }
      const open = u.openTasks ?? [];
      if (open.length > 0) {
        await c.query(`INSERT INTO sfn_tasks (token, execution_arn, activity_arn, input, status, created_at)
            SELECT t, $1, a, i, 'scheduled', at FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS x(t, a, i, at)`,
        [arn, open.map((t) => t.token), open.map((t) => t.activityArn ?? null), open.map((t) => t.input), open.map((t) => t.createdAt)]);
      }
      if ((u.closeTasks ?? []).length > 0) await c.query("UPDATE sfn_tasks SET status = 'closed' WHERE token = ANY($1::text[]) AND status <> 'timed_out'", [u.closeTasks]);
      if ((u.timedOutTasks ?? []).length > 0) await c.query("UPDATE sfn_tasks SET status = 'timed_out' WHERE token = ANY($1::text[])", [u.timedOutTasks]);
      // An ended execution's tasks are over: SendTask* on them answers TaskDoesNotExist (timed-out ones keep TaskTimedOut).
      if (u.status !== "RUNNING") await c.query("UPDATE sfn_tasks SET status = 'closed' WHERE execution_arn = $1 AND status NOT IN ('closed', 'timed_out')", [arn]);
      if (u.completeParent) await complete(c, u.completeParent.token, u.completeParent.completion, u.completeParent.now);
      for (const m of u.openMapRuns ?? []) {
        await c.query(`INSERT INTO sfn_map_runs (arn, execution_arn, child_machine_arn, status, start_date, stop_date, max_concurrency, tolerated_count, tolerated_percentage, total)
            VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)`,
        [m.arn, m.executionArn, m.childMachineArn, m.status, m.startDate, m.maxConcurrency, m.toleratedFailureCount, m.toleratedFailurePercentage, m.total]);
      }
      for (const m of u.closeMapRuns ?? []) await c.query("UPDATE sfn_map_runs SET status = $1, stop_date = $2 WHERE arn = $3 AND status = 'RUNNING'", [m.status, m.stopDate, m.arn]);
      // An execution that ends ends its map runs that are still running.
      if (u.status !== "RUNNING") await c.query("UPDATE sfn_map_runs SET status = 'ABORTED', stop_date = $1 WHERE execution_arn = $2 AND status = 'RUNNING'", [u.stopDate ?? null, arn]);
      return true;
    });
  }

  async leaseExecution(arn: string, owner: string, now: number, until: number) {
    const r = await this.db.query("UPDATE sfn_executions SET lease_owner = $1, lease_until = $2 WHERE arn = $3 AND (lease_until IS NULL OR lease_until <= $4 OR lease_owner = $1)",
      [owner, until, arn, now]);
    return r.rowCount === 1;
  }

  async releaseExecution(arn: string, owner: string) {
    await this.db.query("UPDATE sfn_executions SET lease_owner = NULL, lease_until = NULL WHERE arn = $1 AND lease_owner = $2", [arn, owner]);
  }

  async openTasks(executionArn: string) {
    const r = await this.db.query<TaskRow>("SELECT * FROM sfn_tasks WHERE execution_arn = $1 AND status <> 'closed'", [executionArn]);
    return r.rows.map(toTask);
  }

  async recordInvocation(token: string, c: TaskCompletion | { status: "started" }, now: number) {
    if (c.status === "started") await this.db.query("UPDATE sfn_tasks SET status = 'started', started_at = $1 WHERE token = $2 AND status = 'scheduled'", [now, token]);
    else await this.db.query("UPDATE sfn_tasks SET status = $1, output = $2, error = $3, cause = $4, child = $5, started_at = $6 WHERE token = $7 AND status = 'scheduled'", [...completionColumns(c), now, token]);
  }

  async completeTask(token: string, c: TaskCompletion, now: number) {
    return this.db.tx((q) => complete(q, token, c, now));
  }

  async heartbeatTask(token: string, now: number): Promise<TaskAnswer> {
    const r = await this.db.query("UPDATE sfn_tasks SET heartbeat_at = $1 WHERE token = $2 AND status IN ('scheduled', 'started')", [now, token]);
    if (r.rowCount === 1) return "ok";
    const row = await this.db.query("SELECT status FROM sfn_tasks WHERE token = $1", [token]);
    return row.rows[0]?.status === "timed_out" ? "timed_out" : "missing";
  }

  async claimActivityTask(activityArn: string, workerName: string | undefined, now: number) {
    return this.db.tx(async (c) => {
      // SKIP LOCKED: two workers polling at once take different tasks; each task goes to one worker.
      const r = await c.query<TaskRow>(`UPDATE sfn_tasks SET status = 'started', worker_name = $1, started_at = $2 WHERE token = (
          SELECT token FROM sfn_tasks WHERE activity_arn = $3 AND status = 'scheduled' ORDER BY created_at, token LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING *`, [workerName ?? null, now, activityArn]);
      const row = r.rows[0];
      if (!row) return undefined;
      await bump(c, row.execution_arn, now);
      return toTask(row);
    });
  }

  async getMapRun(arn: string) {
    const r = await this.db.query<MapRunRow>("SELECT * FROM sfn_map_runs WHERE arn = $1", [arn]);
    return r.rows[0] && toMapRun(r.rows[0]);
  }

  async listMapRuns(executionArn: string, after: string, limit: number): Promise<MapRunRecord[]> {
    const r = await this.db.query<MapRunRow>("SELECT * FROM sfn_map_runs WHERE execution_arn = $1 AND arn COLLATE \"C\" > $2 ORDER BY arn COLLATE \"C\" LIMIT $3", [executionArn, after, limit]);
    return r.rows.map(toMapRun);
  }

  async statusCounts(machineArn: string) {
    const r = await this.db.query("SELECT status, COUNT(*) AS n FROM sfn_executions WHERE machine_arn = $1 GROUP BY status", [machineArn]);
    return Object.fromEntries(r.rows.map((row) => [row.status as string, Number(row.n)]));
  }

  async createActivity(a: ActivityRecord): Promise<{ activity: ActivityRecord; created: boolean }> {
    const ins = await this.db.query("INSERT INTO sfn_activities (arn, account, region, name, created_at, tags) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (arn) DO NOTHING",
      [a.arn, a.account, a.region, a.name, a.createdAt, JSON.stringify(a.tags)]);
    if (ins.rowCount === 1) return { activity: a, created: true };
    const existing = await this.getActivity(a.arn);
    return existing ? { activity: existing, created: false } : this.createActivity(a);
  }

  async getActivity(arn: string) {
    const r = await this.db.query<ActivityRow>("SELECT * FROM sfn_activities WHERE arn = $1", [arn]);
    return r.rows[0] && toActivity(r.rows[0]);
  }

  async listActivities(account: string, region: string, after: string, limit: number) {
    const r = await this.db.query<ActivityRow>("SELECT * FROM sfn_activities WHERE account = $1 AND region = $2 AND arn COLLATE \"C\" > $3 ORDER BY arn COLLATE \"C\" LIMIT $4",
      [account, region, after, limit]);
    return r.rows.map(toActivity);
  }

  async deleteActivity(arn: string) {
    await this.db.query("DELETE FROM sfn_activities WHERE arn = $1", [arn]);
  }

  async history(arn: string) {
    const r = await this.db.query("SELECT body FROM sfn_history WHERE execution_arn = $1 ORDER BY id", [arn]);
    return historyEvents(r.rows.map((row) => row.body as string));
  }

  async dueExecutions(now: number, limit: number) {
    const r = await this.db.query("SELECT arn FROM sfn_executions WHERE due_at IS NOT NULL AND due_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) ORDER BY due_at LIMIT $2", [now, limit]);
    return r.rows.map((row) => row.arn as string);
  }

  async nextDue() {
    const r = await this.db.query("SELECT MIN(GREATEST(due_at, COALESCE(lease_until, 0))) AS d FROM sfn_executions WHERE due_at IS NOT NULL");
    const v = r.rows[0]?.d;
    return v === null || v === undefined ? undefined : Number(v);
  }

  async close() {
    await this.db.close();
  }
}
