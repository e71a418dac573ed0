// PostgreSQL adapter of the Step Functions storage port. A step's position and its history events commit in one
// transaction, guarded by the execution's version (so of two nodes, one advances an execution at a time).
import type {
  ExecutionRecord, ExecutionStatus, ExecutionUpdate, HistoryEventRecord, StateMachineRecord, StepFunctionsStore,
} from "../../services/stepfunctions/store.ts";
import type { PgDb, Queryable } from "./db.ts";
import { PgVersionAliasStore } from "./stepfunctions-versions.ts";
import { type ExecRow, type MachineRow, toExecution, toMachine } from "../stepfunctions-rows.ts";

/* eslint-disable @typescript-eslint/no-explicit-any */
async function insertEvents(c: Queryable, arn: string, events: HistoryEventRecord[]) {
  if (events.length === 0) return;
  await c.query("INSERT INTO sfn_history (execution_arn, id, body) SELECT $1, * FROM unnest($2::bigint[], $3::text[])",
    [arn, events.map((e) => e.id), events.map((e) => JSON.stringify(e))]);
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
          definition, role_arn, machine_updated_at, machine_revision_id, position, due_at, last_event_id, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
          ON CONFLICT (arn) DO NOTHING`,
      [e.arn, e.machineArn, e.name, e.status, e.input, e.output ?? null, e.error ?? null, e.cause ?? null, e.startDate,
        e.stopDate ?? null, e.definition, e.roleArn, e.machineUpdatedAt, e.machineRevisionId ?? null, JSON.stringify(e.position), e.position.dueAt ?? null, e.lastEventId, e.version]);
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

  async listExecutions(machineArn: string, status: ExecutionStatus | undefined, after: { startDate: number; arn: string } | undefined, limit: number) {
    const r = await this.db.query<ExecRow>(`SELECT * FROM sfn_executions WHERE machine_arn = $1 AND ($2::text IS NULL OR status = $2)
        AND ($3::bigint IS NULL OR start_date < $3 OR (start_date = $3 AND arn COLLATE "C" < $4)) ORDER BY start_date DESC, arn COLLATE "C" DESC LIMIT $5`,
    [machineArn, status ?? null, after?.startDate ?? null, after?.arn ?? "", limit]);
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
      return true;
    });
  }

  async history(arn: string) {
    const r = await this.db.query("SELECT body FROM sfn_history WHERE execution_arn = $1 ORDER BY id", [arn]);
    return r.rows.map((row) => JSON.parse(row.body) as HistoryEventRecord);
  }

  async dueExecutions(now: number, limit: number) {
    const r = await this.db.query("SELECT arn FROM sfn_executions WHERE due_at IS NOT NULL AND due_at <= $1 ORDER BY due_at LIMIT $2", [now, limit]);
    return r.rows.map((row) => row.arn as string);
  }

  async nextDue() {
    const r = await this.db.query("SELECT MIN(due_at) AS d FROM sfn_executions WHERE due_at IS NOT NULL");
    const v = r.rows[0]?.d;
    return v === null || v === undefined ? undefined : Number(v);
  }

  async close() {
    await this.db.close();
  }
}
