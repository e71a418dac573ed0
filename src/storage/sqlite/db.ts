// SQLite connection with group commit: writes issued during one event-loop turn run in one transaction, a failing
// write does not undo the others (the batch is rerun with a savepoint per write), and every caller's promise settles
// only once its commit is durable. Strict durability on a file: SQLite commits at synchronous=NORMAL (a write() to
// the WAL) and an fdatasync of the WAL makes the commit durable before its promises settle. The fdatasync runs
// inline when no other is in flight and the disk is fast (ADR 0037), else on libuv's thread pool, where the event
// loop parses and answers other requests meanwhile and later turns commit their own batches and start their own
// sync (up to MAX_SYNCS in flight). ADR 0027 gives the durability argument. Reads run directly against committed state;
// `whenSynced` lets a reader of rarely written data wait for the sync covering what it read.
import Database from "better-sqlite3";
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS_TABLE_SQL, pendingMigrations } from "../migrations.ts";
import { TurnStats } from "./turn-stats.ts";

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
  /** ms from BEGIN to COMMIT. */
  sqlMs: number;
}

/** SQLite's full-disk and I/O errors: the disk, not the write, is at fault (ADR 0026). */
function diskError(e: unknown): boolean {
  return /^SQLITE_(FULL|IOERR)/.test(String((e as { code?: unknown })?.code ?? ""));
}

const MAX_BATCH = 2000;
/**
 * fdatasyncs of the WAL in flight at once (libuv's default thread pool has 4 threads). Each covers every commit made
 * before it started. With one, a batch committed just after a sync started waits for that sync and then its own
 * (two syncs); more let it start its own at once. Measured in one run against 1 and 2 (bench/sqs-profile.md): 4 was
 * ahead on W1 and W3 on a slow, shared disk. Beyond the cap, commits wait for the next sync to start.
 */
const MAX_SYNCS = 4;
/**
 * A moving average of sync times (ms) above which syncs go to the thread pool even when none is in flight (ADR 0037).
 * This box syncs in 0.1–0.5 ms when quiet and 2–8 ms when shared with other work; inline syncs pay off on the first.
 */
const SLOW_SYNC_MS = 1;

