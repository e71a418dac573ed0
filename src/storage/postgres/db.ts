// PostgreSQL connection pool: BIGINTs read as numbers, append-only migrations applied under an advisory
// lock (so nodes starting together migrate once), and transactions retried on serialization conflicts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { migrationsDir } from "../migrations-dir.ts";

const MIGRATIONS_DIR = migrationsDir(import.meta.url, "postgres");
const MIGRATION_LOCK = 7_224_911_001; // arbitrary advisory lock key for Mailroom migrations
const RETRYABLE = new Set(["40001", "40P01"]); // serialization_failure, deadlock_detected

/** INT8 as JS numbers: Mailroom's ids and epoch-ms times stay far below 2^53. */
const types = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text"),
};

export type Queryable = Pick<pg.PoolClient, "query">;

export class PgDb {
  readonly pool: pg.Pool;
  readonly url: string;
  private readonly statementNames = new Map<string, string>();

  constructor(url: string, poolSize = 10) {
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 5000 });
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on("error", () => {});
  }

  static async open(url: string, poolSize?: number): Promise<PgDb> {
    const db = new PgDb(url, poolSize);
    await db.migrate();
    return db;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)");
      const done = new Set((await client.query("SELECT version FROM schema_migrations")).rows.map((r) => r.version as number));
      const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort();
      for (const file of files) {
        const version = Number(file.slice(0, 4));
        if (done.has(version)) continue;
        await client.query("BEGIN");
        try {
          await client.query(readFileSync(join(MIGRATIONS_DIR, file), "utf8"));
          await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [version, file]);
          await client.query("COMMIT");
        } catch (e) {
          await client.query("ROLLBACK");
          throw e;
        }
      }
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
  }

  /** Runs a statement as a named prepared statement, so PostgreSQL parses and plans it once per connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    let name = this.statementNames.get(text);
    if (!name) {
      name = `mr${this.statementNames.size}`;
      this.statementNames.set(text, name);
    }
    return this.pool.query<R>({ name, text, values });
  }

  /** Runs fn in one transaction; retried a few times on serialization failures and deadlocks. */
  async tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(client);
        await client.query("COMMIT");
        return result;
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        if (attempt < 5 && RETRYABLE.has((e as { code?: string }).code ?? "")) continue;
        throw e;
      } finally {
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
