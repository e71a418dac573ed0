// PostgreSQL adapter of Step Functions' versions, aliases, machine settings, execution sources and .sync children
// (VersionAliasStore); the execution store extends it. Publishing and alias changes lock the machine's settings row
// (or its aliases) so two nodes never hand out one version number twice or route to a version being deleted.
import type { AliasRecord, MachineSettings, RoutingEntry, VersionAliasStore, VersionRecord } from "../../services/stepfunctions/store.ts";
import { type AliasRow, toAlias, toVersion, type VersionRow } from "../stepfunctions-versions-rows.ts";
import type { PgDb, Queryable } from "./db.ts";

async function versionsExist(c: Queryable, machineArn: string, routing: RoutingEntry[]): Promise<boolean> {
  const arns = routing.map((r) => r.stateMachineVersionArn);
  // FOR SHARE: a concurrent DeleteStateMachineVersion waits for this transaction (and then sees the alias).
  const r = await c.query("SELECT arn FROM sfn_versions WHERE machine_arn = $1 AND arn = ANY($2::text[]) FOR SHARE", [machineArn, arns]);
  return r.rows.length === new Set(arns).size;
}

async function lockMachine(c: Queryable, machineArn: string) {
  await c.query("INSERT INTO sfn_machine_settings (machine_arn) VALUES ($1) ON CONFLICT (machine_arn) DO NOTHING", [machineArn]);
  await c.query("SELECT 1 FROM sfn_machine_settings WHERE machine_arn = $1 FOR UPDATE", [machineArn]);
}

export class PgVersionAliasStore implements VersionAliasStore {
  protected readonly vdb: PgDb;
  constructor(db: PgDb) {
    this.vdb = db;
  }

  async setMachineSettings(machineArn: string, s: MachineSettings) {
    await this.vdb.query(`INSERT INTO sfn_machine_settings (machine_arn, logging, tracing) VALUES ($1, $2, $3)
        ON CONFLICT (machine_arn) DO UPDATE SET logging = excluded.logging, tracing = excluded.tracing`, [machineArn, s.logging ?? null, s.tracing ?? null]);
  }

  async getMachineSettings(machineArn: string) {
    const r = await this.vdb.query("SELECT logging, tracing FROM sfn_machine_settings WHERE machine_arn = $1", [machineArn]);
    const row = r.rows[0];
    return row && { logging: row.logging ?? undefined, tracing: row.tracing ?? undefined };
  }