export class SqliteDb {
  readonly db: Database.Database;
  private pending: PendingWrite[] = [];
  private scheduled = false;
  private closed = false;
  /** Why writes are failing for lack of space or an I/O error (SQLITE_FULL, SQLITE_IOERR), until one commits again. */
  writeFailure: string | undefined;
  /** Commits made so far (for tests and metrics). */
  commits = 0;
  /** Told of each commit: its latency in seconds and how many writes it carried (metrics). */
  onCommit?: (seconds: number, writes: number) => void;
  /** Commits known durable (every commit up to this one). */
  private synced = 0;
  /** Strict durability on a file: the WAL, opened for fdatasync; undefined when commits sync themselves (or need not). */
  private walFd: number | undefined;
  /** Thread-pool fdatasyncs running (at most MAX_SYNCS). */
  private syncing = 0;
  /** Moving average of recent sync times (ms): decides inline or thread-pool syncs. */
  private syncEwmaMs = 0;
  /** What sync times are read with, in ms (tests replace it to drive the average without a real disk's timing). */
  private syncClock: () => number = () => performance.now();
  /** Every sync on the thread pool (MAILROOM_SYNC=pool: the bench's comparison with ADR 0027 alone). */
  private readonly forcePool = process.env.MAILROOM_SYNC === "pool";
  /** The last commit a started sync covers. */
  private syncStartedUpTo = 0;
  /** Committed batches not yet durable, in commit order: each settles its callers' promises (with an error, if any). */
  private unsynced: { seq: number; settle: (err?: unknown) => void }[] = [];
  /** Readers waiting until a commit is durable. */
  private syncWaiters: { seq: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  /** Once an fdatasync failed, what the kernel lost is unknown (fsync errors are not retryable): writes are refused. */
  private broken: unknown;
  /** Called when a sync completes (close waits on it for the last ones). */
  private idle: (() => void)[] = [];
  /** Batch sizes and SQL/sync times per commit (bench/sqs-profile.md); MAILROOM_TURN_STATS=<file> writes them at close. */
  readonly stats = new TurnStats();
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
    // strict: durable before each answer (survives power loss); relaxed: survives a process crash only. At NORMAL, WAL
    // commits are not synced but checkpoints and WAL restarts are (https://www.sqlite.org/pragma.html#pragma_synchronous,
    // https://www.sqlite.org/wal.html); strict adds an fdatasync of the WAL after each commit, off the event loop (ADR 0027).
    // In memory there is nothing to sync.
    const onFile = file !== ":memory:";
    this.db.pragma("synchronous = NORMAL");
    // Read it back: better-sqlite3's compile-time default and the pragma's silent no-ops must not decide durability
    // (../shared/research/group-commit.md §8).
    if (onFile && this.db.pragma("synchronous", { simple: true }) !== 1) throw new Error(`${file}: synchronous=NORMAL did not take`);
    this.db.pragma("foreign_keys = ON");
    // Checkpoint every ~40 MB of WAL instead of ~4 MB: fewer, larger checkpoints measured faster under load
    // (../shared/research/group-commit.md, 10,000-page variant).
    this.db.pragma("wal_autocheckpoint = 10000");
    this.migrate();
    // The WAL exists from the first transaction in WAL mode (above) until the connection closes; with exclusive locking
    // it is reset in place after checkpoints, never replaced, so one descriptor serves for the connection's life.
    if (onFile && durability === "strict") this.walFd = openSync(`${file}-wal`, "r+");
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

  /** Queues a write for the current turn's transaction; resolves once its commit is durable (strict) or made (relaxed). */
  write<T>(fn: (db: Database.Database) => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("database is closed"));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * The commit number the write now running belongs to (call inside a write function): a reader of what that write
   * changed passes it to whenSynced.
   */
  get committing(): number {
    return this.commits + 1;
  }

  /**
   * Undefined when commit `seq` is durable (or never happened: its batch rolled back); otherwise a promise of its
   * sync. For readers of rarely written data (queue records) whose answer must not show a change before it is durable.
   */
  whenSynced(seq: number): Promise<void> | undefined {
    if (seq <= this.synced || seq > this.commits) return undefined;
    if (this.broken !== undefined) return Promise.reject(this.broken);
    return new Promise<void>((resolve, reject) => this.syncWaiters.push({ seq, resolve, reject }));
  }

  /** Undefined when every commit so far is durable; otherwise a promise of the sync covering them all. */
  durable(): Promise<void> | undefined {
    return this.whenSynced(this.commits);
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
        if (diskError(e)) this.writeFailure = String((e as Error).message ?? e);
        for (const w of batch) w.reject(e);
        continue;
      }
      const { values, failed } = outcome as Outcome;
      // A write refused for lack of space or an I/O error is reported (health) until a batch commits without one.
      const refused = failed && [...failed].map((i) => values[i]).find(diskError);
      this.writeFailure = refused ? String((refused as Error).message ?? refused) : undefined;
      const started = this.onCommit ? performance.now() - (outcome as Outcome).sqlMs : 0;
      const settle = (err?: unknown) => {
        // Metrics: from the batch's BEGIN until it is durable (its fdatasync, when strict), with its size.
        if (this.onCommit && err === undefined) this.onCommit((performance.now() - started) / 1000, batch.length);
        for (let i = 0; i < batch.length; i++) {
          if (err !== undefined) batch[i].reject(err);
          else if (failed?.has(i)) batch[i].reject(values[i]);
          else batch[i].resolve(values[i]);
        }
      };
      if (this.walFd === undefined) {
        this.synced = this.commits;
        settle();
      } else this.unsynced.push({ seq: this.commits, settle });
    }
    this.startSync();
  }

  /**
   * An fdatasync of the WAL covering every commit so far; the batches it covers settle when it returns. With no
   * sync in flight and a disk that syncs fast, it runs inline on the loop (ADR 0037): a thread-pool sync costs two
   * thread wake-ups (pool thread, then the loop) on top of the sync itself, which at low load was most of a
   * request's CPU. A slow disk (recent syncs over SLOW_SYNC_MS) or a sync already in flight sends it to the pool,
   * where the loop goes on parsing and committing meanwhile (ADR 0027).
   */
  private startSync(): void {
    if (this.walFd === undefined || this.syncing >= MAX_SYNCS || this.syncStartedUpTo >= this.commits || this.broken !== undefined) return;
    const upTo = this.commits;
    this.syncStartedUpTo = upTo;
    const t0 = this.syncClock();
    if (this.syncing === 0 && this.syncEwmaMs < SLOW_SYNC_MS && !this.forcePool) {
      let err: Error | undefined;
      try {
        fdatasyncSync(this.walFd);
      } catch (e) {
        err = e as Error;
      }
      this.stats.inlineSyncs++;
      this.stats.blocked("inline-sync", this.syncClock() - t0);
      this.syncDone(upTo, t0, err);
      return;
    }
    this.syncing++;
    fdatasync(this.walFd, (err) => {
      this.syncing--;
      this.syncDone(upTo, t0, err ?? undefined);
      // Commits made while the cap was reached.
      this.startSync();
    });
  }

  /** A sync covering commits up to `upTo` returned (with `err` if it failed): settle what it covers. */
  private syncDone(upTo: number, t0: number, err: Error | undefined): void {
    const ms = this.syncClock() - t0;
    this.syncEwmaMs += (ms - this.syncEwmaMs) * 0.1;
    this.stats.syncMicros.add(ms * 1000);
    if (err) this.fail(err);
    else if (upTo > this.synced) {
      this.synced = upTo;
      let n = 0;
      while (n < this.unsynced.length && this.unsynced[n].seq <= upTo) this.unsynced[n++].settle();
      this.unsynced.splice(0, n);
      this.stats.commitsPerSync.add(n);
      if (this.syncWaiters.length > 0) {
        const waiting = this.syncWaiters;
        this.syncWaiters = [];
        for (const w of waiting) {
          if (w.seq <= upTo) w.resolve();
          else this.syncWaiters.push(w);
        }
      }
    }
    for (const f of this.idle.splice(0)) f();
  }

  /**
   * After a failed fsync the kernel may have dropped the pages (fsync errors are not retryable): the writes not yet
   * durable are answered with the error (their outcome is unknown, as after a crash) and further writes are refused
   * until Mailroom restarts and recovers from the WAL.
   */
  private fail(err: Error): void {
    this.broken = new Error(`fdatasync of the SQLite WAL failed: ${err.message}; restart Mailroom`);
    for (const u of this.unsynced.splice(0)) u.settle(this.broken);
    for (const w of this.syncWaiters.splice(0)) w.reject(this.broken);
    for (const w of this.pending.splice(0)) w.reject(this.broken);
  }

  /** One transaction over the batch; undefined when a write failed and `isolated` is off (rolled back). */
  private run(batch: PendingWrite[], isolated: boolean): Outcome | undefined {
    const t = this.tx;
    const values: unknown[] = new Array(batch.length);
    let failed: Set<number> | undefined;
    const t0 = performance.now();
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
    t.commit.run();
    this.commits++;
    this.stats.writesPerCommit.add(batch.length);
    const sqlMs = performance.now() - t0;
    this.stats.sqlMicros.add(sqlMs * 1000);
    this.stats.blocked("sql", sqlMs);
    return { values, failed, sqlMs };
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
    // Commit and sync what is queued, so every caller's promise settles before the connection goes.
    while (this.broken === undefined && (this.pending.length > 0 || this.syncing > 0 || this.unsynced.length > 0)) {
      this.flush();
      if (this.syncing > 0) await new Promise<void>((r) => this.idle.push(r));
    }
    this.closed = true;
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.db.close();
    if (process.env.MAILROOM_TURN_STATS) this.stats.write(process.env.MAILROOM_TURN_STATS);
  }
}
