// PostgreSQL lease store: one row per job; the conditional upsert makes taking an expired lease atomic.
import { ACQUIRE_LEASE_SQL, type LeaseStore } from "../../engine/leases.ts";
import type { PgDb } from "./db.ts";

const ACQUIRE = ACQUIRE_LEASE_SQL((n) => `$${n}`);

export class PgLeaseStore implements LeaseStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  async tryAcquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const r = await this.db.query(ACQUIRE, [name, holder, now + ttlMs, now]);
    return (r.rowCount ?? 0) > 0;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.query("DELETE FROM leases WHERE name = $1 AND holder = $2", [name, holder]);
  }
}
