// The Schema Registry store on SQLite: each change is one write of the group commit (SqliteDb.write), reads go to the
// database directly. A version is added with the schema row's counters in the same write.
import type Database from "better-sqlite3";
import type {
  AddMode, AddOutcome, CodeBindingRecord, DiscovererRecord, NewVersion, Page, PolicyRecord, RegistryRecord, SchemaKey, SchemaRecord, SchemasStore,
  Scope, VersionRecord,
} from "../../services/schemas/store.ts";
import { likeEscape, type Row, toBinding, toDiscoverer, toPolicy, toRegistry, toSchema, toVersion } from "../schemas-rows.ts";
import type { SqliteDb } from "./db.ts";

function prepare(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  const S = "account = ? AND region = ?";
  const K = `${S} AND registry = ? AND name = ?`;
  return {
    insertRegistry: p("INSERT INTO schemas_registries (account, region, name, description, tags) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"),
    registry: p(`SELECT * FROM schemas_registries WHERE ${S} AND name = ?`),
    updateRegistry: p(`UPDATE schemas_registries SET description = ? WHERE ${S} AND name = ?`),
    registryTags: p(`UPDATE schemas_registries SET tags = ? WHERE ${S} AND name = ?`),
    deleteRegistry: p(`DELETE FROM schemas_registries WHERE ${S} AND name = ?`),
    deleteRegistrySchemas: p(`DELETE FROM schemas_schemas WHERE ${S} AND registry = ?`),
    deleteRegistryVersions: p(`DELETE FROM schemas_versions WHERE ${S} AND registry = ?`),
    deleteRegistryBindings: p(`DELETE FROM schemas_code_bindings WHERE ${S} AND registry = ?`),
    deleteRegistryPolicy: p(`DELETE FROM schemas_policies WHERE ${S} AND registry = ?`),
    registries: p(`SELECT * FROM schemas_registries WHERE ${S} AND name LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?`),
    schema: p(`SELECT * FROM schemas_schemas WHERE ${K}`),
    insertSchema: p(
      "INSERT INTO schemas_schemas (account, region, registry, name, description, type, tags, latest, version_count, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1, ?)",
    ),
    bumpSchema: p(`UPDATE schemas_schemas SET description = ?, type = ?, latest = ?, version_count = version_count + 1, last_modified = ? WHERE ${K}`),
    schemaTags: p(`UPDATE schemas_schemas SET tags = ? WHERE ${K}`),
    schemaDescription: p(`UPDATE schemas_schemas SET description = ?, last_modified = ? WHERE ${K}`),
    insertVersion: p("INSERT INTO schemas_versions (account, region, registry, name, version, type, content, fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    version: p(`SELECT * FROM schemas_versions WHERE ${K} AND version = ?`),
    versions: p(`SELECT * FROM schemas_versions WHERE ${K} AND version > ? ORDER BY version LIMIT ?`),
    versionNumbers: p(`SELECT version, type, created_at FROM schemas_versions WHERE ${K} ORDER BY version`),
    schemas: p(`SELECT * FROM schemas_schemas WHERE ${S} AND registry = ? AND name LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?`),
    search: p(`SELECT * FROM schemas_schemas WHERE ${S} AND registry = ? AND lower(name) LIKE ? ESCAPE '\\' AND name > ? ORDER BY name LIMIT ?`),
    deleteSchema: p(`DELETE FROM schemas_schemas WHERE ${K}`),
    deleteVersions: p(`DELETE FROM schemas_versions WHERE ${K}`),
    deleteBindings: p(`DELETE FROM schemas_code_bindings WHERE ${K}`),
    deleteVersion: p(`DELETE FROM schemas_versions WHERE ${K} AND version = ?`),
    deleteVersionBindings: p(`DELETE FROM schemas_code_bindings WHERE ${K} AND version = ?`),
    dropCount: p(`UPDATE schemas_schemas SET version_count = version_count - 1 WHERE ${K}`),
    putBinding: p(
      `INSERT INTO schemas_code_bindings (account, region, registry, name, version, language, status, created_at, last_modified, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, registry, name, version, language) DO UPDATE SET status = excluded.status, last_modified = excluded.last_modified, source = excluded.source`,
    ),
    binding: p(`SELECT * FROM schemas_code_bindings WHERE ${K} AND version = ? AND language = ?`),
    insertDiscoverer: p(
      "INSERT INTO schemas_discoverers (account, region, id, source_arn, description, state, cross_account, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    discoverer: p(`SELECT * FROM schemas_discoverers WHERE ${S} AND id = ?`),
    saveDiscoverer: p(`UPDATE schemas_discoverers SET description = ?, state = ?, cross_account = ?, tags = ? WHERE ${S} AND id = ?`),
    deleteDiscoverer: p(`DELETE FROM schemas_discoverers WHERE ${S} AND id = ?`),
    discoverers: p(
      `SELECT * FROM schemas_discoverers WHERE ${S} AND id LIKE ? ESCAPE '\\' AND source_arn LIKE ? ESCAPE '\\' AND id > ? ORDER BY id LIMIT ?`,
    ),
    started: p("SELECT * FROM schemas_discoverers WHERE state = 'STARTED'"),
    policy: p(`SELECT * FROM schemas_policies WHERE ${S} AND registry = ?`),
    putPolicy: p(
      `INSERT INTO schemas_policies (account, region, registry, policy, revision) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, registry) DO UPDATE SET policy = excluded.policy, revision = excluded.revision`,
    ),
    deletePolicy: p(`DELETE FROM schemas_policies WHERE ${S} AND registry = ?`),
  };
}

const keyArgs = (k: SchemaKey) => [k.account, k.region, k.registry, k.name] as const;

function page<T>(rows: T[], limit: number, keyOf: (t: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: keyOf(items[items.length - 1]) };
}

export class SqliteSchemasStore implements SchemasStore {
  private readonly sql: SqliteDb;
  private readonly s: ReturnType<typeof prepare>;

  constructor(sql: SqliteDb) {
    this.sql = sql;
    this.s = prepare(sql.db);
  }

  createRegistry(r: RegistryRecord): Promise<boolean> {
    return this.sql.write(() => this.s.insertRegistry.run(r.account, r.region, r.name, r.description ?? null, JSON.stringify(r.tags)).changes === 1);
  }

  async getRegistry(scope: Scope, name: string): Promise<RegistryRecord | undefined> {
    const row = this.s.registry.get(scope.account, scope.region, name) as Row | undefined;
    return row ? toRegistry(row) : undefined;
  }

  async updateRegistry(scope: Scope, name: string, description: string | undefined): Promise<RegistryRecord | undefined> {
    const changed = await this.sql.write(() => this.s.updateRegistry.run(description ?? null, scope.account, scope.region, name).changes === 1);
    return changed ? this.getRegistry(scope, name) : undefined;
  }

  deleteRegistry(scope: Scope, name: string): Promise<boolean> {
    return this.sql.write(() => {
      const a = [scope.account, scope.region, name] as const;
      if (this.s.deleteRegistry.run(...a).changes === 0) return false;
      this.s.deleteRegistrySchemas.run(...a);
      this.s.deleteRegistryVersions.run(...a);
      this.s.deleteRegistryBindings.run(...a);
      this.s.deleteRegistryPolicy.run(...a);
      return true;
    });
  }

  async listRegistries(scope: Scope, prefix: string, after: string, limit: number): Promise<Page<RegistryRecord>> {
    const rows = (this.s.registries.all(scope.account, scope.region, `${likeEscape(prefix)}%`, after, limit + 1) as Row[]).map(toRegistry);
    return page(rows, limit, (r) => r.name);
  }

  addVersion(key: SchemaKey, v: NewVersion, mode: AddMode, now: number): Promise<AddOutcome> {
    return this.sql.write((): AddOutcome => {
      const row = this.s.schema.get(...keyArgs(key)) as Row | undefined;
      if (row && mode === "create") return { outcome: "exists" };
      if (!row && mode === "update") return { outcome: "missing" };
      if (!row) {
        this.s.insertSchema.run(...keyArgs(key), v.description ?? null, v.type, JSON.stringify(v.tags ?? {}), now);
        this.s.insertVersion.run(...keyArgs(key), 1, v.type, v.content, v.fingerprint, now);
      } else {
        const schema = toSchema(row);
        const latest = this.s.version.get(...keyArgs(key), schema.latest) as Row | undefined;
        if (mode === "discover" && latest && String(latest.fingerprint) === v.fingerprint) {
          return { outcome: "unchanged", schema, version: toVersion(latest) };
        }
        const n = schema.latest + 1;
        this.s.bumpSchema.run(v.description === undefined ? schema.description ?? null : v.description, v.type, n, now, ...keyArgs(key));
        this.s.insertVersion.run(...keyArgs(key), n, v.type, v.content, v.fingerprint, now);
      }
      const schema = toSchema(this.s.schema.get(...keyArgs(key)) as Row);
      return { outcome: "added", schema, version: toVersion(this.s.version.get(...keyArgs(key), schema.latest) as Row) };
    });
  }

  async getSchema(key: SchemaKey): Promise<SchemaRecord | undefined> {
    const row = this.s.schema.get(...keyArgs(key)) as Row | undefined;
    return row ? toSchema(row) : undefined;
  }

  async getVersion(key: SchemaKey, version?: number): Promise<VersionRecord | undefined> {
    let n = version;
    if (n === undefined) {
      const s = await this.getSchema(key);
      if (!s) return undefined;
      n = s.latest;
    }
    const row = this.s.version.get(...keyArgs(key), n) as Row | undefined;
    return row ? toVersion(row) : undefined;
  }

  async listSchemas(scope: Scope, registry: string, prefix: string, after: string, limit: number): Promise<Page<SchemaRecord>> {
    const rows = (this.s.schemas.all(scope.account, scope.region, registry, `${likeEscape(prefix)}%`, after, limit + 1) as Row[]).map(toSchema);
    return page(rows, limit, (r) => r.name);
  }

  async listVersions(key: SchemaKey, after: number, limit: number): Promise<Page<VersionRecord>> {
    const rows = (this.s.versions.all(...keyArgs(key), after, limit + 1) as Row[]).map(toVersion);
    return page(rows, limit, (r) => String(r.version));
  }

  async searchSchemas(scope: Scope, registry: string, keyword: string, after: string, limit: number) {
    const rows = (this.s.search.all(scope.account, scope.region, registry, `%${likeEscape(keyword.toLowerCase())}%`, after, limit + 1) as Row[]).map(toSchema);
    const p = page(rows, limit, (r) => r.name);
    return {
      next: p.next,
      items: p.items.map((s) => ({
        ...s,
        versions: (this.s.versionNumbers.all(...keyArgs(s)) as Row[]).map((r) => ({ version: Number(r.version), type: String(r.type), createdAt: Number(r.created_at) })),
      })),
    };
  }

  deleteSchema(key: SchemaKey): Promise<boolean> {
    return this.sql.write(() => {
      if (this.s.deleteSchema.run(...keyArgs(key)).changes === 0) return false;
      this.s.deleteVersions.run(...keyArgs(key));
      this.s.deleteBindings.run(...keyArgs(key));
      return true;
    });
  }

  deleteVersion(key: SchemaKey, version: number): Promise<"deleted" | "missing" | "latest"> {
    return this.sql.write(() => {
      const row = this.s.schema.get(...keyArgs(key)) as Row | undefined;
      if (!row || !this.s.version.get(...keyArgs(key), version)) return "missing";
      const schema = toSchema(row);
      if (schema.latest === version) return "latest";
      this.s.deleteVersion.run(...keyArgs(key), version);
      this.s.deleteVersionBindings.run(...keyArgs(key), version);
      this.s.dropCount.run(...keyArgs(key));
      return "deleted";
    });
  }

  setSchemaTags(key: SchemaKey, tags: Record<string, string>): Promise<boolean> {
    return this.sql.write(() => this.s.schemaTags.run(JSON.stringify(tags), ...keyArgs(key)).changes === 1);
  }

  async setSchemaDescription(key: SchemaKey, description: string | undefined, now: number): Promise<SchemaRecord | undefined> {
    const changed = await this.sql.write(() => this.s.schemaDescription.run(description ?? null, now, ...keyArgs(key)).changes === 1);
    return changed ? this.getSchema(key) : undefined;
  }

  async putCodeBinding(b: CodeBindingRecord): Promise<void> {
    await this.sql.write(() => this.s.putBinding.run(...keyArgs(b), b.version, b.language, b.status, b.createdAt, b.lastModified, b.source ?? null));
  }

  async getCodeBinding(key: SchemaKey, version: number, language: string): Promise<CodeBindingRecord | undefined> {
    const row = this.s.binding.get(...keyArgs(key), version, language) as Row | undefined;
    return row ? toBinding(row) : undefined;
  }

  createDiscoverer(d: DiscovererRecord): Promise<boolean> {
    return this.sql.write(() =>
      this.s.insertDiscoverer.run(d.account, d.region, d.id, d.sourceArn, d.description ?? null, d.state, d.crossAccount ? 1 : 0, JSON.stringify(d.tags)).changes === 1);
  }

  async getDiscoverer(scope: Scope, id: string): Promise<DiscovererRecord | undefined> {
    const row = this.s.discoverer.get(scope.account, scope.region, id) as Row | undefined;
    return row ? toDiscoverer(row) : undefined;
  }

  updateDiscoverer(scope: Scope, id: string, change: { description?: string; crossAccount?: boolean; state?: "STARTED" | "STOPPED"; tags?: Record<string, string> }) {
    return this.sql.write((): DiscovererRecord | undefined => {
      const row = this.s.discoverer.get(scope.account, scope.region, id) as Row | undefined;
      if (!row) return undefined;
      const d = { ...toDiscoverer(row), ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as DiscovererRecord;
      this.s.saveDiscoverer.run(d.description ?? null, d.state, d.crossAccount ? 1 : 0, JSON.stringify(d.tags), scope.account, scope.region, id);
      return d;
    });
  }

  deleteDiscoverer(scope: Scope, id: string): Promise<boolean> {
    return this.sql.write(() => this.s.deleteDiscoverer.run(scope.account, scope.region, id).changes === 1);
  }

  async listDiscoverers(scope: Scope, idPrefix: string, sourcePrefix: string, after: string, limit: number): Promise<Page<DiscovererRecord>> {
    const rows = (this.s.discoverers.all(scope.account, scope.region, `${likeEscape(idPrefix)}%`, `${likeEscape(sourcePrefix)}%`, after, limit + 1) as Row[]).map(toDiscoverer);
    return page(rows, limit, (r) => r.id);
  }

  async startedDiscoverers(): Promise<DiscovererRecord[]> {
    return (this.s.started.all() as Row[]).map(toDiscoverer);
  }

  setRegistryTags(scope: Scope, name: string, tags: Record<string, string>): Promise<boolean> {
    return this.sql.write(() => this.s.registryTags.run(JSON.stringify(tags), scope.account, scope.region, name).changes === 1);
  }

  putPolicy(p: Omit<PolicyRecord, "revision">, expected: string | undefined, revision: string): Promise<PolicyRecord | undefined> {
    return this.sql.write(() => {
      const row = this.s.policy.get(p.account, p.region, p.registry) as Row | undefined;
      if (expected !== undefined && (!row || String(row.revision) !== expected)) return undefined;
      this.s.putPolicy.run(p.account, p.region, p.registry, p.policy, revision);
      return { ...p, revision };
    });
  }

  async getPolicy(scope: Scope, registry: string): Promise<PolicyRecord | undefined> {
    const row = this.s.policy.get(scope.account, scope.region, registry) as Row | undefined;
    return row ? toPolicy(row) : undefined;
  }

  deletePolicy(scope: Scope, registry: string): Promise<boolean> {
    return this.sql.write(() => this.s.deletePolicy.run(scope.account, scope.region, registry).changes === 1);
  }
}
