// SQLite lease store (one process per database file, but the same contract as PostgreSQL's).
import { ACQUIRE_LEASE_SQL, type LeaseStore } from "../../engine/leases.ts";
import type { SqliteDb } from "./db.ts";

export class SqliteLeaseStore implements LeaseStore {
  private readonly sql: SqliteDb;

  constructor(sql: SqliteDb) {
    this.sql = sql;
  }

  tryAcquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.sql.write((db) => db.prepare(ACQUIRE_LEASE_SQL(() => "?")).get(name, holder, now + ttlMs, now) !== undefined);
  }

  async release(name: string, holder: string): Promise<void> {
    await this.sql.write((db) => db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?").run(name, holder));
  }
}
