// PostgreSQL adapter of the SQS storage port, safe for many Mailroom nodes on one database: receives claim
// rows with FOR UPDATE SKIP LOCKED in one statement (moving over-received messages to the dead-letter
// queue in the same statement), and every other change is a single statement or one transaction.
import type {
  FifoSendResult, MoveCandidate, MoveItem, MoveTask, NewMoveTask, NewFifoMessage, NewMessage, QueueCounts,
  QueueGauge, QueueKey, QueueRecord, QueueSettings, Receipt, ReceiptOutcome, ReceiveOptions, SqsStore, StoredMessage,
} from "../../services/sqs/store.ts";
import { MOVE_TASK_COLS, type MessageRow, type MoveTaskRow, type QueueRow, toMessage, toMessageDecoding, toMoveTask, toQueue } from "../sqs-rows.ts";
import type { PgDb, Queryable } from "./db.ts";
import { insertStandard } from "./enqueue.ts";
import { enqueueFifo, receiveFifo } from "./fifo.ts";
import { ItemFailure, TurnBatcher } from "./turn-batch.ts";

const QUEUE_COLS = "id, account, region, name, attributes, tags, created_at, modified_at, purged_at";
const NO_REDRIVE = 2_147_483_647;
/** How many message groups one fair receive looks at (from a random starting group, wrapping around). */
const FAIR_GROUPS = 100;

// Candidates of a receive, oldest first ($1 queue, $2 now, $3 expiredBefore, $4 how many, $10 rows to skip), each row
// locked with SKIP LOCKED so concurrent receivers (other nodes) never claim one row twice.
const OLDEST_CANDIDATES = `cand AS (
           SELECT id, receive_count, row_number() OVER (ORDER BY visible_at, id) AS rn FROM (
             SELECT id, receive_count, visible_at FROM sqs_messages
             WHERE queue_id = $1 AND visible_at <= $2 AND sent_at >= $3 AND NOT (id = ANY($10::bigint[]))
             ORDER BY visible_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) s)`;

// Fair queues: the same, but message groups take turns. Up to $12 groups are found by a skip scan of the group index
// starting after $11 (random) and wrapping around; each group's (and the ungrouped messages') oldest $4 ready rows are
// ranked within their group, the lowest ranks are taken first, and only those rows are locked.
const FAIR_CANDIDATES = `RECURSIVE
         g1 AS (
           (SELECT message_group_id AS k, 1 AS n FROM sqs_messages WHERE queue_id = $1 AND message_group_id > $11
            ORDER BY message_group_id LIMIT 1)
           UNION ALL
           SELECT (SELECT message_group_id FROM sqs_messages WHERE queue_id = $1 AND message_group_id > g1.k
                   ORDER BY message_group_id LIMIT 1), g1.n + 1 FROM g1 WHERE g1.k IS NOT NULL AND g1.n < $12),
         g2 AS (
           (SELECT message_group_id AS k, 1 AS n FROM sqs_messages WHERE queue_id = $1 AND message_group_id IS NOT NULL
            ORDER BY message_group_id LIMIT 1)
           UNION ALL
           SELECT (SELECT message_group_id FROM sqs_messages WHERE queue_id = $1 AND message_group_id > g2.k
                   ORDER BY message_group_id LIMIT 1), g2.n + 1 FROM g2 WHERE g2.k IS NOT NULL AND g2.k <= $11 AND g2.n < $12),
         grp AS (SELECT k FROM g1 WHERE k IS NOT NULL UNION SELECT k FROM g2 WHERE k IS NOT NULL AND k <= $11),
         heads AS (
           SELECT r.id, r.visible_at, r.grank FROM grp CROSS JOIN LATERAL (
             SELECT id, visible_at, row_number() OVER (ORDER BY visible_at, id) AS grank FROM (
               SELECT id, visible_at FROM sqs_messages
               WHERE queue_id = $1 AND message_group_id = grp.k AND visible_at <= $2 AND sent_at >= $3 AND NOT (id = ANY($10::bigint[]))
               ORDER BY visible_at, id LIMIT $4) x) r
           UNION ALL
           SELECT id, visible_at, row_number() OVER (ORDER BY visible_at, id) FROM (
             SELECT id, visible_at FROM sqs_messages
             WHERE queue_id = $1 AND message_group_id IS NULL AND visible_at <= $2 AND sent_at >= $3 AND NOT (id = ANY($10::bigint[]))
             ORDER BY visible_at, id LIMIT $4) u),
         picked AS (SELECT id, grank, visible_at FROM heads ORDER BY grank, visible_at, id LIMIT $4),
         cand AS (
           SELECT id, receive_count, row_number() OVER (ORDER BY grank, visible_at, id) AS rn FROM (
             SELECT m.id, m.receive_count, p.grank, p.visible_at FROM sqs_messages m JOIN picked p ON p.id = m.id
             WHERE m.queue_id = $1 AND m.visible_at <= $2 FOR UPDATE OF m SKIP LOCKED) s)`;

