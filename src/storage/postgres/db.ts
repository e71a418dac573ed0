// PostgreSQL connection pool: BIGINTs read as numbers, append-only migrations applied under an advisory
// lock (so nodes starting together migrate once), and transactions retried on serialization conflicts.
import pg from "pg";
import { MIGRATIONS_TABLE_SQL, pendingMigrations } from "../migrations.ts";

const MIGRATION_LOCK = 7_224_911_001; // arbitrary advisory lock key for Mailroom migrations
const RETRYABLE = new Set(["40001", "40P01"]); // serialization_failure, deadlock_detected
/**
 * A statement unanswered for this long fails ("Query read timeout", answered 503): a PostgreSQL that stops
 * answering without closing its connections (a frozen host, a network partition) must not hold requests forever.
 * Mailroom's statements take milliseconds; migrations, which may be long, are exempt.
 */
export const QUERY_TIMEOUT_MS = 15_000;
const MIGRATION_TIMEOUT_MS = 24 * 3600 * 1000;

/** The connection is unusable after this error (timed out mid-statement, lost, shut down): destroy, never reuse. */
function brokenConnection(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = e instanceof Error ? e.message : "";
  return /^(ECONNRESET|EPIPE|ETIMEDOUT|08|57P)/.test(code) || /Query read timeout|Connection terminated|connection error/.test(msg);
}

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
  /** Told of each transaction's COMMIT: its latency in seconds (metrics). */
  onCommit?: (seconds: number, writes: number) => void;

  constructor(url: string, poolSize = 10) {
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 5000, query_timeout: QUERY_TIMEOUT_MS, keepAlive: true });
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on("error", () => {});
    // Nor a checked-out one (a transaction in progress when PostgreSQL stops): pg emits 'error' on the client
    // besides rejecting its query, and the pool listens only while the client is idle, so without a listener of
    // its own the 'error' event was unhandled and took the node down (test/reliability/pg-outage.test.ts). The
    // query's rejection carries the failure to the caller.
    this.pool.on("connect", (client) => client.on("error", () => {}));
  }

  static async open(url: string, poolSize?: number): Promise<PgDb> {
    const db = new PgDb(url, poolSize);
    await db.migrate();
    return db;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      // (waits while another node migrates, which may take long)
      await client.query({ text: "SELECT pg_advisory_lock($1)", values: [MIGRATION_LOCK], query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig);
      await client.query(MIGRATIONS_TABLE_SQL);
      const applied = new Set((await client.query("SELECT module || '/' || name AS key FROM mailroom_migrations")).rows.map((r) => r.key as string));
      const legacy = (await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")).rows[0].present
        ? (await client.query("SELECT name FROM schema_migrations")).rows.map((r) => r.name as string)
        : [];
      const { adopt, run } = pendingMigrations("postgres", applied, legacy);
      const record = "INSERT INTO mailroom_migrations (module, name) VALUES ($1, $2)";
      for (const m of adopt) await client.query(record, [m.module, m.name]);
      for (const m of run) {
        await client.query("BEGIN");
        try {
          await client.query({ text: m.sql, query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig);
          await client.query(record, [m.module, m.name]);
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

  /** `query` with each row as an array of its columns (no object per row; for large reads). */
  queryArrays(text: string, values?: unknown[]): Promise<pg.QueryResult<unknown[]>> {
    let name = this.statementNames.get(text);
    if (!name) {
      name = `mr${this.statementNames.size}`;
      this.statementNames.set(text, name);
    }
    return this.pool.query<unknown[]>({ name, text, values, rowMode: "array" });
  }

  /** Runs fn in one transaction; retried a few times on serialization failures and deadlocks. */
  async tx<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(client);
        if (this.onCommit) {
          const t0 = performance.now();
          await client.query("COMMIT");
          this.onCommit((performance.now() - t0) / 1000, 1);
        } else await client.query("COMMIT");
        return result;
      } catch (e) {
        // A connection that timed out mid-statement or was lost is destroyed (its transaction ends with it), not
        // asked to ROLLBACK: that would wait out the timeout again.
        if (brokenConnection(e)) broken = e instanceof Error ? e : new Error(String(e));
        else await client.query("ROLLBACK").catch(() => {});
        if (attempt < 5 && RETRYABLE.has((e as { code?: string }).code ?? "")) continue;
        throw e;
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
