// PostgreSQL adapter of the delivery outbox (src/delivery/store.ts), safe for many nodes: a claim locks due, unleased
// rows with FOR UPDATE SKIP LOCKED and leases them in one statement, so each row is attempted by one node at a time.
// Dead-letter copies go through the SQS adapter's one enqueue (enqueue.ts) in the transaction that removes the row.
import type { NewOutboxItem, OutboxStore } from "../../delivery/store.ts";
import type { QueueWrite } from "../../services/sqs/index.ts";
import { byDue, OUTBOX_COLS, type OutboxDbRow, outboxValues, toOutboxRow } from "../outbox-rows.ts";
import type { PgDb, Queryable } from "./db.ts";
import { enqueueInTransaction } from "./enqueue.ts";

const INSERT = "INSERT INTO delivery_outbox (kind, target, detail, payload, policy, dead_letter, due_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/** Adds rows on the caller's transaction client. */
export async function addOutboxInTransaction(c: Queryable, items: NewOutboxItem[], now: number): Promise<void> {
  for (const o of items) await c.query(INSERT, outboxValues(o, now));
}

export class PgOutbox implements OutboxStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  async add(items: NewOutboxItem[], now: number) {
    for (const o of items) await this.db.query(INSERT, outboxValues(o, now));
  }

  async claim(now: number, leaseMs: number, max: number) {
    const r = await this.db.query<OutboxDbRow>(
      `UPDATE delivery_outbox SET leased_until = $1 WHERE id IN (
         SELECT id FROM delivery_outbox WHERE due_at <= $2 AND leased_until <= $2 ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${OUTBOX_COLS}`,
      [now + leaseMs, now, max],
    );
    return r.rows.map(toOutboxRow).sort(byDue);
  }

  async finish(id: number, now: number, then?: QueueWrite[]) {
    if (!then?.length) {
      await this.db.query("DELETE FROM delivery_outbox WHERE id = $1", [id]);
      return;
    }
    await this.db.tx(async (c) => {
      await c.query("DELETE FROM delivery_outbox WHERE id = $1", [id]);
      await enqueueInTransaction(c, then, now);
    });
  }

  async retry(id: number, attempts: number, firstAttemptAt: number | undefined, dueAt: number) {
    await this.db.query("UPDATE delivery_outbox SET attempts = $1, first_attempt_at = $2, due_at = $3, leased_until = 0 WHERE id = $4", [
      attempts, firstAttemptAt ?? null, dueAt, id,
    ]);
  }

  async nextDue() {
    const r = await this.db.query<{ d: number | null }>("SELECT MIN(GREATEST(due_at, leased_until)) AS d FROM delivery_outbox");
    const d = r.rows[0]?.d;
    return d === null || d === undefined ? undefined : Number(d);
  }
}
