// Opens the configured backend and returns every storage-side piece the services need: each service module's
// store (built by the module's own factory for this backend, in list order), leases for background jobs and the
// wake-up notifier (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL).
import { join } from "node:path";
import type { OutboxStore } from "../delivery/store.ts";
import type { Clock } from "../engine/clock.ts";
import type { LeaseStore } from "../engine/leases.ts";
import { LocalNotifier, type Notifier } from "../engine/notify.ts";
import type { ServiceModule } from "../services/module.ts";
import type { Logger } from "../util/log.ts";
import { PgDb } from "./postgres/db.ts";
import { PgLeaseStore } from "./postgres/leases.ts";
import { PgNotifier } from "./postgres/notify.ts";
import { PgOutbox } from "./postgres/outbox.ts";
import { type Durability, SqliteDb } from "./sqlite/db.ts";
import { SqliteLeaseStore } from "./sqlite/leases.ts";
import { SqliteOutbox } from "./sqlite/outbox.ts";
import type { SqliteSqsStore } from "./sqlite/sqs-store.ts";

export interface StorageOptions {
  /** postgres://… URL; without it, SQLite. */
  database?: string;
  memory: boolean;
  dataDir: string;
  durability: Durability;
  /** Fault injection (tests): called with the SQLite connection once it is open (e.g. to set max_page_count). */
  sqliteHook?: (db: SqliteDb) => void;
}

export interface Storage {
  description: string;
  /** A module's store, by module name. */
  store<T>(module: string): T;
  leases: LeaseStore;
  /** The delivery engine's durable outbox (src/delivery/store.ts). */
  outbox: OutboxStore;
  notifier: Notifier;
  /** Other nodes may write to the same database (PostgreSQL): due work is also polled for (engine/scheduler.ts pollMs). */
  shared: boolean;
  /** An online, consistent copy of the database into `file` (SQLite on disk only; PostgreSQL: pg_dump). */
  backup?: (file: string) => Promise<void>;
  /** A real read (the migrations table): resolves when the database answers, rejects when it does not (health). */
  check(): Promise<void>;
  /** Reports each commit's latency and size (metrics). */
  observeCommits(fn: (seconds: number, writes: number) => void): void;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Builds each module's store in list order; a factory may use the stores built before it. */
function buildStores(modules: ServiceModule[], make: (m: ServiceModule, lookup: <T>(name: string) => T) => unknown) {
  const stores = new Map<string, unknown>();
  const lookup = <T>(name: string): T => {
    if (!stores.has(name)) throw new Error(`store of module ${name} is not built yet (module order in src/services/index.ts)`);
    return stores.get(name) as T;
  };
  for (const m of modules) stores.set(m.name, make(m, lookup));
  return lookup;
}

export async function openStorage(o: StorageOptions, modules: ServiceModule[], clock: Clock, log: Logger): Promise<Storage> {
  if (o.database) {
    if (!isPostgresUrl(o.database)) throw new Error(`unsupported database URL (expected postgres://…): ${o.database}`);
    const db = await PgDb.open(o.database);
    const notifier = await PgNotifier.start(db, clock, log);
    const safe = new URL(o.database);
    safe.password = safe.password ? "***" : "";
    return {
      description: `postgres ${safe.toString()}`,
      store: buildStores(modules, (m, lookup) => m.stores.postgres(db, lookup)),
      leases: new PgLeaseStore(db),
      // Dead letters of given-up deliveries go into SQS queues in the transaction that removes the row.
      outbox: new PgOutbox(db),
      notifier,
      shared: true,
      check: async () => {
        await db.pool.query("SELECT count(*) FROM mailroom_migrations");
      },
      observeCommits: (fn) => {
        db.onCommit = fn;
      },
      close: async () => {
        await notifier.close();
        await db.close();
      },
    };
  }
  const file = o.memory ? ":memory:" : join(o.dataDir, "mailroom.db");
  const db = new SqliteDb(file, o.durability);
  o.sqliteHook?.(db);
  const store = buildStores(modules, (m, lookup) => m.stores.sqlite(db, lookup));
  return {
    description: o.memory ? "sqlite (memory)" : `sqlite ${file}`,
    store,
    leases: new SqliteLeaseStore(db),
    // Dead letters of given-up deliveries go into SQS queues through SQS's one enqueue, in the removing transaction.
    outbox: new SqliteOutbox(db, store<SqliteSqsStore>("sqs")),
    notifier: new LocalNotifier(clock),
    shared: false,
    backup: o.memory ? undefined : (to) => db.backup(to),
    check: async () => {
      db.db.prepare("SELECT count(*) FROM mailroom_migrations").get();
      // Reads answer on a full disk; health still reports that writes are refused (ADR 0026).
      if (db.writeFailure) throw new Error(`writes are failing: ${db.writeFailure}`);
    },
    observeCommits: (fn) => {
      db.onCommit = fn;
    },
    close: () => db.close(),
  };
}