  async publishVersion(v: Omit<VersionRecord, "arn" | "version">, max: number) {
    return this.vdb.tx(async (c) => {
      await lockMachine(c, v.machineArn);
      const newest = (await c.query<VersionRow>("SELECT * FROM sfn_versions WHERE machine_arn = $1 ORDER BY version DESC LIMIT 1", [v.machineArn])).rows[0];
      if (newest && newest.revision_key === v.revisionKey) return { version: toVersion(newest), created: false };
      const count = Number((await c.query("SELECT COUNT(*) AS n FROM sfn_versions WHERE machine_arn = $1", [v.machineArn])).rows[0].n);
      if (count >= max) return "limit" as const;
      const next = Number((await c.query("UPDATE sfn_machine_settings SET next_version = next_version + 1 WHERE machine_arn = $1 RETURNING next_version - 1 AS n", [v.machineArn])).rows[0].n);
      const record: VersionRecord = { ...v, arn: `${v.machineArn}:${next}`, version: next };
      await c.query(`INSERT INTO sfn_versions (arn, machine_arn, version, definition, role_arn, type, description, revision_key, revision_id, created_at, logging, tracing)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [record.arn, v.machineArn, next, v.definition, v.roleArn, v.type, v.description ?? null,
        v.revisionKey, v.revisionId ?? null, v.createdAt, v.logging ?? null, v.tracing ?? null]);
      return { version: record, created: true };
    });
  }

  async getVersion(arn: string) {
    const r = await this.vdb.query<VersionRow>("SELECT * FROM sfn_versions WHERE arn = $1", [arn]);
    return r.rows[0] && toVersion(r.rows[0]);
  }

  async listVersions(machineArn: string, below: number, limit: number) {
    const r = await this.vdb.query<VersionRow>("SELECT * FROM sfn_versions WHERE machine_arn = $1 AND version < $2 ORDER BY version DESC LIMIT $3", [machineArn, below, limit]);
    return r.rows.map(toVersion);
  }

  async deleteVersion(arn: string) {
    return this.vdb.tx(async (c) => {
      const v = (await c.query("SELECT machine_arn FROM sfn_versions WHERE arn = $1 FOR UPDATE", [arn])).rows[0];
      if (!v) return "deleted" as const;
      const aliases = await c.query("SELECT routing FROM sfn_aliases WHERE machine_arn = $1", [v.machine_arn]);
      if (aliases.rows.some((a) => (JSON.parse(a.routing) as RoutingEntry[]).some((r) => r.stateMachineVersionArn === arn))) return "referenced" as const;
      await c.query("DELETE FROM sfn_versions WHERE arn = $1", [arn]);
      return "deleted" as const;
    });
  }

  async createAlias(a: AliasRecord, max: number) {
    return this.vdb.tx(async (c) => {
      await lockMachine(c, a.machineArn);
      const existing = (await c.query<AliasRow>("SELECT * FROM sfn_aliases WHERE arn = $1", [a.arn])).rows[0];
      if (existing) return { alias: toAlias(existing), created: false };
      if (!(await versionsExist(c, a.machineArn, a.routing))) return "missing-version" as const;
      const count = Number((await c.query("SELECT COUNT(*) AS n FROM sfn_aliases WHERE machine_arn = $1", [a.machineArn])).rows[0].n);
      if (count >= max) return "limit" as const;
      await c.query("INSERT INTO sfn_aliases (arn, machine_arn, name, description, routing, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [a.arn, a.machineArn, a.name, a.description ?? null, JSON.stringify(a.routing), a.createdAt, a.updatedAt]);
      return { alias: a, created: true };
    });
  }

  async getAlias(arn: string) {
    const r = await this.vdb.query<AliasRow>("SELECT * FROM sfn_aliases WHERE arn = $1", [arn]);
    return r.rows[0] && toAlias(r.rows[0]);
  }

  async listAliases(machineArn: string, after: string, limit: number) {
    const r = await this.vdb.query<AliasRow>("SELECT * FROM sfn_aliases WHERE machine_arn = $1 AND arn COLLATE \"C\" > $2 ORDER BY arn COLLATE \"C\" LIMIT $3", [machineArn, after, limit]);
    return r.rows.map(toAlias);
  }

  async updateAlias(arn: string, u: { description?: string; routing?: RoutingEntry[]; updatedAt: number }) {
    return this.vdb.tx(async (c) => {
      const r = (await c.query<AliasRow>("SELECT * FROM sfn_aliases WHERE arn = $1 FOR UPDATE", [arn])).rows[0];
      if (!r) return false;
      if (u.routing && !(await versionsExist(c, r.machine_arn, u.routing))) return "missing-version" as const;
      await c.query("UPDATE sfn_aliases SET description = $1, routing = $2, updated_at = $3 WHERE arn = $4",
        [u.description !== undefined ? u.description : r.description, u.routing ? JSON.stringify(u.routing) : r.routing, u.updatedAt, arn]);
      return true;
    });
  }

  async deleteAlias(arn: string) {
    await this.vdb.query("DELETE FROM sfn_aliases WHERE arn = $1", [arn]);
  }

  async deleteMachineExtras(machineArn: string) {
    await this.vdb.tx(async (c) => {
      await c.query("DELETE FROM sfn_aliases WHERE machine_arn = $1", [machineArn]);
      await c.query("DELETE FROM sfn_versions WHERE machine_arn = $1", [machineArn]);
      await c.query("DELETE FROM sfn_machine_settings WHERE machine_arn = $1", [machineArn]);
    });
  }

  async setExecutionSource(executionArn: string, src: { versionArn?: string; aliasArn?: string }) {
    await this.vdb.query(`INSERT INTO sfn_execution_sources (execution_arn, version_arn, alias_arn) VALUES ($1, $2, $3)
        ON CONFLICT (execution_arn) DO UPDATE SET version_arn = excluded.version_arn, alias_arn = excluded.alias_arn`, [executionArn, src.versionArn ?? null, src.aliasArn ?? null]);
  }

  async getExecutionSource(executionArn: string) {
    const r = await this.vdb.query("SELECT version_arn, alias_arn FROM sfn_execution_sources WHERE execution_arn = $1", [executionArn]);
    const row = r.rows[0];
    return row && { versionArn: row.version_arn ?? undefined, aliasArn: row.alias_arn ?? undefined };
  }

  async linkChild(childArn: string, taskToken: string, pattern: "sync" | "sync:2") {
    await this.vdb.query(`INSERT INTO sfn_task_children (child_arn, task_token, pattern) VALUES ($1, $2, $3)
        ON CONFLICT (child_arn) DO UPDATE SET task_token = excluded.task_token, pattern = excluded.pattern`, [childArn, taskToken, pattern]);
  }

  async childLink(childArn: string) {
    const r = await this.vdb.query("SELECT task_token, pattern FROM sfn_task_children WHERE child_arn = $1", [childArn]);
    const row = r.rows[0];
    return row && { taskToken: row.task_token as string, pattern: row.pattern as "sync" | "sync:2" };
  }
}
