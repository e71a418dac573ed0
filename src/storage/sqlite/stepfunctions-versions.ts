// SQLite adapter of Step Functions' versions, aliases, machine settings, execution sources and .sync children
// (VersionAliasStore); the execution store extends it. Each method is one write through the group commit.
import type { AliasRecord, MachineSettings, RoutingEntry, VersionAliasStore, VersionRecord } from "../../services/stepfunctions/store.ts";
import { type AliasRow, toAlias, toVersion, type VersionRow } from "../stepfunctions-versions-rows.ts";
import type { SqliteDb } from "./db.ts";

type Db = SqliteDb["db"];

const versionsExist = (db: Db, machineArn: string, routing: RoutingEntry[]) =>
  routing.every((r) => db.prepare("SELECT 1 FROM sfn_versions WHERE arn = ? AND machine_arn = ?").get(r.stateMachineVersionArn, machineArn) !== undefined);

export class SqliteVersionAliasStore implements VersionAliasStore {
  protected readonly vsql: SqliteDb;
  constructor(sql: SqliteDb) {
    this.vsql = sql;
  }

  async setMachineSettings(machineArn: string, s: MachineSettings) {
    await this.vsql.write((db) => db.prepare(`INSERT INTO sfn_machine_settings (machine_arn, logging, tracing) VALUES (?, ?, ?)
        ON CONFLICT (machine_arn) DO UPDATE SET logging = excluded.logging, tracing = excluded.tracing`).run(machineArn, s.logging ?? null, s.tracing ?? null));
  }

  async getMachineSettings(machineArn: string) {
    const r = this.vsql.db.prepare("SELECT logging, tracing FROM sfn_machine_settings WHERE machine_arn = ?").get(machineArn) as { logging: string | null; tracing: string | null } | undefined;
    return r && { logging: r.logging ?? undefined, tracing: r.tracing ?? undefined };
  }

