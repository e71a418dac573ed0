// Opens the configured backend and returns every storage-side piece the services need: the SQS and SNS stores,
// leases for background jobs and the wake-up notifier (in-process on SQLite, LISTEN/NOTIFY on PostgreSQL).
import { join } from "node:path";
import type { OutboxStore } from "../delivery/store.ts";
import type { Clock } from "../engine/clock.ts";
import type { LeaseStore } from "../engine/leases.ts";
import { LocalNotifier, type Notifier } from "../engine/notify.ts";
import type { SnsStore } from "../services/sns/store.ts";
import type { SqsStore } from "../services/sqs/store.ts";
import type { Logger } from "../util/log.ts";
import { PgDb } from "./postgres/db.ts";
import { PgLeaseStore } from "./postgres/leases.ts";
import { PgNotifier } from "./postgres/notify.ts";
import { PgOutbox } from "./postgres/outbox.ts";
import { PgSnsStore } from "./postgres/sns-store.ts";
import { PgSqsStore } from "./postgres/sqs-store.ts";
import { type Durability, SqliteDb } from "./sqlite/db.ts";
import { SqliteLeaseStore } from "./sqlite/leases.ts";
import { SqliteOutbox } from "./sqlite/outbox.ts";
import { SqliteSnsStore } from "./sqlite/sns-store.ts";
import { SqliteSqsStore } from "./sqlite/sqs-store.ts";

export interface StorageOptions {
  /** postgres://… URL; without it, SQLite. */
  database?: string;
  memory: boolean;
  dataDir: string;
  durability: Durability;
}

export interface Storage {
  description: string;
  sqs: SqsStore;
  sns: SnsStore;
  leases: LeaseStore;
  /** The delivery engine's durable outbox (src/delivery/store.ts). */
  outbox: OutboxStore;
  notifier: Notifier;
  /** Other nodes may write to the same database (PostgreSQL): due work is also polled for (engine/scheduler.ts pollMs). */
  shared: boolean;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function openStorage(o: StorageOptions, clock: Clock, log: Logger): Promise<Storage> {
  if (o.database) {
    if (!isPostgresUrl(o.database)) throw new Error(`unsupported database URL (expected postgres://…): ${o.database}`);
    const db = await PgDb.open(o.database);
    const notifier = await PgNotifier.start(db, clock, log);
    const sqs = new PgSqsStore(db);
    const safe = new URL(o.database);
    safe.password = safe.password ? "***" : "";
    return {
      description: `postgres ${safe.toString()}`,
      sqs,
      sns: new PgSnsStore(db),
      leases: new PgLeaseStore(db),
      outbox: new PgOutbox(db),
      notifier,
      shared: true,
      close: async () => {
        await notifier.close();
        await db.close();
      },
    };
  }
  const file = o.memory ? ":memory:" : join(o.dataDir, "mailroom.db");
  const db = new SqliteDb(file, o.durability);
  const sqs = new SqliteSqsStore(db);
  return {
    description: o.memory ? "sqlite (memory)" : `sqlite ${file}`,
    sqs,
    sns: new SqliteSnsStore(db, sqs),
    leases: new SqliteLeaseStore(db),
    outbox: new SqliteOutbox(db, sqs),
    notifier: new LocalNotifier(clock),
    shared: false,
    close: () => db.close(),
  };
}
