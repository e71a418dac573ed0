// SQLite adapter of the Step Functions storage port. Writes go through SqliteDb.write (group commit); a step's
// position and its history events commit together, guarded by the execution's version.
import type {
  MapRunRecord,
  ActivityRecord, ExecutionRecord, ExecutionStatus, ExecutionUpdate, HistoryEventRecord, StateMachineRecord, StepFunctionsStore, TaskAnswer, TaskCompletion,
} from "../../services/stepfunctions/store.ts";
import type Database from "better-sqlite3";
import type { SqliteDb } from "./db.ts";
import { SqliteVersionAliasStore } from "./stepfunctions-versions.ts";
import {
  type ActivityRow, completionColumns, type ExecRow, historyEvents, historyRows, type MachineRow, type MapRunRow, type TaskRow, toActivity, toExecution, toMachine, toMapRun, toTask,
} from "../stepfunctions-rows.ts";

type Db = SqliteDb["db"];

export class SqliteStepFunctionsStore extends SqliteVersionAliasStore implements StepFunctionsStore {
  private readonly sql: SqliteDb;
  constructor(sql: SqliteDb) {
    super(sql);
    this.sql = sql;
  }
  /** Statements prepared once (better-sqlite3's prepare costs more than most of these statements' runs). */
  private readonly stmts = new Map<string, Database.Statement>();
  private p(sql: string): Database.Statement {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.sql.db.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st;
  }

