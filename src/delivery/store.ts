// The delivery engine's storage port: a durable outbox of work that cannot be done in the caller's transaction
// (HTTP/S, later Kinesis, Lambda-like and cross-region targets). One generic table per backend (delivery_outbox):
// destination (kind + target + detail), payload, due time, attempts, first-attempt time, lease, retry policy, DLQ.
// Rows are added inside the caller's transaction (SQLite: SqliteOutbox.addInTransaction inside the same
// SqliteDb.write; PostgreSQL: addOutboxInTransaction on the caller's client), or alone by `add`.
import type { QueueWrite } from "../services/sqs/index.ts";
import type { NewOutboxItem, OutboxRow } from "./types.ts";

export type { DeadLetter, NewOutboxItem, OutboxRow } from "./types.ts";

export interface OutboxStore {
  add(items: NewOutboxItem[], now: number): Promise<void>;
  /** Claims up to max rows due at now for leaseMs, earliest first (FOR UPDATE SKIP LOCKED on PostgreSQL). */
  claim(now: number, leaseMs: number, max: number): Promise<OutboxRow[]>;
  /** Done (delivered, dropped or given up): the row goes; `then` (the dead-letter copy) goes through the SQS store's one enqueue in the same transaction. */
  finish(id: number, now: number, then?: QueueWrite[]): Promise<void>;
  /** Not done: next attempt at dueAt (the lease is released). */
  retry(id: number, attempts: number, firstAttemptAt: number | undefined, dueAt: number): Promise<void>;
  /** Earliest time a row becomes claimable (due and unleased), for the scheduler. */
  nextDue(): Promise<number | undefined>;
}