  async publishVersion(v: Omit<VersionRecord, "arn" | "version">, max: number) {
    return this.vsql.write((db) => {
      const newest = db.prepare("SELECT * FROM sfn_versions WHERE machine_arn = ? ORDER BY version DESC LIMIT 1").get(v.machineArn) as VersionRow | undefined;
      if (newest && newest.revision_key === v.revisionKey) return { version: toVersion(newest), created: false };
      const count = (db.prepare("SELECT COUNT(*) AS n FROM sfn_versions WHERE machine_arn = ?").get(v.machineArn) as { n: number }).n;
      if (count >= max) return "limit" as const;
      db.prepare("INSERT INTO sfn_machine_settings (machine_arn) VALUES (?) ON CONFLICT (machine_arn) DO NOTHING").run(v.machineArn);
      const next = (db.prepare("SELECT next_version AS n FROM sfn_machine_settings WHERE machine_arn = ?").get(v.machineArn) as { n: number }).n;
      db.prepare("UPDATE sfn_machine_settings SET next_version = ? WHERE machine_arn = ?").run(next + 1, v.machineArn);
      const record: VersionRecord = { ...v, arn: `${v.machineArn}:${next}`, version: next };
      db.prepare(`INSERT INTO sfn_versions (arn, machine_arn, version, definition, role_arn, type, description, revision_key, revision_id, created_at, logging, tracing)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(record.arn, v.machineArn, next, v.definition, v.roleArn, v.type, v.description ?? null, v.revisionKey,
        v.revisionId ?? null, v.createdAt, v.logging ?? null, v.tracing ?? null);
      return { version: record, created: true };
    });
  }

  async getVersion(arn: string) {
    const r = this.vsql.db.prepare("SELECT * FROM sfn_versions WHERE arn = ?").get(arn) as VersionRow | undefined;
    return r && toVersion(r);
  }

  async listVersions(machineArn: string, below: number, limit: number) {
    const rows = this.vsql.db.prepare("SELECT * FROM sfn_versions WHERE machine_arn = ? AND version < ? ORDER BY version DESC LIMIT ?").all(machineArn, below, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  async deleteVersion(arn: string) {
    return this.vsql.write((db) => {
      const aliases = db.prepare("SELECT routing FROM sfn_aliases WHERE machine_arn = (SELECT machine_arn FROM sfn_versions WHERE arn = ?)").all(arn) as { routing: string }[];
      if (aliases.some((a) => (JSON.parse(a.routing) as RoutingEntry[]).some((r) => r.stateMachineVersionArn === arn))) return "referenced" as const;
      db.prepare("DELETE FROM sfn_versions WHERE arn = ?").run(arn);
      return "deleted" as const;
    });
  }

  async createAlias(a: AliasRecord, max: number) {
    return this.vsql.write((db) => {
      const existing = db.prepare("SELECT * FROM sfn_aliases WHERE arn = ?").get(a.arn) as AliasRow | undefined;
      if (existing) return { alias: toAlias(existing), created: false };
      if (!versionsExist(db, a.machineArn, a.routing)) return "missing-version" as const;
      const count = (db.prepare("SELECT COUNT(*) AS n FROM sfn_aliases WHERE machine_arn = ?").get(a.machineArn) as { n: number }).n;
      if (count >= max) return "limit" as const;
      db.prepare("INSERT INTO sfn_aliases (arn, machine_arn, name, description, routing, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(a.arn, a.machineArn, a.name, a.description ?? null, JSON.stringify(a.routing), a.createdAt, a.updatedAt);
      return { alias: a, created: true };
    });
  }

  async getAlias(arn: string) {
    const r = this.vsql.db.prepare("SELECT * FROM sfn_aliases WHERE arn = ?").get(arn) as AliasRow | undefined;
    return r && toAlias(r);
  }

  async listAliases(machineArn: string, after: string, limit: number) {
    const rows = this.vsql.db.prepare("SELECT * FROM sfn_aliases WHERE machine_arn = ? AND arn > ? ORDER BY arn LIMIT ?").all(machineArn, after, limit) as AliasRow[];
    return rows.map(toAlias);
  }

  async updateAlias(arn: string, u: { description?: string; routing?: RoutingEntry[]; updatedAt: number }) {
    return this.vsql.write((db) => {
      const r = db.prepare("SELECT * FROM sfn_aliases WHERE arn = ?").get(arn) as AliasRow | undefined;
      if (!r) return false;
      if (u.routing && !versionsExist(db, r.machine_arn, u.routing)) return "missing-version" as const;
      db.prepare("UPDATE sfn_aliases SET description = ?, routing = ?, updated_at = ? WHERE arn = ?")
        .run(u.description !== undefined ? u.description : r.description, u.routing ? JSON.stringify(u.routing) : r.routing, u.updatedAt, arn);
      return true;
    });
  }

  async deleteAlias(arn: string) {
    await this.vsql.write((db) => db.prepare("DELETE FROM sfn_aliases WHERE arn = ?").run(arn));
  }

  async deleteMachineExtras(machineArn: string) {
    await this.vsql.write((db) => {
      db.prepare("DELETE FROM sfn_aliases WHERE machine_arn = ?").run(machineArn);
      db.prepare("DELETE FROM sfn_versions WHERE machine_arn = ?").run(machineArn);
      db.prepare("DELETE FROM sfn_machine_settings WHERE machine_arn = ?").run(machineArn);
    });
  }

  async setExecutionSource(executionArn: string, src: { versionArn?: string; aliasArn?: string }) {
    await this.vsql.write((db) => db.prepare("INSERT OR REPLACE INTO sfn_execution_sources (execution_arn, version_arn, alias_arn) VALUES (?, ?, ?)")
      .run(executionArn, src.versionArn ?? null, src.aliasArn ?? null));
  }

  async getExecutionSource(executionArn: string) {
    const r = this.vsql.db.prepare("SELECT version_arn, alias_arn FROM sfn_execution_sources WHERE execution_arn = ?").get(executionArn) as { version_arn: string | null; alias_arn: string | null } | undefined;
    return r && { versionArn: r.version_arn ?? undefined, aliasArn: r.alias_arn ?? undefined };
  }

  async linkChild(childArn: string, taskToken: string, pattern: "sync" | "sync:2") {
    await this.vsql.write((db) => db.prepare("INSERT OR REPLACE INTO sfn_task_children (child_arn, task_token, pattern) VALUES (?, ?, ?)").run(childArn, taskToken, pattern));
  }

  async childLink(childArn: string) {
    const r = this.vsql.db.prepare("SELECT task_token, pattern FROM sfn_task_children WHERE child_arn = ?").get(childArn) as { task_token: string; pattern: "sync" | "sync:2" } | undefined;
    return r && { taskToken: r.task_token, pattern: r.pattern };
  }
}
