// Row shapes of delivery_outbox, shared by the SQLite and PostgreSQL adapters.
import type { NewOutboxItem, OutboxRow } from "../delivery/store.ts";

export interface OutboxDbRow {
  id: number; kind: string; target: string; detail: string; payload: string; policy: string | null; dead_letter: string | null;
  due_at: number; attempts: number; first_attempt_at: number | null; created_at: number;
}

export const OUTBOX_COLS = "id, kind, target, detail, payload, policy, dead_letter, due_at, attempts, first_attempt_at, created_at";

export function toOutboxRow(r: OutboxDbRow): OutboxRow {
  return {
    id: Number(r.id), kind: r.kind, target: r.target, detail: r.detail, payload: r.payload,
    policy: r.policy === null ? undefined : JSON.parse(r.policy), deadLetter: r.dead_letter === null ? undefined : JSON.parse(r.dead_letter),
    dueAt: Number(r.due_at), attempts: r.attempts, firstAttemptAt: r.first_attempt_at === null ? undefined : Number(r.first_attempt_at),
    createdAt: Number(r.created_at),
  };
}

/** Insert values in column order: kind, target, detail, payload, policy, dead_letter, due_at, created_at. */
export function outboxValues(o: NewOutboxItem, now: number): unknown[] {
  return [o.kind, o.target, o.detail ?? "", o.payload, o.policy ? JSON.stringify(o.policy) : null, o.deadLetter ? JSON.stringify(o.deadLetter) : null, o.dueAt, now];
}

export const byDue = (a: OutboxRow, b: OutboxRow) => a.dueAt - b.dueAt || a.id - b.id;
