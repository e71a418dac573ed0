// The EventBridge Pipes store on SQLite: one row per pipe changed by compare-and-set on its version, and the Kinesis
// sources' checkpoints.
import type { PipeFilter, PipeKey, PipeRecord, PipesStore } from "../../services/pipes/store.ts";
import { filterSql, filterValues, type PipeRow, toPipe } from "../pipes-rows.ts";
import type { SqliteDb } from "./db.ts";

export class SqlitePipesStore implements PipesStore {
  private readonly sql: SqliteDb;
  private readonly s;

  constructor(sql: SqliteDb) {
    this.sql = sql;
    const p = (text: string) => sql.db.prepare(text);
    this.s = {
      count: p("SELECT count(*) AS n FROM pipes WHERE account = ? AND region = ?"),
      exists: p("SELECT 1 FROM pipes WHERE account = ? AND region = ? AND name = ?"),
      insert: p(`INSERT INTO pipes (account, region, name, source, target, desired_state, current_state, config, created_at, modified_at, version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`),
      get: p("SELECT * FROM pipes WHERE account = ? AND region = ? AND name = ?"),
      list: p(`SELECT * FROM pipes WHERE account = :account AND region = :region AND name > :after AND ${filterSql((n) => `:f${n}`, 0)} ORDER BY name LIMIT :limit`),
      page: p("SELECT * FROM pipes WHERE (account, region, name) > (?, ?, ?) ORDER BY account, region, name LIMIT ?"),
      save: p(`UPDATE pipes SET target = ?, desired_state = ?, current_state = ?, config = ?, modified_at = ?, version = version + 1
        WHERE account = ? AND region = ? AND name = ? AND version = ?`),
      delete: p("DELETE FROM pipes WHERE account = ? AND region = ? AND name = ? AND version = ?"),
      checkpoints: p("SELECT shard, seq FROM pipe_checkpoints WHERE account = ? AND region = ? AND name = ?"),
      saveCheckpoint: p(`INSERT INTO pipe_checkpoints (account, region, name, shard, seq) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (account, region, name, shard) DO UPDATE SET seq = excluded.seq`),
      clearCheckpoints: p("DELETE FROM pipe_checkpoints WHERE account = ? AND region = ? AND name = ?"),
    };
  }

  create(pipe: Omit<PipeRecord, "version">, max: number): Promise<"ok" | "exists" | "limit"> {
    return this.sql.write(() => {
      if (this.s.exists.get(pipe.account, pipe.region, pipe.name)) return "exists";
      if ((this.s.count.get(pipe.account, pipe.region) as { n: number }).n >= max) return "limit";
      this.s.insert.run(pipe.account, pipe.region, pipe.name, pipe.config.Source, pipe.config.Target, pipe.desiredState, pipe.currentState,
        JSON.stringify(pipe.config), pipe.createdAt, pipe.modifiedAt);
      return "ok";
    });
  }

  async get(k: PipeKey): Promise<PipeRecord | undefined> {
    const r = this.s.get.get(k.account, k.region, k.name) as PipeRow | undefined;
    return r && toPipe(r);
  }

  async list(account: string, region: string, filter: PipeFilter, after: string, limit: number): Promise<PipeRecord[]> {
    const f = filterValues(filter);
    return (this.s.list.all({ account, region, after, limit, f0: f[0], f1: f[1], f2: f[2], f3: f[3], f4: f[4] }) as PipeRow[]).map(toPipe);
  }

  async page(after: PipeKey | undefined, limit: number): Promise<PipeRecord[]> {
    return (this.s.page.all(after?.account ?? "", after?.region ?? "", after?.name ?? "", limit) as PipeRow[]).map(toPipe);
  }

  save(pipe: PipeRecord, version: number): Promise<boolean> {
    return this.sql.write(() => this.s.save.run(pipe.config.Target, pipe.desiredState, pipe.currentState, JSON.stringify(pipe.config), pipe.modifiedAt,
      pipe.account, pipe.region, pipe.name, version).changes === 1);
  }

  delete(k: PipeKey, version: number): Promise<boolean> {
    return this.sql.write(() => {
      if (this.s.delete.run(k.account, k.region, k.name, version).changes !== 1) return false;
      this.s.clearCheckpoints.run(k.account, k.region, k.name);
      return true;
    });
  }

  async checkpoints(k: PipeKey): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const r of this.s.checkpoints.all(k.account, k.region, k.name) as { shard: string; seq: string }[]) out[r.shard] = r.seq;
    return out;
  }

  saveCheckpoint(k: PipeKey, shard: string, seq: string): Promise<void> {
    return this.sql.write(() => {
      this.s.saveCheckpoint.run(k.account, k.region, k.name, shard, seq);
    });
  }

  clearCheckpoints(k: PipeKey): Promise<void> {
    return this.sql.write(() => {
      this.s.clearCheckpoints.run(k.account, k.region, k.name);
    });
  }
}
