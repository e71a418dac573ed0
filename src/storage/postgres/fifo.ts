// FIFO parts of the PostgreSQL adapter. Sends lock the queue row (its sequence counter), so deduplication
// checks and sequence numbers of one queue are serialised across nodes. Receives take a transaction-scoped
// advisory lock per (queue, message group) with pg_try_advisory_xact_lock, skipping groups another node is
// claiming from, and re-read the group after locking, so two nodes never hand out two messages of one group.
// Which groups to try comes from fifo-groups.ts, which reads only a bounded part of the queue.
import type { FifoSendResult, NewFifoMessage, ReceiveOptions, StoredMessage } from "../../services/sqs/store.ts";
import { type MessageRow, packAttrs, toMessage } from "../sqs-rows.ts";
import type { PgDb, Queryable } from "./db.ts";
import { candidateGroups } from "./fifo-groups.ts";

export function enqueueFifo(db: PgDb, queueId: number, messages: NewFifoMessage[], now: number, windowMs: number): Promise<FifoSendResult[]> {
  return db.tx(async (c) => {
    const out = await appendFifo(c, queueId, messages, now, windowMs);
    if (!out) throw new Error(`queue ${queueId} does not exist`);
    return out;
  });
}

/**
 * FIFO sends inside the caller's transaction (SQS sends, and SNS deliveries in the publish's transaction): in order,
 * each message whose dedupKey was not stored within the window gets the queue's next sequence number. Undefined when
 * the queue does not exist.
 */