interface EnqueueItem {
  queueId: number;
  messages: NewMessage[];
  now: number;
}
interface ReceiveItem {
  queueId: number;
  o: ReceiveOptions;
}
interface DeleteItem {
  queueId: number;
  rowId: number;
  nonce: string;
  inFlightAt: number;
}

/**
 * Sequence numbers for moved messages bound for FIFO queues (null for standard ones): each FIFO destination's counter
 * is advanced once for its items, which take the numbers in their order, so moved messages keep their order.
 */
async function sequenceNumbers(c: Queryable, items: MoveItem[]): Promise<(number | null)[]> {
  const out: (number | null)[] = items.map(() => null);
  for (const queueId of new Set(items.filter((i) => i.fifo).map((i) => i.queueId))) {
    const mine = items.flatMap((it, k) => (it.fifo && it.queueId === queueId ? [k] : []));
    const r = await c.query<{ fifo_seq: number }>("UPDATE sqs_queues SET fifo_seq = fifo_seq + $1 WHERE id = $2 RETURNING fifo_seq", [mine.length, queueId]);
    const last = r.rows[0]?.fifo_seq ?? 0;
    mine.forEach((k, n) => (out[k] = last - mine.length + 1 + n));
  }
  return out;
}

export class PgSqsStore implements SqsStore {
  private readonly db: PgDb;
  private readonly inserts = new TurnBatcher<EnqueueItem, void>((items) => this.insertAll(items));
  private readonly receives = new TurnBatcher<ReceiveItem, StoredMessage[]>((items) => this.receiveAll(items));
  private readonly grouped = new Map<number, { yes: boolean; at: number }>();
  private readonly deletes = new TurnBatcher<DeleteItem, ReceiptOutcome>((items) => this.deleteAll(items));

  constructor(db: PgDb) {
    this.db = db;
  }

  async createQueue(key: QueueKey, settings: QueueSettings, tags: Record<string, string>, now: number): Promise<{ queue: QueueRecord; created: boolean }> {
    const inserted = await this.db.query<QueueRow>(
      `INSERT INTO sqs_queues (account, region, name, attributes, tags, retention_ms, dead_letter_arn, created_at, modified_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (account, region, name) DO NOTHING RETURNING ${QUEUE_COLS}`,
      [key.account, key.region, key.name, JSON.stringify(settings.attributes), JSON.stringify(tags), settings.retentionMs, settings.deadLetterArn ?? null, now],
    );
    if (inserted.rows[0]) return { queue: toQueue(inserted.rows[0]), created: true };
    const existing = await this.getQueue(key);
    if (!existing) return this.createQueue(key, settings, tags, now); // deleted in between: try again
    return { queue: existing, created: false };
  }

  async getQueue(key: QueueKey) {
    const r = await this.db.query<QueueRow>(`SELECT ${QUEUE_COLS} FROM sqs_queues WHERE account = $1 AND region = $2 AND name = $3`, [key.account, key.region, key.name]);
    return r.rows[0] && toQueue(r.rows[0]);
  }

  async getQueueById(id: number) {
    const r = await this.db.query<QueueRow>(`SELECT ${QUEUE_COLS} FROM sqs_queues WHERE id = $1`, [id]);
    return r.rows[0] && toQueue(r.rows[0]);
  }