  async createStateMachine(m: StateMachineRecord) {
    return this.sql.write((db) => {
      const existing = this.p("SELECT * FROM sfn_state_machines WHERE arn = ?").get(m.arn) as MachineRow | undefined;
      if (existing) return { machine: toMachine(existing), created: false };
      this.p("INSERT INTO sfn_state_machines (arn, account, region, name, definition, role_arn, type, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(m.arn, m.account, m.region, m.name, m.definition, m.roleArn, m.type, m.createdAt, JSON.stringify(m.tags));
      return { machine: m, created: true };
    });
  }

  async getStateMachine(arn: string) {
    const r = this.p("SELECT * FROM sfn_state_machines WHERE arn = ?").get(arn) as MachineRow | undefined;
    return r && toMachine(r);
  }

  async listStateMachines(account: string, region: string, after: string, limit: number) {
    const rows = this.p("SELECT * FROM sfn_state_machines WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?")
      .all(account, region, after, limit) as MachineRow[];
    return rows.map(toMachine);
  }

  async deleteStateMachine(arn: string) {
    await this.sql.write((db) => this.p("DELETE FROM sfn_state_machines WHERE arn = ?").run(arn));
  }

  async updateStateMachine(arn: string, u: { definition: string; roleArn: string; revisionId: string; updatedAt: number }) {
    return this.sql.write((db) => this.p("UPDATE sfn_state_machines SET definition = ?, role_arn = ?, revision_id = ?, updated_at = ? WHERE arn = ?")
      .run(u.definition, u.roleArn, u.revisionId, u.updatedAt, arn).changes === 1);
  }

  async setTags(arn: string, tags: [string, string][]) {
    return this.sql.write((db) => this.p("UPDATE sfn_state_machines SET tags = ? WHERE arn = ?").run(JSON.stringify(tags), arn).changes === 1);
  }

  async startExecution(e: ExecutionRecord, events: HistoryEventRecord[]) {
    return this.sql.write((db) => {
      const existing = this.p("SELECT * FROM sfn_executions WHERE arn = ?").get(e.arn) as ExecRow | undefined;
      if (existing) return { execution: toExecution(existing), created: false };
      this.p(`INSERT INTO sfn_executions (arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date,
          definition, role_arn, machine_updated_at, machine_revision_id, position, due_at, last_event_id, version, parent_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(e.arn, e.machineArn, e.name, e.status, e.input, e.output ?? null, e.error ?? null, e.cause ?? null, e.startDate,
          e.stopDate ?? null, e.definition, e.roleArn, e.machineUpdatedAt, e.machineRevisionId ?? null, JSON.stringify(e.position), e.position.dueAt ?? null, e.lastEventId, e.version, e.parentToken ?? null);
      this.insertEvents(db, e.arn, events);
      return { execution: e, created: true };
    });
  }

  private insertEvents(db: SqliteDb["db"], arn: string, events: HistoryEventRecord[]) {
    const ins = this.p("INSERT INTO sfn_history (execution_arn, id, body) VALUES (?, ?, ?)");
    for (const row of historyRows(events)) ins.run(arn, row.id, row.body);
  }

  async getExecution(arn: string) {
    const r = this.p("SELECT * FROM sfn_executions WHERE arn = ?").get(arn) as ExecRow | undefined;
    return r && toExecution(r);
  }

  async listExecutions(machineArn: string, status: ExecutionStatus | undefined, after: { startDate: number; arn: string } | undefined, limit: number, redriven?: boolean) {
    const c = after ?? { startDate: Number.MAX_SAFE_INTEGER, arn: "" };
    const r = redriven === undefined ? null : redriven ? 1 : 0;
    const rows = this.p(`SELECT * FROM sfn_executions WHERE machine_arn = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR (redrive_count > 0) = ?)
        AND (start_date < ? OR (start_date = ? AND arn < ?)) ORDER BY start_date DESC, arn DESC LIMIT ?`)
      .all(machineArn, status ?? null, status ?? null, r, r, c.startDate, c.startDate, after ? c.arn : "\uffff", limit) as ExecRow[];
    return rows.map(toExecution);
  }

  async advance(arn: string, version: number, u: ExecutionUpdate, events: HistoryEventRecord[]) {
    return this.sql.write((db) => {
      const r = this.p(`UPDATE sfn_executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ?, position = ?, due_at = ?,
          last_event_id = ?, version = version + 1 WHERE arn = ? AND version = ?`)
        .run(u.status, u.output ?? null, u.error ?? null, u.cause ?? null, u.stopDate ?? null, JSON.stringify(u.position),
          u.status === "RUNNING" ? (u.position.dueAt ?? null) : null, u.lastEventId, arn, version);
      if (r.changes === 0) return false;
      this.insertEvents(db, arn, events);
      if (u.updateMapRun) {
        const m = u.updateMapRun;
        this.p(`UPDATE sfn_map_runs SET max_concurrency = COALESCE(?, max_concurrency), tolerated_count = COALESCE(?, tolerated_count),
            tolerated_percentage = COALESCE(?, tolerated_percentage) WHERE arn = ?`).run(m.maxConcurrency ?? null, m.toleratedFailureCount ?? null, m.toleratedFailurePercentage ?? null, m.arn);
      }
      if (u.redrive) {
        this.p("UPDATE sfn_executions SET redrive_count = ?, redrive_date = ? WHERE arn = ?").run(u.redrive.count, u.redrive.date, arn);
        for (const run of u.redrive.mapRuns ?? []) this.p("UPDATE sfn_map_runs SET status = 'RUNNING', stop_date = NULL WHERE arn = ?").run(run);
      }
      const ins = this.p("INSERT INTO sfn_tasks (token, execution_arn, activity_arn, input, status, created_at) VALUES (?, ?, ?, ?, 'scheduled', ?)");
      for (const t of u.openTasks ?? []) ins.run(t.token, arn, t.activityArn ?? null, t.input, t.createdAt);
      const close = this.p("UPDATE sfn_tasks SET status = 'closed' WHERE token = ? AND status <> 'timed_out'");
      for (const t of u.closeTasks ?? []) close.run(t);
      const timedOut = this.p("UPDATE sfn_tasks SET status = 'timed_out' WHERE token = ?");
      for (const t of u.timedOutTasks ?? []) timedOut.run(t);
      // An ended execution's tasks are over: SendTask* on them answers TaskDoesNotExist (timed-out ones keep TaskTimedOut).
      if (u.status !== "RUNNING") this.p("UPDATE sfn_tasks SET status = 'closed' WHERE execution_arn = ? AND status NOT IN ('closed', 'timed_out')").run(arn);
      if (u.completeParent) this.complete(db, u.completeParent.token, u.completeParent.completion, u.completeParent.now);
      const run = this.p(`INSERT INTO sfn_map_runs (arn, execution_arn, child_machine_arn, status, start_date, stop_date, max_concurrency, tolerated_count, tolerated_percentage, total)
          VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)`);
      for (const m of u.openMapRuns ?? []) run.run(m.arn, m.executionArn, m.childMachineArn, m.status, m.startDate, m.maxConcurrency, m.toleratedFailureCount, m.toleratedFailurePercentage, m.total);
      const end = this.p("UPDATE sfn_map_runs SET status = ?, stop_date = ? WHERE arn = ? AND status = 'RUNNING'");
      for (const m of u.closeMapRuns ?? []) end.run(m.status, m.stopDate, m.arn);
      // An execution that ends ends its map runs that are still running.
      if (u.status !== "RUNNING") this.p("UPDATE sfn_map_runs SET status = 'ABORTED', stop_date = ? WHERE execution_arn = ? AND status = 'RUNNING'").run(u.stopDate ?? null, arn);
      return true;
    });
  }

  private complete(db: Db, token: string, c: TaskCompletion, now: number): TaskAnswer {
    const row = this.p("SELECT status, execution_arn FROM sfn_tasks WHERE token = ?").get(token) as { status: string; execution_arn: string } | undefined;
    if (!row) return "missing";
    if (row.status === "timed_out") return "timed_out";
    if (row.status !== "scheduled" && row.status !== "started") return "missing";
    this.p("UPDATE sfn_tasks SET status = ?, output = ?, error = ?, cause = ?, child = ? WHERE token = ?").run(...completionColumns(c), token);
    this.bump(db, row.execution_arn, now);
    return "ok";
  }

  /** Makes a running execution due now and moves its version (a step computed before this change is retried). */
  private bump(db: Db, arn: string, now: number) {
    this.p("UPDATE sfn_executions SET due_at = ?, version = version + 1 WHERE arn = ? AND status = 'RUNNING'").run(now, arn);
  }

  // One process per SQLite file (ADR 0003), and the scheduler never overlaps a registration's runs: nothing to lease.
  async leaseExecution(_arn: string, _owner: string, _now: number, _until: number) {
    return true;
  }

  async releaseExecution(_arn: string, _owner: string) {}

  async openTasks(executionArn: string) {
    const rows = this.p("SELECT * FROM sfn_tasks WHERE execution_arn = ? AND status <> 'closed'").all(executionArn) as TaskRow[];
    return rows.map(toTask);
  }

  async recordInvocation(token: string, c: TaskCompletion | { status: "started" }, now: number) {
    await this.sql.write((db) => {
      if (c.status === "started") this.p("UPDATE sfn_tasks SET status = 'started', started_at = ? WHERE token = ? AND status = 'scheduled'").run(now, token);
      else this.p("UPDATE sfn_tasks SET status = ?, output = ?, error = ?, cause = ?, child = ?, started_at = ? WHERE token = ? AND status = 'scheduled'").run(...completionColumns(c), now, token);
    });
  }

  async completeTask(token: string, c: TaskCompletion, now: number) {
    return this.sql.write((db) => this.complete(db, token, c, now));
  }

  async heartbeatTask(token: string, now: number): Promise<TaskAnswer> {
    return this.sql.write((db) => {
      const row = this.p("SELECT status FROM sfn_tasks WHERE token = ?").get(token) as { status: string } | undefined;
      if (!row) return "missing";
      if (row.status === "timed_out") return "timed_out";
      if (row.status !== "scheduled" && row.status !== "started") return "missing";
      this.p("UPDATE sfn_tasks SET heartbeat_at = ? WHERE token = ?").run(now, token);
      return "ok";
    });
  }

  async claimActivityTask(activityArn: string, workerName: string | undefined, now: number) {
    return this.sql.write((db) => {
      const row = this.p("SELECT * FROM sfn_tasks WHERE activity_arn = ? AND status = 'scheduled' ORDER BY created_at, token LIMIT 1").get(activityArn) as TaskRow | undefined;
      if (!row) return undefined;
      this.p("UPDATE sfn_tasks SET status = 'started', worker_name = ?, started_at = ? WHERE token = ?").run(workerName ?? null, now, row.token);
      this.bump(db, row.execution_arn, now);
      return toTask({ ...row, status: "started", worker_name: workerName ?? null, started_at: now });
    });
  }

  async getMapRun(arn: string) {
    const r = this.p("SELECT * FROM sfn_map_runs WHERE arn = ?").get(arn) as MapRunRow | undefined;
    return r && toMapRun(r);
  }

  async listMapRuns(executionArn: string, after: string, limit: number): Promise<MapRunRecord[]> {
    const rows = this.p("SELECT * FROM sfn_map_runs WHERE execution_arn = ? AND arn > ? ORDER BY arn LIMIT ?").all(executionArn, after, limit) as MapRunRow[];
    return rows.map(toMapRun);
  }

  async statusCounts(machineArn: string) {
    const rows = this.p("SELECT status, COUNT(*) AS n FROM sfn_executions WHERE machine_arn = ? GROUP BY status").all(machineArn) as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async createActivity(a: ActivityRecord) {
    return this.sql.write((db) => {
      const existing = this.p("SELECT * FROM sfn_activities WHERE arn = ?").get(a.arn) as ActivityRow | undefined;
      if (existing) return { activity: toActivity(existing), created: false };
      this.p("INSERT INTO sfn_activities (arn, account, region, name, created_at, tags) VALUES (?, ?, ?, ?, ?, ?)").run(a.arn, a.account, a.region, a.name, a.createdAt, JSON.stringify(a.tags));
      return { activity: a, created: true };
    });
  }

  async getActivity(arn: string) {
    const r = this.p("SELECT * FROM sfn_activities WHERE arn = ?").get(arn) as ActivityRow | undefined;
    return r && toActivity(r);
  }

  async listActivities(account: string, region: string, after: string, limit: number) {
    const rows = this.p("SELECT * FROM sfn_activities WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?").all(account, region, after, limit) as ActivityRow[];
    return rows.map(toActivity);
  }

  async deleteActivity(arn: string) {
    await this.sql.write((db) => this.p("DELETE FROM sfn_activities WHERE arn = ?").run(arn));
  }

  async history(arn: string) {
    return historyEvents(this.p("SELECT body FROM sfn_history WHERE execution_arn = ? ORDER BY id").pluck().all(arn) as string[]);
  }

  async dueExecutions(now: number, limit: number) {
    return this.p("SELECT arn FROM sfn_executions WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?").pluck().all(now, limit) as string[];
  }

  async nextDue() {
    const v = this.p("SELECT MIN(due_at) FROM sfn_executions WHERE due_at IS NOT NULL").pluck().get() as number | null;
    return v === null ? undefined : Number(v);
  }

  async close() {
    await this.sql.close();
  }
}
