// SQLite connection with group commit: writes issued during one event-loop turn run in one transaction
// (one fsync), a failing write does not undo the others (the batch is rerun with a savepoint per write), and
// every caller's promise settles only after COMMIT has returned. Reads run directly against committed state.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS_TABLE_SQL, pendingMigrations } from "../migrations.ts";

export type Durability = "strict" | "relaxed";

interface PendingWrite {
  fn: (db: Database.Database) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** A batch's results in order; `failed` holds the indexes whose value is the error they threw. */
interface Outcome {
  values: unknown[];
  failed?: Set<number>;
}

const MAX_BATCH = 2000;

export class SqliteDb {
  readonly db: Database.Database;
  private pending: PendingWrite[] = [];
  private scheduled = false;
  private closed = false;
  /** Commits made so far (for tests and metrics). */
  commits = 0;
  /** Told of each commit: its latency in seconds and how many writes it carried (metrics). */
  onCommit?: (seconds: number, writes: number) => void;
  /** Called when a write or a whole commit was rolled back, so in-memory state derived from writes can be dropped. */
  onFailure: (() => void) | undefined;
  private readonly tx: Record<"begin" | "savepoint" | "release" | "rollbackTo" | "rollback" | "commit", Database.Statement>;

  constructor(file: string, durability: Durability = "strict") {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      this.db.pragma("busy_timeout = 1000");
      if (file !== ":memory:") {
        // One Mailroom process per database file: its in-memory ready index must see every write. Exclusive
        // locking keeps the lock once taken, so a second process on the same file fails here, at start.
        this.db.pragma("locking_mode = EXCLUSIVE");
      }
      this.db.pragma("journal_mode = WAL");
      this.db.exec("BEGIN IMMEDIATE; COMMIT");
    } catch (e) {
      this.db.close();
      throw new Error(`${file} is in use by another Mailroom process (${e instanceof Error ? e.message : String(e)})`);
    }
    // strict: fsync on every commit (survives power loss); relaxed: survives a process crash only
    // (https://www.sqlite.org/pragma.html#pragma_synchronous).
    this.db.pragma(`synchronous = ${durability === "strict" ? "FULL" : "NORMAL"}`);
    this.db.pragma("foreign_keys = ON");
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: fewer, larger checkpoints measured faster under load
    // (../shared/research/group-commit.md, 10,000-page variant).
    this.db.pragma("wal_autocheckpoint = 10000");
    this.migrate();
    const p = (sql: string) => this.db.prepare(sql);
    this.tx = {
      begin: p("BEGIN IMMEDIATE"), savepoint: p("SAVEPOINT w"), release: p("RELEASE w"),
      rollbackTo: p("ROLLBACK TO w"), rollback: p("ROLLBACK"), commit: p("COMMIT"),
    };
  }

  private migrate(): void {
    this.db.exec(MIGRATIONS_TABLE_SQL);
    const applied = new Set((this.db.prepare("SELECT module || '/' || name FROM mailroom_migrations").pluck().all() as string[]));
    const hasLegacy = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const legacy = hasLegacy ? (this.db.prepare("SELECT name FROM schema_migrations").pluck().all() as string[]) : [];
    const { adopt, run } = pendingMigrations("sqlite", applied, legacy);
    const record = this.db.prepare("INSERT INTO mailroom_migrations (module, name) VALUES (?, ?)");
    this.db.transaction(() => {
      for (const m of adopt) record.run(m.module, m.name);
    })();
    for (const m of run) {
      this.db.transaction(() => {
        this.db.exec(m.sql);
        record.run(m.module, m.name);
      })();
    }
  }

  /** Queues a write for the current turn's transaction; resolves after it is committed. */
  write<T>(fn: (db: Database.Database) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("database is closed"));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      let outcome: Outcome | undefined;
      try {
        // Optimistic first: no savepoints (two statements per write saved). If a write throws, the whole
        // transaction rolls back and the batch runs again with each write in its own savepoint, so only the
        // failing writes fail. Writes touch only the database and the in-memory indexes, which onFailure drops.
        outcome = this.run(batch, false) ?? this.run(batch, true);
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        this.onFailure?.();
        for (const w of batch) w.reject(e);
        continue;
      }
      const { values, failed } = outcome as Outcome;
      for (let i = 0; i < batch.length; i++) {
        if (failed?.has(i)) batch[i].reject(values[i]);
        else batch[i].resolve(values[i]);
      }
    }
  }

  /** One transaction over the batch; undefined when a write failed and `isolated` is off (rolled back). */
  private run(batch: PendingWrite[], isolated: boolean): Outcome | undefined {
    const t = this.tx;
    const values: unknown[] = new Array(batch.length);
    let failed: Set<number> | undefined;
    t.begin.run();
    for (let i = 0; i < batch.length; i++) {
      const w = batch[i];
      if (!isolated) {
        try {
          values[i] = w.fn(this.db);
        } catch {
          // SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM may roll the whole transaction back by themselves
          // (https://www.sqlite.org/lang_transaction.html, "Response To Errors Within A Transaction").
          if (this.db.inTransaction) t.rollback.run();
          this.onFailure?.();
          return undefined;
        }
        continue;
      }
      t.savepoint.run();
      try {
        values[i] = w.fn(this.db);
        t.release.run();
      } catch (e) {
        this.onFailure?.();
        // Rolled back by SQLite itself (full disk, I/O error): the earlier writes of the batch went with it, so
        // the whole batch fails (flush rejects every write; none of them was acknowledged).
        if (!this.db.inTransaction) throw e;
        t.rollbackTo.run();
        t.release.run();
        values[i] = e;
        (failed ??= new Set()).add(i);
      }
    }
    if (this.onCommit) {
      const t0 = performance.now();
      t.commit.run();
      this.onCommit((performance.now() - t0) / 1000, batch.length);
    } else t.commit.run();
    this.commits++;
    return { values, failed };
  }

  /**
   * A consistent copy of the database written to `file` while the server keeps serving: SQLite's online backup
   * API (https://www.sqlite.org/backup.html), copying pages in steps between which writes go on; writes made
   * through this connection meanwhile are carried into the copy. Everything committed before the call is in it.
   */
  async backup(file: string): Promise<void> {
    if (this.closed) throw new Error("database is closed");
    await this.db.backup(file);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    this.db.close();
  }
}
