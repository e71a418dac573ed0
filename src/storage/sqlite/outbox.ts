// SQLite adapter of the delivery outbox (src/delivery/store.ts). One process owns the file, so a claim is a plain
// UPDATE … RETURNING inside the group-commit write; leases still matter across a restart (a row claimed by a process
// that died is claimable again when its lease ends). Dead-letter copies go through the SQS store's one enqueue.
import type { NewOutboxItem, OutboxStore } from "../../delivery/store.ts";
import type { QueueWrite } from "../../services/sqs/index.ts";
import { byDue, OUTBOX_COLS, type OutboxDbRow, outboxValues, toOutboxRow } from "../outbox-rows.ts";
import type { SqliteDb } from "./db.ts";
import type { SqliteSqsStore } from "./sqs-store.ts";

export class SqliteOutbox implements OutboxStore {
  private readonly sql: SqliteDb;
  private readonly sqs: SqliteSqsStore;
  private readonly s: ReturnType<typeof prepare>;

  constructor(sql: SqliteDb, sqs: SqliteSqsStore) {
    this.sql = sql;
    this.sqs = sqs;
    this.s = prepare(sql.db);
  }

  /** Adds rows inside the caller's SqliteDb.write (the caller's transaction). */
  addInTransaction(items: NewOutboxItem[], now: number): void {
    for (const o of items) this.s.insert.run(...outboxValues(o, now));
  }

  async add(items: NewOutboxItem[], now: number) {
    await this.sql.write(() => this.addInTransaction(items, now));
  }

  async claim(now: number, leaseMs: number, max: number) {
    return this.sql.write(() => (this.s.claim.all(now + leaseMs, now, now, max) as OutboxDbRow[]).map(toOutboxRow).sort(byDue));
  }

  async finish(id: number, now: number, then?: QueueWrite[]) {
    await this.sql.write(() => {
      this.s.delete.run(id);
      if (then) this.sqs.enqueueInTransaction(then, now);
    });
  }

  async retry(id: number, attempts: number, firstAttemptAt: number | undefined, dueAt: number) {
    await this.sql.write(() => this.s.retry.run(attempts, firstAttemptAt ?? null, dueAt, id));
  }

  async nextDue() {
    return (this.s.nextDue.pluck().get() as number | null) ?? undefined;
  }
}

function prepare(db: SqliteDb["db"]) {
  return {
    insert: db.prepare(
      "INSERT INTO delivery_outbox (kind, target, detail, payload, policy, dead_letter, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    claim: db.prepare(
      `UPDATE delivery_outbox SET leased_until = ? WHERE id IN (SELECT id FROM delivery_outbox WHERE due_at <= ? AND leased_until <= ?
       ORDER BY due_at, id LIMIT ?) RETURNING ${OUTBOX_COLS}`,
    ),
    delete: db.prepare("DELETE FROM delivery_outbox WHERE id = ?"),
    retry: db.prepare("UPDATE delivery_outbox SET attempts = ?, first_attempt_at = ?, due_at = ?, leased_until = 0 WHERE id = ?"),
    nextDue: db.prepare("SELECT MIN(MAX(due_at, leased_until)) FROM delivery_outbox"),
  };
}