  async listQueues(account: string, region: string, prefix: string, after: string, limit: number) {
    const r = await this.db.query<QueueRow>(
      `SELECT ${QUEUE_COLS} FROM sqs_queues WHERE account = $1 AND region = $2 AND name > $3 AND starts_with(name, $4)
       ORDER BY name LIMIT $5`,
      [account, region, after, prefix, limit],
    );
    return r.rows.map(toQueue);
  }

  async listDeadLetterSources(account: string, region: string, deadLetterArn: string, after: string, limit: number) {
    const r = await this.db.query<QueueRow>(
      `SELECT ${QUEUE_COLS} FROM sqs_queues WHERE dead_letter_arn = $1 AND account = $2 AND region = $3 AND name > $4 ORDER BY name LIMIT $5`,
      [deadLetterArn, account, region, after, limit],
    );
    return r.rows.map(toQueue);
  }

  async deleteQueue(id: number, now: number) {
    await this.db.tx(async (c) => {
      const r = await c.query<QueueRow>(`DELETE FROM sqs_queues WHERE id = $1 RETURNING ${QUEUE_COLS}`, [id]);
      const q = r.rows[0];
      if (!q) return;
      await c.query(
        `INSERT INTO sqs_deleted_queues (account, region, name, deleted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account, region, name) DO UPDATE SET deleted_at = excluded.deleted_at`,
        [q.account, q.region, q.name, now],
      );
    });
  }

  async lastDeletedAt(key: QueueKey) {
    const r = await this.db.query<{ deleted_at: number }>(
      "SELECT deleted_at FROM sqs_deleted_queues WHERE account = $1 AND region = $2 AND name = $3",
      [key.account, key.region, key.name],
    );
    return r.rows[0]?.deleted_at;
  }

  async setAttributes(id: number, settings: QueueSettings, now: number) {
    await this.db.query("UPDATE sqs_queues SET attributes = $1, retention_ms = $2, dead_letter_arn = $3, modified_at = $4 WHERE id = $5", [
      JSON.stringify(settings.attributes), settings.retentionMs, settings.deadLetterArn ?? null, now, id,
    ]);
  }

  async setTags(id: number, tags: Record<string, string>) {
    await this.db.query("UPDATE sqs_queues SET tags = $1 WHERE id = $2", [JSON.stringify(tags), id]);
  }

  async purge(id: number, now: number) {
    await this.db.tx(async (c) => {
      await c.query("DELETE FROM sqs_messages WHERE queue_id = $1 AND sent_at <= $2", [id, now]);
      await c.query("UPDATE sqs_queues SET purged_at = $1 WHERE id = $2", [now, id]);
    });
  }

