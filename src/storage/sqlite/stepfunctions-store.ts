// SQLite adapter of the Step Functions storage port. Writes go through SqliteDb.write (group commit); a step's
// position and its history events commit together, guarded by the execution's version.
import type {
  ExecutionRecord, ExecutionStatus, ExecutionUpdate, HistoryEventRecord, StateMachineRecord, StepFunctionsStore,
} from "../../services/stepfunctions/store.ts";
import type { SqliteDb } from "./db.ts";
import { SqliteVersionAliasStore } from "./stepfunctions-versions.ts";
import { type ExecRow, type MachineRow, toExecution, toMachine } from "../stepfunctions-rows.ts";

export class SqliteStepFunctionsStore extends SqliteVersionAliasStore implements StepFunctionsStore {
  private readonly sql: SqliteDb;
  constructor(sql: SqliteDb) {
    super(sql);
    this.sql = sql;
  }
  private get db() {
    return this.sql.db;
  }

  async createStateMachine(m: StateMachineRecord) {
    return this.sql.write((db) => {
      const existing = db.prepare("SELECT * FROM sfn_state_machines WHERE arn = ?").get(m.arn) as MachineRow | undefined;
      if (existing) return { machine: toMachine(existing), created: false };
      db.prepare("INSERT INTO sfn_state_machines (arn, account, region, name, definition, role_arn, type, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(m.arn, m.account, m.region, m.name, m.definition, m.roleArn, m.type, m.createdAt, JSON.stringify(m.tags));
      return { machine: m, created: true };
    });
  }

  async getStateMachine(arn: string) {
    const r = this.db.prepare("SELECT * FROM sfn_state_machines WHERE arn = ?").get(arn) as MachineRow | undefined;
    return r && toMachine(r);
  }

  async listStateMachines(account: string, region: string, after: string, limit: number) {
    const rows = this.db.prepare("SELECT * FROM sfn_state_machines WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?")
      .all(account, region, after, limit) as MachineRow[];
    return rows.map(toMachine);
  }

  async deleteStateMachine(arn: string) {
    await this.sql.write((db) => db.prepare("DELETE FROM sfn_state_machines WHERE arn = ?").run(arn));
  }

  async updateStateMachine(arn: string, u: { definition: string; roleArn: string; revisionId: string; updatedAt: number }) {
    return this.sql.write((db) => db.prepare("UPDATE sfn_state_machines SET definition = ?, role_arn = ?, revision_id = ?, updated_at = ? WHERE arn = ?")
      .run(u.definition, u.roleArn, u.revisionId, u.updatedAt, arn).changes === 1);
  }

  async setTags(arn: string, tags: [string, string][]) {
    return this.sql.write((db) => db.prepare("UPDATE sfn_state_machines SET tags = ? WHERE arn = ?").run(JSON.stringify(tags), arn).changes === 1);
  }

  async startExecution(e: ExecutionRecord, events: HistoryEventRecord[]) {
    return this.sql.write((db) => {
      const existing = db.prepare("SELECT * FROM sfn_executions WHERE arn = ?").get(e.arn) as ExecRow | undefined;
      if (existing) return { execution: toExecution(existing), created: false };
      db.prepare(`INSERT INTO sfn_executions (arn, machine_arn, name, status, input, output, error, cause, start_date, stop_date,
          definition, role_arn, machine_updated_at, machine_revision_id, position, due_at, last_event_id, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(e.arn, e.machineArn, e.name, e.status, e.input, e.output ?? null, e.error ?? null, e.cause ?? null, e.startDate,
          e.stopDate ?? null, e.definition, e.roleArn, e.machineUpdatedAt, e.machineRevisionId ?? null, JSON.stringify(e.position), e.position.dueAt ?? null, e.lastEventId, e.version);
      this.insertEvents(db, e.arn, events);
      return { execution: e, created: true };
    });
  }

  private insertEvents(db: SqliteDb["db"], arn: string, events: HistoryEventRecord[]) {
    const ins = db.prepare("INSERT INTO sfn_history (execution_arn, id, body) VALUES (?, ?, ?)");
    for (const ev of events) ins.run(arn, ev.id, JSON.stringify(ev));
  }

  async getExecution(arn: string) {
    const r = this.db.prepare("SELECT * FROM sfn_executions WHERE arn = ?").get(arn) as ExecRow | undefined;
    return r && toExecution(r);
  }

  async listExecutions(machineArn: string, status: ExecutionStatus | undefined, after: { startDate: number; arn: string } | undefined, limit: number) {
    const c = after ?? { startDate: Number.MAX_SAFE_INTEGER, arn: "" };
    const rows = this.db.prepare(`SELECT * FROM sfn_executions WHERE machine_arn = ? AND (? IS NULL OR status = ?)
        AND (start_date < ? OR (start_date = ? AND arn < ?)) ORDER BY start_date DESC, arn DESC LIMIT ?`)
      .all(machineArn, status ?? null, status ?? null, c.startDate, c.startDate, after ? c.arn : "\uffff", limit) as ExecRow[];
    return rows.map(toExecution);
  }

  async advance(arn: string, version: number, u: ExecutionUpdate, events: HistoryEventRecord[]) {
    return this.sql.write((db) => {
      const r = db.prepare(`UPDATE sfn_executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ?, position = ?, due_at = ?,
          last_event_id = ?, version = version + 1 WHERE arn = ? AND version = ?`)
        .run(u.status, u.output ?? null, u.error ?? null, u.cause ?? null, u.stopDate ?? null, JSON.stringify(u.position),
          u.status === "RUNNING" ? (u.position.dueAt ?? null) : null, u.lastEventId, arn, version);
      if (r.changes === 0) return false;
      this.insertEvents(db, arn, events);
      return true;
    });
  }

  async history(arn: string) {
    const rows = this.db.prepare("SELECT body FROM sfn_history WHERE execution_arn = ? ORDER BY id").pluck().all(arn) as string[];
    return rows.map((b) => JSON.parse(b) as HistoryEventRecord);
  }

  async dueExecutions(now: number, limit: number) {
    return this.db.prepare("SELECT arn FROM sfn_executions WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?").pluck().all(now, limit) as string[];
  }

  async nextDue() {
    const v = this.db.prepare("SELECT MIN(due_at) FROM sfn_executions WHERE due_at IS NOT NULL").pluck().get() as number | null;
    return v === null ? undefined : Number(v);
  }

  async close() {
    await this.sql.close();
  }
}
