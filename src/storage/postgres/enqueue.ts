// The one enqueue of the PostgreSQL adapter: every row that enters sqs_messages is written here, by SQS sends (the
// turn-merged standard INSERT and FIFO sends), and by whoever writes messages into a queue inside its own transaction
// (the delivery engine for SNS fan-out and dead-letter copies). FIFO messages go through the queue's deduplication and
// sequence counter (fifo.ts appendFifo, on the same transaction client).
import type { NewMessage, QueueWrite } from "../../services/sqs/store.ts";
import { packAttrs } from "../sqs-rows.ts";
import type { Queryable } from "./db.ts";
import { appendFifo } from "./fifo.ts";

/** A pool (PgDb, prepared statements) or a transaction's client. */
type Runner = { query(text: string, values?: unknown[]): Promise<unknown> };

/** Standard messages, one multi-row INSERT; `now` per row. With `skipMissing`, rows of queues deleted meanwhile are left out (no FK failure). */
export async function insertStandard(
  c: Runner, items: { queueId: number; messages: NewMessage[]; now: number }[], skipMissing: boolean,
): Promise<void> {
  const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], []];
  for (const { queueId, messages, now } of items) {
    for (const m of messages) {
      cols[0].push(queueId); cols[1].push(m.messageId); cols[2].push(m.body); cols[3].push(m.md5OfBody);
      cols[4].push(packAttrs(m.attributes)); cols[5].push(m.md5OfAttributes ?? null); cols[6].push(packAttrs(m.systemAttributes));
      cols[7].push(m.md5OfSystemAttributes ?? null); cols[8].push(m.senderId); cols[9].push(m.messageGroupId ?? null);
      cols[10].push(m.visibleAt); cols[11].push(now);
    }
  }
  await c.query(skipMissing ? INSERT_GUARDED : INSERT, cols);
}

const UNNEST = `unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::bigint[], $12::bigint[])`;
const COLS = `INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, attributes, md5_attributes, system_attributes,
         md5_system_attributes, sender_id, message_group_id, visible_at, sent_at)`;
const INSERT = `${COLS} SELECT * FROM ${UNNEST}`;
const INSERT_GUARDED = `${COLS} SELECT q, mid, b, mb, a, ma, sa, msa, s, g, v, t FROM ${UNNEST}
       WITH ORDINALITY AS u(q, mid, b, mb, a, ma, sa, msa, s, g, v, t, o) WHERE EXISTS (SELECT 1 FROM sqs_queues WHERE id = u.q) ORDER BY o`;

/**
 * Messages into queues inside the caller's transaction (another store's: SNS publish, the delivery outbox): FIFO ones
 * through deduplication and the sequence counter, in order, standard ones in one statement. Queues deleted since the
 * caller resolved them are skipped.
 */
export async function enqueueInTransaction(c: Queryable, items: QueueWrite[], now: number): Promise<void> {
  for (const d of items) if (d.fifo) await appendFifo(c, d.queueId, [d.message], now, d.fifo.dedupWindowMs);
  const standard = items.filter((d) => !d.fifo);
  if (standard.length === 0) return;
  await insertStandard(c, standard.map((d) => ({ queueId: d.queueId, messages: [d.message], now })), true);
}
