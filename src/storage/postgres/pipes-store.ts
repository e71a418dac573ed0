// The EventBridge Pipes store on PostgreSQL: the same rows as on SQLite; compare-and-set on the version makes one
// node's change win when several nodes change a pipe at once.
import type { PipeFilter, PipeKey, PipeRecord, PipesStore } from "../../services/pipes/store.ts";
import { filterSql, filterValues, type PipeRow, toPipe } from "../pipes-rows.ts";
import type { PgDb } from "./db.ts";

export class PgPipesStore implements PipesStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  create(pipe: Omit<PipeRecord, "version">, max: number): Promise<"ok" | "exists" | "limit"> {
    return this.db.tx(async (c) => {
      // One creation at a time per account and region, so the count is not raced past the limit.
      await c.query("SELECT pg_advisory_xact_lock(hashtext('pipes/' || $1 || '/' || $2))", [pipe.account, pipe.region]);
      const exists = await c.query("SELECT 1 FROM pipes WHERE account = $1 AND region = $2 AND name = $3", [pipe.account, pipe.region, pipe.name]);
      if (exists.rows.length > 0) return "exists";
      const n = await c.query<{ n: string }>("SELECT count(*) AS n FROM pipes WHERE account = $1 AND region = $2", [pipe.account, pipe.region]);
      if (Number(n.rows[0].n) >= max) return "limit";
      await c.query(
        `INSERT INTO pipes (account, region, name, source, target, desired_state, current_state, config, created_at, modified_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)`,
        [pipe.account, pipe.region, pipe.name, pipe.config.Source, pipe.config.Target, pipe.desiredState, pipe.currentState, JSON.stringify(pipe.config), pipe.createdAt, pipe.modifiedAt],
      );
      return "ok";
    });
  }

  async get(k: PipeKey): Promise<PipeRecord | undefined> {
    const r = await this.db.query<PipeRow>("SELECT * FROM pipes WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
    return r.rows[0] && toPipe(r.rows[0]);
  }

  async list(account: string, region: string, filter: PipeFilter, after: string, limit: number): Promise<PipeRecord[]> {
    const r = await this.db.query<PipeRow>(
      `SELECT * FROM pipes WHERE account = $1 AND region = $2 AND name COLLATE "C" > $3 AND ${filterSql((n) => `$${n}::text`, 5)} ORDER BY name COLLATE "C" LIMIT $4`,
      [account, region, after, limit, ...filterValues(filter)],
    );
    return r.rows.map(toPipe);
  }

  async page(after: PipeKey | undefined, limit: number): Promise<PipeRecord[]> {
    const r = await this.db.query<PipeRow>(
      `SELECT * FROM pipes WHERE (account COLLATE "C", region COLLATE "C", name COLLATE "C") > ($1, $2, $3) ORDER BY account COLLATE "C", region COLLATE "C", name COLLATE "C" LIMIT $4`,
      [after?.account ?? "", after?.region ?? "", after?.name ?? "", limit],
    );
    return r.rows.map(toPipe);
  }

  async save(pipe: PipeRecord, version: number): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE pipes SET target = $1, desired_state = $2, current_state = $3, config = $4, modified_at = $5, version = version + 1
       WHERE account = $6 AND region = $7 AND name = $8 AND version = $9`,
      [pipe.config.Target, pipe.desiredState, pipe.currentState, JSON.stringify(pipe.config), pipe.modifiedAt, pipe.account, pipe.region, pipe.name, version],
    );
    return r.rowCount === 1;
  }

  delete(k: PipeKey, version: number): Promise<boolean> {
    return this.db.tx(async (c) => {
      const r = await c.query("DELETE FROM pipes WHERE account = $1 AND region = $2 AND name = $3 AND version = $4", [k.account, k.region, k.name, version]);
      if (r.rowCount !== 1) return false;
      await c.query("DELETE FROM pipe_checkpoints WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
      return true;
    });
  }

  async checkpoints(k: PipeKey): Promise<Record<string, string>> {
    const r = await this.db.query<{ shard: string; seq: string }>("SELECT shard, seq FROM pipe_checkpoints WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
    const out: Record<string, string> = {};
    for (const row of r.rows) out[row.shard] = row.seq;
    return out;
  }

  async saveCheckpoint(k: PipeKey, shard: string, seq: string): Promise<void> {
    await this.db.query(
      `INSERT INTO pipe_checkpoints (account, region, name, shard, seq) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (account, region, name, shard) DO UPDATE SET seq = excluded.seq`,
      [k.account, k.region, k.name, shard, seq],
    );
  }

  async clearCheckpoints(k: PipeKey): Promise<void> {
    await this.db.query("DELETE FROM pipe_checkpoints WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
  }
}