export async function appendFifo(c: Queryable, queueId: number, messages: NewFifoMessage[], now: number, windowMs: number): Promise<FifoSendResult[] | undefined> {
  const q = await c.query<{ fifo_seq: number }>("SELECT fifo_seq FROM sqs_queues WHERE id = $1 FOR UPDATE", [queueId]);
  if (!q.rows[0]) return undefined;
  let seq = q.rows[0].fifo_seq;
  const out: FifoSendResult[] = [];
  for (const m of messages) {
    const dup = await c.query<{ message_id: string; sequence_number: number }>(
      "SELECT message_id, sequence_number FROM sqs_fifo_dedup WHERE queue_id = $1 AND dedup_key = $2 AND expires_at > $3",
      [queueId, m.dedupKey, now],
    );
    if (dup.rows[0]) {
      out.push({ messageId: dup.rows[0].message_id, sequenceNumber: dup.rows[0].sequence_number, duplicate: true });
      continue;
    }
    seq++;
    await c.query(
      `INSERT INTO sqs_fifo_dedup (queue_id, dedup_key, message_id, sequence_number, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (queue_id, dedup_key) DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number,
       expires_at = excluded.expires_at`,
      [queueId, m.dedupKey, m.messageId, seq, now + windowMs],
    );
    await c.query(
      `INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, attributes, md5_attributes, system_attributes,
       md5_system_attributes, sender_id, message_group_id, sent_at, visible_at, sequence_number, deduplication_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [queueId, m.messageId, m.body, m.md5OfBody, packAttrs(m.attributes), m.md5OfAttributes ?? null, packAttrs(m.systemAttributes),
        m.md5OfSystemAttributes ?? null, m.senderId, m.messageGroupId, now, m.visibleAt, seq, m.deduplicationId],
    );
    out.push({ messageId: m.messageId, sequenceNumber: seq, duplicate: false });
  }
  await c.query("UPDATE sqs_queues SET fifo_seq = $1 WHERE id = $2", [seq, queueId]);
  return out;
}

export function receiveFifo(db: PgDb, queueId: number, o: ReceiveOptions): Promise<StoredMessage[]> {
  return db.tx(async (c) => {
    const attemptId = o.fifo?.attemptId;
    if (attemptId !== undefined) {
      const prev = await c.query<{ claims: string }>(
        "SELECT claims FROM sqs_fifo_receive_attempts WHERE queue_id = $1 AND attempt_id = $2 AND expires_at > $3",
        [queueId, attemptId, o.now],
      );
      if (prev.rows[0]) return renew(c, queueId, o, JSON.parse(prev.rows[0].claims) as [number, string][]);
    }
    const out: StoredMessage[] = [];
    const walk = { queueId, now: o.now, expiredBefore: o.expiredBefore, max: o.max };
    for await (const group of candidateGroups(c, walk)) {
      if (out.length >= o.max) break;
      const locked = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1::int, hashtext($2)) AS ok", [queueId, group]);
      if (!locked.rows[0].ok) continue; // another node is claiming from this group
      // Re-check the group now that it is ours: a claim committed since the walk read it blocks it.
      if (await groupInFlight(c, queueId, group, o)) continue;
      await takeGroup(c, queueId, group, o, out);
    }
    if (attemptId !== undefined && out.length > 0) {
      await c.query(
        `INSERT INTO sqs_fifo_receive_attempts (queue_id, attempt_id, expires_at, claims) VALUES ($1, $2, $3, $4)
         ON CONFLICT (queue_id, attempt_id) DO UPDATE SET expires_at = excluded.expires_at, claims = excluded.claims`,
        [queueId, attemptId, o.now + (o.fifo?.attemptWindowMs ?? 0), JSON.stringify(out.map((m) => [m.rowId, m.receiptNonce]))],
      );
    }
    return out;
  });
}

/**
 * Whether one of the group's unexpired messages is in flight (the group ready index finds it among few rows;
 * `sent_at + 0` keeps the prepared generic plan off the sent index, which reads the whole queue).
 */
async function groupInFlight(c: Queryable, queueId: number, group: string, o: ReceiveOptions): Promise<boolean> {
  const r = await c.query(
    `SELECT 1 FROM sqs_messages WHERE queue_id = $1 AND message_group_id = $2 AND visible_at > $3 AND receive_count > 0
     AND sent_at + 0 >= $4 LIMIT 1`,
    [queueId, group, o.now, o.expiredBefore],
  );
  return r.rows.length > 0;
}

interface PrefixRow {
  id: number;
  seq: number;
  visibleAt: number;
  receiveCount: number;
}

/** The group's next `limit` unexpired messages after (seq, id) in sequence order, by the (queue, group, sequence) index. */
async function groupPage(c: Queryable, queueId: number, group: string, o: ReceiveOptions, after: { seq: number; id: number }, limit: number): Promise<PrefixRow[]> {
  const r = await c.query<PrefixRow>(
    `SELECT id, sequence_number AS seq, visible_at AS "visibleAt", receive_count AS "receiveCount" FROM sqs_messages
     WHERE queue_id = $1 AND message_group_id = $2 AND sequence_number IS NOT NULL AND sent_at + 0 >= $3
       AND (sequence_number, id) > ($4, $5) ORDER BY sequence_number, id LIMIT $6`,
    [queueId, group, o.expiredBefore, after.seq, after.id, limit],
  );
  return r.rows;
}

/** Claims the group's ready prefix (up to its first message not yet visible) into `out` until it holds o.max. */
async function takeGroup(c: Queryable, queueId: number, group: string, o: ReceiveOptions, out: StoredMessage[]): Promise<void> {
  let after = { seq: -1, id: -1 };
  while (out.length < o.max) {
    const want = o.max - out.length;
    const rows = await groupPage(c, queueId, group, o, after, want);
    for (const r of rows) {
      if (r.visibleAt > o.now) return; // the end of the ready prefix
      await claimOrMove(c, r, o, out);
    }
    if (rows.length < want) return;
    after = rows[rows.length - 1];
  }
}

/** Claims one ready message into `out`, or moves it to the dead-letter queue when it has been received maxReceiveCount times. */
async function claimOrMove(c: Queryable, r: PrefixRow, o: ReceiveOptions, out: StoredMessage[]): Promise<void> {
  if (o.redrive && r.receiveCount >= o.redrive.maxReceiveCount) {
    // Moved in group order with the dead-letter queue's next sequence number, so the DLQ keeps group order; the
    // message id becomes its deduplication id (SQS developer guide, "Configure a dead-letter queue redrive").
    const dlq = o.redrive.deadLetterQueueId;
    const seq = await c.query<{ fifo_seq: number }>("UPDATE sqs_queues SET fifo_seq = fifo_seq + 1 WHERE id = $1 RETURNING fifo_seq", [dlq]);
    await c.query(
      `UPDATE sqs_messages SET queue_id = $1, visible_at = $2, receive_count = 0, first_received_at = 0, received_at = 0,
       receipt_nonce = '', dead_letter_source_arn = $3, sequence_number = $4, deduplication_id = message_id WHERE id = $5`,
      [dlq, o.now, o.redrive.sourceArn, seq.rows[0]?.fifo_seq ?? 0, r.id],
    );
    // (before the commit: a transaction retried after a serialization failure may count a move twice)
    o.deadLettered?.(1);
    return;
  }
  const row = await c.query<MessageRow>(
    `UPDATE sqs_messages SET visible_at = $1, receive_count = receive_count + 1,
     first_received_at = CASE WHEN first_received_at = 0 THEN $2 ELSE first_received_at END, received_at = $2,
     receipt_nonce = $3 WHERE id = $4 RETURNING *`,
    [o.now + o.visibilityMs, o.now, o.nonces[out.length], r.id],
  );
  out.push(toMessage(row.rows[0]));
}

/** A retried attempt: the same messages and receipt handles, visibility reset (ReceiveMessage API reference, ReceiveRequestAttemptId). */
async function renew(c: Queryable, queueId: number, o: ReceiveOptions, claims: [number, string][]): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  for (const [id, nonce] of claims) {
    const r = await c.query<MessageRow>(
      "UPDATE sqs_messages SET visible_at = $1 WHERE id = $2 AND queue_id = $3 AND receipt_nonce = $4 RETURNING *",
      [o.now + o.visibilityMs, id, queueId, nonce],
    );
    if (r.rows[0]) out.push(toMessage(r.rows[0]));
  }
  return out;
}