  enqueue(queueId: number, messages: NewMessage[], now: number): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return this.inserts.add({ queueId, messages, now });
  }

  enqueueFifo(queueId: number, messages: NewFifoMessage[], now: number, dedupWindowMs: number): Promise<FifoSendResult[]> {
    return enqueueFifo(this.db, queueId, messages, now, dedupWindowMs);
  }

  /** One multi-row INSERT for every send of the turn; if it fails, each send is tried alone so one bad one fails alone. */
  private async insertAll(items: EnqueueItem[]): Promise<(void | ItemFailure)[]> {
    try {
      await this.insertRows(items);
      return items.map(() => undefined);
    } catch (e) {
      if (items.length === 1) throw e;
      const results = await Promise.allSettled(items.map((it) => this.insertRows([it])));
      return results.map((r) => (r.status === "fulfilled" ? undefined : new ItemFailure(r.reason)));
    }
  }

  private insertRows(items: EnqueueItem[]): Promise<void> {
    return insertStandard(this.db, items, false);
  }

  receive(queueId: number, o: ReceiveOptions): Promise<StoredMessage[]> {
    if (o.fifo) return receiveFifo(this.db, queueId, o);
    // Receives of one queue with the same visibility and redrive settings in one turn share one claim.
    const group = `${queueId}|${o.visibilityMs}|${o.redrive ? `${o.redrive.deadLetterQueueId}/${o.redrive.maxReceiveCount}` : ""}`;
    return this.receives.add({ queueId, o }, group);
  }

  private async receiveAll(items: ReceiveItem[]): Promise<StoredMessage[][]> {
    const first = items[0];
    const now = Math.min(...items.map((it) => it.o.now));
    const expiredBefore = Math.max(...items.map((it) => it.o.expiredBefore));
    const max = items.reduce((n, it) => n + it.o.max, 0);
    const nonces = items.flatMap((it) => it.o.nonces.slice(0, it.o.max));
    // Attributes are parsed when any merged receive answers with them (absent decode: always).
    const decode = items.every((it) => it.o.decode) ? {
      attributes: items.some((it) => it.o.decode?.attributes), systemAttributes: items.some((it) => it.o.decode?.systemAttributes),
    } as ReceiveOptions["decode"] : undefined;
    const all = await this.claim(first.queueId, { ...first.o, now, expiredBefore, max, nonces, decode });
    // Hand the claimed messages out in order; each message carries the nonce of the request it goes to.
    const out: StoredMessage[][] = [];
    let k = 0;
    for (const it of items) {
      const mine = new Set(it.o.nonces.slice(0, it.o.max));
      const list: StoredMessage[] = [];
      while (k < all.length && list.length < it.o.max && mine.has(all[k].receiptNonce)) list.push(all[k++]);
      out.push(list);
    }
    return out;
  }

  /** Whether the queue holds messages with a MessageGroupId (a fair queue), remembered for up to a second. */
  private async hasGroups(queueId: number, now: number): Promise<boolean> {
    const hit = this.grouped.get(queueId);
    if (hit && now - hit.at < 1000 && now >= hit.at) return hit.yes;
    const r = await this.db.query<{ yes: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM sqs_messages WHERE queue_id = $1 AND message_group_id IS NOT NULL) AS yes", [queueId]);
    const yes = r.rows[0].yes;
    if (this.grouped.size > 10_000) this.grouped.clear();
    this.grouped.set(queueId, { yes, at: now });
    return yes;
  }

  private async claim(queueId: number, o: ReceiveOptions): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    for (;;) {
      const want = o.max - out.length;
      const nonces = o.nonces.slice(out.length, out.length + want);
      // One statement: lock up to `want` ready rows no other receiver holds, move those received
      // maxReceiveCount times to the dead-letter queue, claim the rest with their new receipt nonces.
      const fair = await this.hasGroups(queueId, o.now);
      const r = await this.db.query<MessageRow & { moved: number; rn: number }>(
        `WITH ${fair ? FAIR_CANDIDATES : OLDEST_CANDIDATES},
         moved AS (
           UPDATE sqs_messages m SET queue_id = $7, visible_at = $2, receive_count = 0, first_received_at = 0,
             received_at = 0, receipt_nonce = '', dead_letter_source_arn = $8
           FROM cand WHERE m.id = cand.id AND cand.receive_count >= $6 RETURNING m.id),
         claimed AS (
           UPDATE sqs_messages m SET visible_at = $9, receive_count = m.receive_count + 1,
             first_received_at = CASE WHEN m.first_received_at = 0 THEN $2 ELSE m.first_received_at END,
             received_at = $2, receipt_nonce = ($5::text[])[cand.rn]
           FROM cand WHERE m.id = cand.id AND cand.receive_count < $6 RETURNING m.*, cand.rn)
         SELECT c.*, (SELECT count(*) FROM moved)::int AS moved FROM (SELECT 1) one LEFT JOIN claimed c ON true`,
        [queueId, o.now, o.expiredBefore, want, nonces, o.redrive?.maxReceiveCount ?? NO_REDRIVE,
          o.redrive?.deadLetterQueueId ?? null, o.redrive?.sourceArn ?? null, o.now + o.visibilityMs,
          // A claim with VisibilityTimeout 0 leaves its row ready at `now`: never hand it out twice in one receive.
          out.map((m) => m.rowId), ...(fair ? [o.nonces[0] ?? "", FAIR_GROUPS] : [])],
      );
      const claimed = r.rows.filter((row) => row.id !== null);
      const moved = r.rows[0]?.moved ?? 0;
      if (moved > 0) o.deadLettered?.(moved);
      claimed.sort((a, b) => a.rn - b.rn);
      // Nonces go by candidate rank, so rows claimed after a dead-letter move leave gaps: re-pack in order.
      for (const row of claimed) out.push(toMessageDecoding(row, o.decode));
      if (moved === 0 || out.length >= o.max) return this.renonce(out, o.nonces);
    }
  }

  /** After dead-letter moves the claimed rows' nonces are not consecutive; the batch hand-out relies on it. */
  private async renonce(msgs: StoredMessage[], nonces: string[]): Promise<StoredMessage[]> {
    const misplaced = msgs.filter((m, i) => m.receiptNonce !== nonces[i]);
    if (misplaced.length === 0) return msgs;
    const ids = msgs.map((m) => m.rowId);
    const wanted = msgs.map((_, i) => nonces[i]);
    await this.db.query(
      "UPDATE sqs_messages m SET receipt_nonce = v.nonce FROM unnest($1::bigint[], $2::text[]) AS v(id, nonce) WHERE m.id = v.id",
      [ids, wanted],
    );
    return msgs.map((m, i) => ({ ...m, receiptNonce: wanted[i] }));
  }

  deleteMessages(queueId: number, receipts: Receipt[], inFlightAt = -1): Promise<ReceiptOutcome[]> {
    // Each receipt joins the turn's merged DELETE (deleteAll below).
    return Promise.all(receipts.map((r) => this.deletes.add({ queueId, rowId: r.rowId, nonce: r.nonce, inFlightAt })));
  }

  /** One DELETE for every delete of the turn; the rare misses are then told apart (stale or gone). */
  private async deleteAll(items: DeleteItem[]): Promise<ReceiptOutcome[]> {
    const r = await this.db.query<{ id: number; nonce: string }>(
      `DELETE FROM sqs_messages m USING unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[]) AS v(id, queue_id, nonce, in_flight_at)
       WHERE m.id = v.id AND m.queue_id = v.queue_id AND m.receipt_nonce = v.nonce AND m.visible_at > v.in_flight_at
       RETURNING m.id, m.receipt_nonce AS nonce`,
      [items.map((i) => i.rowId), items.map((i) => i.queueId), items.map((i) => i.nonce), items.map((i) => i.inFlightAt)],
    );
    // The outcomes the deletes would have had one after another, in order (as on SQLite): the receipt that deleted
    // a row is "ok" once; before it, another receipt of that row was "stale" (the row was there); after it, "missing".
    const deletedBy = new Map(r.rows.map((x) => [Number(x.id), x.nonce]));
    const gone = new Set<number>();
    const unknown = items.filter((i) => !deletedBy.has(i.rowId)).map((i) => i.rowId);
    let present = new Set<number>();
    if (unknown.length > 0) {
      const p = await this.db.query<{ id: number }>("SELECT id FROM sqs_messages WHERE id = ANY($1::bigint[])", [unknown]);
      present = new Set(p.rows.map((x) => Number(x.id)));
    }
    return items.map((i): ReceiptOutcome => {
      const by = deletedBy.get(i.rowId);
      if (by === undefined) return present.has(i.rowId) ? "stale" : "missing";
      if (gone.has(i.rowId)) return "missing";
      if (by !== i.nonce) return "stale";
      gone.add(i.rowId);
      return "ok";
    });
  }

  async changeVisibility(queueId: number, rowId: number, nonce: string, visibleAt: number, maxSinceReceiveMs: number) {
    const r = await this.db.query<{ outcome: string }>(
      `WITH cur AS (SELECT receipt_nonce, received_at FROM sqs_messages WHERE id = $1 AND queue_id = $2 FOR UPDATE),
       u AS (UPDATE sqs_messages SET visible_at = $4 WHERE id = $1 AND queue_id = $2 AND receipt_nonce = $3
             AND $4 <= received_at + $5 RETURNING id)
       SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 'ok'
                   WHEN NOT EXISTS (SELECT 1 FROM cur) THEN 'missing'
                   WHEN (SELECT receipt_nonce FROM cur) <> $3 THEN 'stale'
                   ELSE 'over-limit' END AS outcome`,
      [rowId, queueId, nonce, visibleAt, maxSinceReceiveMs],
    );
    return r.rows[0].outcome as ReceiptOutcome | "over-limit";
  }

  async gauges(now: number): Promise<QueueGauge[]> {
    const r = await this.db.query<{ account: string; region: string; name: string; v: number; nv: number; d: number; oldest: string | null }>(
      // Per queue from indexes: a range count on (queue_id, visible_at), the rows not visible only for the
      // in-flight/delayed split, and one index seek for the oldest send time; never a pass over the backlog's rows.
      `SELECT q.account, q.region, q.name,
              (SELECT count(*) FROM sqs_messages m WHERE m.queue_id = q.id AND m.visible_at <= $1)::int AS v,
              inv.nv, inv.d,
              (SELECT min(sent_at) FROM sqs_messages m WHERE m.queue_id = q.id) AS oldest
       FROM sqs_queues q,
       LATERAL (SELECT count(*) FILTER (WHERE m.receive_count > 0)::int AS nv, count(*) FILTER (WHERE m.receive_count = 0)::int AS d
                FROM sqs_messages m WHERE m.queue_id = q.id AND m.visible_at > $1) inv`,
      [now],
    );
    return r.rows.map((x) => ({ account: x.account, region: x.region, name: x.name, visible: x.v, notVisible: x.nv, delayed: x.d, oldestSentAt: x.oldest === null ? undefined : Number(x.oldest) }));
  }

  async counts(queueId: number, now: number, expiredBefore: number): Promise<QueueCounts> {
    const r = await this.db.query<{ v: number; nv: number; d: number }>(
      `SELECT count(*) FILTER (WHERE visible_at <= $2)::int AS v,
              count(*) FILTER (WHERE visible_at > $2 AND receive_count > 0)::int AS nv,
              count(*) FILTER (WHERE visible_at > $2 AND receive_count = 0)::int AS d
       FROM sqs_messages WHERE queue_id = $1 AND sent_at >= $3`,
      [queueId, now, expiredBefore],
    );
    return { visible: r.rows[0].v, notVisible: r.rows[0].nv, delayed: r.rows[0].d };
  }

  async peek(queueId: number, expiredBefore: number, limit: number) {
    const r = await this.db.query<MessageRow>("SELECT * FROM sqs_messages WHERE queue_id = $1 AND sent_at >= $2 ORDER BY id LIMIT $3", [queueId, expiredBefore, limit]);
    return r.rows.map(toMessage);
  }

  async nextVisibleAt(queueId: number, now: number, _fifo: boolean) {
    const r = await this.db.query<{ t: number | null }>("SELECT min(visible_at) AS t FROM sqs_messages WHERE queue_id = $1 AND visible_at > $2", [queueId, now]);
    return r.rows[0].t ?? undefined;
  }

  async deleteExpired(now: number) {
    await this.db.query("DELETE FROM sqs_fifo_dedup WHERE expires_at <= $1", [now]);
    await this.db.query("DELETE FROM sqs_fifo_receive_attempts WHERE expires_at <= $1", [now]);
    const r = await this.db.query(
      "DELETE FROM sqs_messages m USING sqs_queues q WHERE q.id = m.queue_id AND m.sent_at < $1 - q.retention_ms",
      [now],
    );
    return r.rowCount ?? 0;
  }

  async startMoveTask(t: NewMoveTask, now: number, expiredBefore: number): Promise<MoveTask | undefined> {
    // The partial unique index on active tasks per source makes a concurrent second start insert nothing.
    const r = await this.db.query<MoveTaskRow>(
      `INSERT INTO sqs_move_tasks (task_id, source_queue_id, source_arn, destination_arn, max_per_second, status, to_move, started_at)
       SELECT $1, $2, $3, $4, $5, 'RUNNING', (SELECT count(*) FROM sqs_messages WHERE queue_id = $2 AND visible_at <= $6 AND sent_at >= $7), $6
       ON CONFLICT (source_arn) WHERE status IN ('RUNNING', 'CANCELLING') DO NOTHING RETURNING ${MOVE_TASK_COLS}`,
      [t.taskId, t.sourceQueueId, t.sourceArn, t.destinationArn ?? null, t.maxPerSecond ?? null, now, expiredBefore],
    );
    return r.rows[0] && toMoveTask(r.rows[0]);
  }

  async getMoveTask(taskId: string) {
    const r = await this.db.query<MoveTaskRow>(`SELECT ${MOVE_TASK_COLS} FROM sqs_move_tasks WHERE task_id = $1`, [taskId]);
    return r.rows[0] && toMoveTask(r.rows[0]);
  }

  async listMoveTasks(sourceArn: string, limit: number) {
    const r = await this.db.query<MoveTaskRow>(`SELECT ${MOVE_TASK_COLS} FROM sqs_move_tasks WHERE source_arn = $1 ORDER BY id DESC LIMIT $2`, [sourceArn, limit]);
    return r.rows.map(toMoveTask);
  }

  async runningMoveTasks() {
    const r = await this.db.query<MoveTaskRow>(`SELECT ${MOVE_TASK_COLS} FROM sqs_move_tasks WHERE status = 'RUNNING' ORDER BY id`);
    return r.rows.map(toMoveTask);
  }

  async cancelMoveTask(taskId: string) {
    await this.db.query("UPDATE sqs_move_tasks SET status = 'CANCELLED' WHERE task_id = $1 AND status = 'RUNNING'", [taskId]);
    return this.getMoveTask(taskId);
  }

  async moveCandidates(queueId: number, now: number, expiredBefore: number, limit: number): Promise<MoveCandidate[]> {
    const r = await this.db.query<{ id: number; dead_letter_source_arn: string | null }>(
      // Oldest first: FIFO queues by sequence number, standard ones (no sequence numbers) by id (developer guide, DLQ redrive).
      "SELECT id, dead_letter_source_arn FROM sqs_messages WHERE queue_id = $1 AND visible_at <= $2 AND sent_at >= $3 ORDER BY sequence_number, id LIMIT $4",
      [queueId, now, expiredBefore, limit],
    );
    return r.rows.map((x) => ({ rowId: x.id, deadLetterSourceArn: x.dead_letter_source_arn ?? undefined }));
  }

  async moveMessages(taskId: string, items: MoveItem[], now: number): Promise<number> {
    return this.db.tx(async (c) => {
      // Locking the task row orders this move after a concurrent cancel (and a cancel after it).
      const t = await c.query<{ source_queue_id: number; status: string }>(
        "SELECT source_queue_id, status FROM sqs_move_tasks WHERE task_id = $1 FOR UPDATE", [taskId]);
      if (t.rows[0]?.status !== "RUNNING") return 0;
      const seqs = await sequenceNumbers(c, items);
      const r = await c.query(
        `UPDATE sqs_messages m SET queue_id = v.queue_id, message_id = v.message_id, sent_at = $4, visible_at = $4, receive_count = 0,
           first_received_at = 0, received_at = 0, receipt_nonce = '', dead_letter_source_arn = NULL,
           sequence_number = coalesce(v.seq, m.sequence_number)
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $6::bigint[]) AS v(id, queue_id, message_id, seq)
         WHERE m.id = v.id AND m.queue_id = $5 AND m.visible_at <= $4`,
        [items.map((i) => i.rowId), items.map((i) => i.queueId), items.map((i) => i.messageId), now, t.rows[0].source_queue_id, seqs],
      );
      const moved = r.rowCount ?? 0;
      if (moved > 0) await c.query("UPDATE sqs_move_tasks SET moved = moved + $1 WHERE task_id = $2", [moved, taskId]);
      return moved;
    });
  }

  async finishMoveTask(taskId: string, status: "COMPLETED" | "FAILED", failureReason?: string) {
    await this.db.query("UPDATE sqs_move_tasks SET status = $1, failure_reason = $2 WHERE task_id = $3 AND status = 'RUNNING'", [
      status, failureReason ?? null, taskId,
    ]);
  }

  async close() {
    await this.db.close();
  }
}
