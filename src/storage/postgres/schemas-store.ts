// The Schema Registry store on PostgreSQL: the same port as SQLite's, each change one transaction. A new version
// locks its schema row (FOR UPDATE), so versions of one schema are numbered without gaps or duplicates whichever node
// adds them; a schema created by two nodes at once is one row (ON CONFLICT), the loser adding the next version.
import type {
  AddMode, AddOutcome, CodeBindingRecord, DiscovererRecord, NewVersion, Page, PolicyRecord, RegistryRecord, SchemaKey, SchemaRecord, SchemasStore,
  Scope, VersionRecord,
} from "../../services/schemas/store.ts";
import { likeEscape, type Row, toBinding, toDiscoverer, toPolicy, toRegistry, toSchema, toVersion } from "../schemas-rows.ts";
import type { PgDb, Queryable } from "./db.ts";

const K = "account = $1 AND region = $2 AND registry = $3 AND name = $4";
const keyArgs = (k: SchemaKey) => [k.account, k.region, k.registry, k.name];

function page<T>(rows: T[], limit: number, keyOf: (t: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: keyOf(items[items.length - 1]) };
}

export class PgSchemasStore implements SchemasStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  private async rows(sql: string, values: unknown[], c?: Queryable): Promise<Row[]> {
    return (c ? (await c.query(sql, values)).rows : (await this.db.query(sql, values)).rows) as Row[];
  }

  async createRegistry(r: RegistryRecord): Promise<boolean> {
    const res = await this.db.query(
      "INSERT INTO schemas_registries (account, region, name, description, tags) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
      [r.account, r.region, r.name, r.description ?? null, JSON.stringify(r.tags)],
    );
    return res.rowCount === 1;
  }

  async getRegistry(scope: Scope, name: string): Promise<RegistryRecord | undefined> {
    const [row] = await this.rows("SELECT * FROM schemas_registries WHERE account = $1 AND region = $2 AND name = $3", [scope.account, scope.region, name]);
    return row ? toRegistry(row) : undefined;
  }

  async updateRegistry(scope: Scope, name: string, description: string | undefined): Promise<RegistryRecord | undefined> {
    const [row] = await this.rows(
      "UPDATE schemas_registries SET description = $4 WHERE account = $1 AND region = $2 AND name = $3 RETURNING *",
      [scope.account, scope.region, name, description ?? null],
    );
    return row ? toRegistry(row) : undefined;
  }

  deleteRegistry(scope: Scope, name: string): Promise<boolean> {
    return this.db.tx(async (c) => {
      const a = [scope.account, scope.region, name];
      const res = await c.query("DELETE FROM schemas_registries WHERE account = $1 AND region = $2 AND name = $3", a);
      if (res.rowCount === 0) return false;
      for (const t of ["schemas_schemas", "schemas_versions", "schemas_code_bindings", "schemas_policies"]) {
        await c.query(`DELETE FROM ${t} WHERE account = $1 AND region = $2 AND registry = $3`, a);
      }
      return true;
    });
  }

  async listRegistries(scope: Scope, prefix: string, after: string, limit: number): Promise<Page<RegistryRecord>> {
    const rows = await this.rows(
      "SELECT * FROM schemas_registries WHERE account = $1 AND region = $2 AND name LIKE $3 ESCAPE '\\' AND name > $4 COLLATE \"C\" ORDER BY name COLLATE \"C\" LIMIT $5",
      [scope.account, scope.region, `${likeEscape(prefix)}%`, after, limit + 1],
    );
    return page(rows.map(toRegistry), limit, (r) => r.name);
  }

  addVersion(key: SchemaKey, v: NewVersion, mode: AddMode, now: number): Promise<AddOutcome> {
    return this.db.tx(async (c): Promise<AddOutcome> => {
      let [row] = await this.rows(`SELECT * FROM schemas_schemas WHERE ${K} FOR UPDATE`, keyArgs(key), c);
      if (row && mode === "create") return { outcome: "exists" };
      if (!row && mode === "update") return { outcome: "missing" };
      if (!row) {
        const ins = await c.query(
          `INSERT INTO schemas_schemas (account, region, registry, name, description, type, tags, latest, version_count, last_modified)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1, $8) ON CONFLICT DO NOTHING`,
          [...keyArgs(key), v.description ?? null, v.type, JSON.stringify(v.tags ?? {}), now],
        );
        if (ins.rowCount === 1) {
          await c.query(
            "INSERT INTO schemas_versions (account, region, registry, name, version, type, content, fingerprint, created_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8)",
            [...keyArgs(key), v.type, v.content, v.fingerprint, now],
          );
        } else {
          // Another node created it meanwhile.
          if (mode === "create") return { outcome: "exists" };
          [row] = await this.rows(`SELECT * FROM schemas_schemas WHERE ${K} FOR UPDATE`, keyArgs(key), c);
        }
      }
      if (row) {
        const schema = toSchema(row);
        const [latest] = await this.rows(`SELECT * FROM schemas_versions WHERE ${K} AND version = $5`, [...keyArgs(key), schema.latest], c);
        if (mode === "discover" && latest && String(latest.fingerprint) === v.fingerprint) return { outcome: "unchanged", schema, version: toVersion(latest) };
        const n = schema.latest + 1;
        await c.query(
          `UPDATE schemas_schemas SET description = $5, type = $6, latest = $7, version_count = version_count + 1, last_modified = $8 WHERE ${K}`,
          [...keyArgs(key), v.description === undefined ? schema.description ?? null : v.description, v.type, n, now],
        );
        await c.query(
          "INSERT INTO schemas_versions (account, region, registry, name, version, type, content, fingerprint, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          [...keyArgs(key), n, v.type, v.content, v.fingerprint, now],
        );
      }
      const [s] = await this.rows(`SELECT * FROM schemas_schemas WHERE ${K}`, keyArgs(key), c);
      const schema = toSchema(s);
      const [ver] = await this.rows(`SELECT * FROM schemas_versions WHERE ${K} AND version = $5`, [...keyArgs(key), schema.latest], c);
      return { outcome: "added", schema, version: toVersion(ver) };
    });
  }

  async getSchema(key: SchemaKey): Promise<SchemaRecord | undefined> {
    const [row] = await this.rows(`SELECT * FROM schemas_schemas WHERE ${K}`, keyArgs(key));
    return row ? toSchema(row) : undefined;
  }

  async getVersion(key: SchemaKey, version?: number): Promise<VersionRecord | undefined> {
    const [row] = version === undefined
      ? await this.rows(`SELECT v.* FROM schemas_versions v JOIN schemas_schemas s USING (account, region, registry, name) WHERE v.account = $1 AND v.region = $2
          AND v.registry = $3 AND v.name = $4 AND v.version = s.latest`, keyArgs(key))
      : await this.rows(`SELECT * FROM schemas_versions WHERE ${K} AND version = $5`, [...keyArgs(key), version]);
    return row ? toVersion(row) : undefined;
  }

  async listSchemas(scope: Scope, registry: string, prefix: string, after: string, limit: number): Promise<Page<SchemaRecord>> {
    const rows = await this.rows(
      `SELECT * FROM schemas_schemas WHERE account = $1 AND region = $2 AND registry = $3 AND name LIKE $4 ESCAPE '\\' AND name > $5 COLLATE "C"
       ORDER BY name COLLATE "C" LIMIT $6`,
      [scope.account, scope.region, registry, `${likeEscape(prefix)}%`, after, limit + 1],
    );
    return page(rows.map(toSchema), limit, (r) => r.name);
  }

  async listVersions(key: SchemaKey, after: number, limit: number): Promise<Page<VersionRecord>> {
    const rows = await this.rows(`SELECT * FROM schemas_versions WHERE ${K} AND version > $5 ORDER BY version LIMIT $6`, [...keyArgs(key), after, limit + 1]);
    return page(rows.map(toVersion), limit, (r) => String(r.version));
  }

  async searchSchemas(scope: Scope, registry: string, keyword: string, after: string, limit: number) {
    const rows = await this.rows(
      `SELECT * FROM schemas_schemas WHERE account = $1 AND region = $2 AND registry = $3 AND lower(name) LIKE $4 ESCAPE '\\' AND name > $5 COLLATE "C"
       ORDER BY name COLLATE "C" LIMIT $6`,
      [scope.account, scope.region, registry, `%${likeEscape(keyword.toLowerCase())}%`, after, limit + 1],
    );
    const p = page(rows.map(toSchema), limit, (r) => r.name);
    const items = [];
    for (const s of p.items) {
      const vs = await this.rows(`SELECT version, type, created_at FROM schemas_versions WHERE ${K} ORDER BY version`, keyArgs(s));
      items.push({ ...s, versions: vs.map((r) => ({ version: Number(r.version), type: String(r.type), createdAt: Number(r.created_at) })) });
    }
    return { items, next: p.next };
  }

  deleteSchema(key: SchemaKey): Promise<boolean> {
    return this.db.tx(async (c) => {
      const res = await c.query(`DELETE FROM schemas_schemas WHERE ${K}`, keyArgs(key));
      if (res.rowCount === 0) return false;
      await c.query(`DELETE FROM schemas_versions WHERE ${K}`, keyArgs(key));
      await c.query(`DELETE FROM schemas_code_bindings WHERE ${K}`, keyArgs(key));
      return true;
    });
  }

  deleteVersion(key: SchemaKey, version: number): Promise<"deleted" | "missing" | "latest"> {
    return this.db.tx(async (c) => {
      const [row] = await this.rows(`SELECT * FROM schemas_schemas WHERE ${K} FOR UPDATE`, keyArgs(key), c);
      if (!row) return "missing";
      const [v] = await this.rows(`SELECT version FROM schemas_versions WHERE ${K} AND version = $5`, [...keyArgs(key), version], c);
      if (!v) return "missing";
      if (toSchema(row).latest === version) return "latest";
      await c.query(`DELETE FROM schemas_versions WHERE ${K} AND version = $5`, [...keyArgs(key), version]);
      await c.query(`DELETE FROM schemas_code_bindings WHERE ${K} AND version = $5`, [...keyArgs(key), version]);
      await c.query(`UPDATE schemas_schemas SET version_count = version_count - 1 WHERE ${K}`, keyArgs(key));
      return "deleted";
    });
  }

  async setSchemaTags(key: SchemaKey, tags: Record<string, string>): Promise<boolean> {
    return (await this.db.query(`UPDATE schemas_schemas SET tags = $5 WHERE ${K}`, [...keyArgs(key), JSON.stringify(tags)])).rowCount === 1;
  }

  async setSchemaDescription(key: SchemaKey, description: string | undefined, now: number): Promise<SchemaRecord | undefined> {
    const [row] = await this.rows(`UPDATE schemas_schemas SET description = $5, last_modified = $6 WHERE ${K} RETURNING *`, [...keyArgs(key), description ?? null, now]);
    return row ? toSchema(row) : undefined;
  }

  async putCodeBinding(b: CodeBindingRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO schemas_code_bindings (account, region, registry, name, version, language, status, created_at, last_modified, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (account, region, registry, name, version, language) DO UPDATE SET status = excluded.status, last_modified = excluded.last_modified, source = excluded.source`,
      [...keyArgs(b), b.version, b.language, b.status, b.createdAt, b.lastModified, b.source ?? null],
    );
  }

  async getCodeBinding(key: SchemaKey, version: number, language: string): Promise<CodeBindingRecord | undefined> {
    const [row] = await this.rows(`SELECT * FROM schemas_code_bindings WHERE ${K} AND version = $5 AND language = $6`, [...keyArgs(key), version, language]);
    return row ? toBinding(row) : undefined;
  }

  async createDiscoverer(d: DiscovererRecord): Promise<boolean> {
    const res = await this.db.query(
      `INSERT INTO schemas_discoverers (account, region, id, source_arn, description, state, cross_account, tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING`,
      [d.account, d.region, d.id, d.sourceArn, d.description ?? null, d.state, d.crossAccount, JSON.stringify(d.tags)],
    );
    return res.rowCount === 1;
  }

  async getDiscoverer(scope: Scope, id: string): Promise<DiscovererRecord | undefined> {
    const [row] = await this.rows("SELECT * FROM schemas_discoverers WHERE account = $1 AND region = $2 AND id = $3", [scope.account, scope.region, id]);
    return row ? toDiscoverer(row) : undefined;
  }

  updateDiscoverer(scope: Scope, id: string, change: { description?: string; crossAccount?: boolean; state?: "STARTED" | "STOPPED"; tags?: Record<string, string> }) {
    return this.db.tx(async (c): Promise<DiscovererRecord | undefined> => {
      const [row] = await this.rows("SELECT * FROM schemas_discoverers WHERE account = $1 AND region = $2 AND id = $3 FOR UPDATE", [scope.account, scope.region, id], c);
      if (!row) return undefined;
      const d = { ...toDiscoverer(row), ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) } as DiscovererRecord;
      await c.query(
        "UPDATE schemas_discoverers SET description = $4, state = $5, cross_account = $6, tags = $7 WHERE account = $1 AND region = $2 AND id = $3",
        [scope.account, scope.region, id, d.description ?? null, d.state, d.crossAccount, JSON.stringify(d.tags)],
      );
      return d;
    });
  }

  async deleteDiscoverer(scope: Scope, id: string): Promise<boolean> {
    return (await this.db.query("DELETE FROM schemas_discoverers WHERE account = $1 AND region = $2 AND id = $3", [scope.account, scope.region, id])).rowCount === 1;
  }

  async listDiscoverers(scope: Scope, idPrefix: string, sourcePrefix: string, after: string, limit: number): Promise<Page<DiscovererRecord>> {
    const rows = await this.rows(
      `SELECT * FROM schemas_discoverers WHERE account = $1 AND region = $2 AND id LIKE $3 ESCAPE '\\' AND source_arn LIKE $4 ESCAPE '\\' AND id > $5 COLLATE "C"
       ORDER BY id COLLATE "C" LIMIT $6`,
      [scope.account, scope.region, `${likeEscape(idPrefix)}%`, `${likeEscape(sourcePrefix)}%`, after, limit + 1],
    );
    return page(rows.map(toDiscoverer), limit, (r) => r.id);
  }

  async startedDiscoverers(): Promise<DiscovererRecord[]> {
    return (await this.rows("SELECT * FROM schemas_discoverers WHERE state = 'STARTED'", [])).map(toDiscoverer);
  }

  async setRegistryTags(scope: Scope, name: string, tags: Record<string, string>): Promise<boolean> {
    return (await this.db.query("UPDATE schemas_registries SET tags = $4 WHERE account = $1 AND region = $2 AND name = $3", [scope.account, scope.region, name, JSON.stringify(tags)]))
      .rowCount === 1;
  }

  putPolicy(p: Omit<PolicyRecord, "revision">, expected: string | undefined, revision: string): Promise<PolicyRecord | undefined> {
    return this.db.tx(async (c) => {
      const [row] = await this.rows("SELECT revision FROM schemas_policies WHERE account = $1 AND region = $2 AND registry = $3 FOR UPDATE", [p.account, p.region, p.registry], c);
      if (expected !== undefined && (!row || String(row.revision) !== expected)) return undefined;
      await c.query(
        `INSERT INTO schemas_policies (account, region, registry, policy, revision) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account, region, registry) DO UPDATE SET policy = excluded.policy, revision = excluded.revision`,
        [p.account, p.region, p.registry, p.policy, revision],
      );
      return { ...p, revision };
    });
  }

  async getPolicy(scope: Scope, registry: string): Promise<PolicyRecord | undefined> {
    const [row] = await this.rows("SELECT * FROM schemas_policies WHERE account = $1 AND region = $2 AND registry = $3", [scope.account, scope.region, registry]);
    return row ? toPolicy(row) : undefined;
  }

  async deletePolicy(scope: Scope, registry: string): Promise<boolean> {
    return (await this.db.query("DELETE FROM schemas_policies WHERE account = $1 AND region = $2 AND registry = $3", [scope.account, scope.region, registry])).rowCount === 1;
  }
}
