// FIFO parts of the SQLite adapter: sequence numbers, durable deduplication records, group-ordered claims and
// receive attempts. A receive walks the queue's in-memory FIFO index (fifo-index.ts, ADR 0006), which decides
// which messages, and claims each by primary key; it reads no more rows than it takes.
import type Database from "better-sqlite3";
import type { ReceiveOptions, StoredMessage } from "../../services/sqs/store.ts";
import { type MessageRow, toMessage } from "../sqs-rows.ts";
import type { FifoEntry, FifoQueueIndex } from "./fifo-index.ts";

export type FifoStatements = ReturnType<typeof prepareFifo>;

export function prepareFifo(db: Database.Database) {
  return {
    dedupOf: db.prepare("SELECT message_id, sequence_number FROM sqs_fifo_dedup WHERE queue_id = ? AND dedup_key = ? AND expires_at > ?"),
    nextSeq: db.prepare("UPDATE sqs_queues SET fifo_seq = fifo_seq + 1 WHERE id = ? RETURNING fifo_seq"),
    putDedup: db.prepare("INSERT OR REPLACE INTO sqs_fifo_dedup (queue_id, dedup_key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)"),
    insert: db.prepare(
      `INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, attributes, md5_attributes, system_attributes,
       md5_system_attributes, sender_id, message_group_id, sent_at, visible_at, sequence_number, deduplication_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    indexRows: db.prepare(
      `SELECT id, coalesce(sequence_number, -9007199254740991) AS seq, coalesce(message_group_id, '') AS "group",
       visible_at AS visibleAt, sent_at AS sentAt, receive_count AS receiveCount FROM sqs_messages WHERE queue_id = ?`,
    ),
    // A message moved to a FIFO DLQ gets its message id as deduplication id (SQS developer guide, "Configure a
    // dead-letter queue redrive": so the DLQ's deduplication cannot merge two independent messages).
    moveToDeadLetter: db.prepare(
      `UPDATE sqs_messages SET queue_id = ?, visible_at = ?, receive_count = 0, first_received_at = 0, receipt_nonce = '',
       dead_letter_source_arn = ?, sequence_number = ?, deduplication_id = message_id WHERE id = ?`,
    ),
    attemptOf: db.prepare("SELECT claims FROM sqs_fifo_receive_attempts WHERE queue_id = ? AND attempt_id = ? AND expires_at > ?"),
    putAttempt: db.prepare("INSERT OR REPLACE INTO sqs_fifo_receive_attempts (queue_id, attempt_id, expires_at, claims) VALUES (?, ?, ?, ?)"),
    renew: db.prepare("UPDATE sqs_messages SET visible_at = ? WHERE id = ? AND queue_id = ? AND receipt_nonce = ? RETURNING *"),
    deleteExpiredDedup: db.prepare("DELETE FROM sqs_fifo_dedup WHERE expires_at <= ?"),
    deleteExpiredAttempts: db.prepare("DELETE FROM sqs_fifo_receive_attempts WHERE expires_at <= ?"),
  };
}

/** A message moved to the dead-letter queue by a receive, with its new sequence number there. */
export interface DeadLettered {
  entry: FifoEntry;
  seq: number;
}

/**
 * A FIFO receive, inside one write transaction. `claim` is the adapter's claim-by-id statement; `idx` the queue's
 * FIFO index, kept in step here; messages moved to the dead-letter queue are reported to `deadLettered` after the
 * walk, so the caller can feed the dead-letter queue's index.
 */
export function receiveFifo(
  claim: Database.Statement, f: FifoStatements, idx: FifoQueueIndex, queueId: number, o: ReceiveOptions,
  deadLettered: (moved: DeadLettered[]) => void,
): StoredMessage[] {
  const attemptId = o.fifo?.attemptId;
  if (attemptId !== undefined) {
    const previous = f.attemptOf.pluck().get(queueId, attemptId, o.now) as string | undefined;
    if (previous !== undefined) {
      // A retried attempt returns the same messages and receipt handles and resets their visibility timeout
      // (ReceiveMessage API reference, ReceiveRequestAttemptId); messages deleted or re-received since are left out.
      const out: StoredMessage[] = [];
      for (const [id, nonce] of JSON.parse(previous) as [number, string][]) {
        const row = f.renew.get(o.now + o.visibilityMs, id, queueId, nonce) as MessageRow | undefined;
        if (!row) continue;
        idx.setVisibleAt(id, row.visible_at);
        out.push(toMessage(row));
      }
      return out;
    }
  }
  const out: StoredMessage[] = [];
  const moved: DeadLettered[] = [];
  if (o.max > 0) {
    idx.walk(o.now, o.expiredBefore, (e) => {
      if (o.redrive && e.receiveCount >= o.redrive.maxReceiveCount) {
        // Moved in group order with the dead-letter queue's next sequence number, so the DLQ keeps group order.
        const seq = f.nextSeq.pluck().get(o.redrive.deadLetterQueueId) as number;
        f.moveToDeadLetter.run(o.redrive.deadLetterQueueId, o.now, o.redrive.sourceArn, seq, e.id);
        moved.push({ entry: { ...e }, seq });
        idx.remove(e.id);
        return true;
      }
      const row = claim.get(o.now + o.visibilityMs, o.now, o.now, o.nonces[out.length], e.id) as MessageRow | undefined;
      if (!row) {
        idx.remove(e.id); // not in storage any more (cannot happen while every writer keeps the index in step)
        return true;
      }
      idx.claimed(e.id, row.visible_at, row.receive_count);
      out.push(toMessage(row));
      return out.length < o.max;
    });
  }
  if (moved.length > 0) deadLettered(moved);
  if (attemptId !== undefined && out.length > 0) {
    f.putAttempt.run(queueId, attemptId, o.now + (o.fifo?.attemptWindowMs ?? 0), JSON.stringify(out.map((m) => [m.rowId, m.receiptNonce])));
  }
  return out;
}
