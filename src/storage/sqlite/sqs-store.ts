// SQLite adapter of the SQS storage port. Writes go through SqliteDb.write (group commit); receives pop
// receivable messages from an in-memory ready index (ready-index.ts), taking message groups in turn (fair queues),
// or, on FIFO queues, walk an in-memory FIFO index (fifo-index.ts), and claim each by primary key, so their cost
// does not grow with the backlog. Every writer of sqs_messages keeps both indexes in step.
import type Database from "better-sqlite3";
import type {
  FifoSendResult, MoveCandidate, Receipt, MoveItem, MoveTask, NewMoveTask, NewFifoMessage, NewMessage, QueueCounts,
  QueueGauge, QueueKey, QueueSettings, QueueWrite, ReceiptOutcome, ReceiveOptions, SqsStore, StoredMessage,
} from "../../services/sqs/store.ts";
import {
  MESSAGE_COLUMNS, MOVE_TASK_COLS, type MessageRow, type MoveTaskRow, type QueueRow, packAttrs, toMessage, toMessageFromArray, toMoveTask, toQueue,
} from "../sqs-rows.ts";
import type { SqliteDb } from "./db.ts";
import { type DeadLettered, type FifoStatements, prepareFifo, receiveFifo } from "./fifo.ts";
import { type FifoEntry, FifoIndexes } from "./fifo-index.ts";
import { type Entry, type QueueIndex, ReadyIndex } from "./ready-index.ts";
import { SentCounts } from "./sent-counts.ts";

export class SqliteSqsStore implements SqsStore {
  /** A turn's writes share one transaction in order (SqliteDb group commit). */
  readonly wakeBeforeCommit = true;
  private readonly s: ReturnType<typeof prepare>;
  private readonly f: FifoStatements;
  private readonly sql: SqliteDb;
  private readonly ready: ReadyIndex;
  private readonly fifo: FifoIndexes;
  private readonly inserts = new Map<number, Database.Statement>();
  /**
   * Gauge counts of queues without a built ready or FIFO index (sent-counts.ts): kept by sends, dropped by any other
   * write to the queue (touch) and whenever its index is built or dropped. Metrics only (ADR 0035).
   */
  private readonly unindexed = new Map<number, SentCounts>();
  /**
   * The commit of the last write to queue records (sqs_queues, sqs_deleted_queues). Strict durability answers a read
   * of them only once that commit is durable (SqliteDb.whenSynced), so no answer shows a queue change a power cut
   * could still undo; message reads wait for every commit so far (SqliteDb.durable). ADR 0027.
   */
  private queuesWrittenAt = 0;

  constructor(sql: SqliteDb) {
    this.sql = sql;
    this.s = prepare(sql.db);
    this.f = prepareFifo(sql.db);
    this.ready = new ReadyIndex((queueId) => {
      this.unindexed.delete(queueId);
      // Rows are streamed as arrays: a deep backlog is never held twice (all rows as objects, then the entries).
      const out: Entry[] = [];
      for (const [id, visibleAt, sentAt, receiveCount, group] of this.s.indexRows.iterate(queueId) as Iterable<[number, number, number, number, string | null]>) {
        out.push({ id, visibleAt, sentAt, receiveCount, group: group ?? "", pos: -1, c: 0 });
      }
      return out;
    });
    this.fifo = new FifoIndexes((queueId) => {
      this.unindexed.delete(queueId);
      return this.f.indexRows.all(queueId) as FifoEntry[];
    });
    // A rolled-back write may have changed an index: rebuild them all from the database when next used.
    sql.onFailure = () => {
      this.ready.dropAll();
      this.fifo.dropAll();
      this.unindexed.clear();
    };
  }

  async createQueue(key: QueueKey, settings: QueueSettings, tags: Record<string, string>, now: number) {
    return this.sql.write(() => {
      const existing = this.s.queueByKey.get(key.account, key.region, key.name) as QueueRow | undefined;
      if (existing) return { queue: toQueue(existing), created: false };
      this.queuesWrittenAt = this.sql.committing;
      const row = this.s.insertQueue.get(
        key.account, key.region, key.name, JSON.stringify(settings.attributes), JSON.stringify(tags),
        settings.retentionMs, settings.deadLetterArn ?? null, now, now,
      ) as QueueRow;
      return { queue: toQueue(row), created: true };
    });
  }

  async getQueue(key: QueueKey) {
    await this.sql.whenSynced(this.queuesWrittenAt);
    const r = this.s.queueByKey.get(key.account, key.region, key.name) as QueueRow | undefined;
    return r && toQueue(r);
  }

  async getQueueById(id: number) {
    await this.sql.whenSynced(this.queuesWrittenAt);
    const r = this.s.queueById.get(id) as QueueRow | undefined;
    return r && toQueue(r);
  }

  async listQueues(account: string, region: string, prefix: string, after: string, limit: number) {
    await this.sql.whenSynced(this.queuesWrittenAt);
    const rows = this.s.listQueues.all(account, region, after, prefix, prefix, limit) as QueueRow[];
    return rows.map(toQueue);
  }

  async listDeadLetterSources(account: string, region: string, deadLetterArn: string, after: string, limit: number) {
    await this.sql.whenSynced(this.queuesWrittenAt);
    const rows = this.s.listSources.all(deadLetterArn, account, region, after, limit) as QueueRow[];
    return rows.map(toQueue);
  }

  async deleteQueue(id: number, now: number) {
    await this.sql.write(() => {
      const q = this.s.queueById.get(id) as QueueRow | undefined;
      if (!q) return;
      this.queuesWrittenAt = this.sql.committing;
      this.ready.drop(id);
      this.fifo.drop(id);
      this.unindexed.delete(id);
      this.s.deleteMessagesOfQueue.run(id);
      this.s.deleteQueue.run(id);
      this.s.rememberDeleted.run(q.account, q.region, q.name, now);
    });
  }

  async lastDeletedAt(key: QueueKey) {
    await this.sql.whenSynced(this.queuesWrittenAt);
    return (this.s.lastDeleted.pluck().get(key.account, key.region, key.name) as number | undefined) ?? undefined;
  }

  async setAttributes(id: number, settings: QueueSettings, now: number) {
    await this.sql.write(() => {
      this.queuesWrittenAt = this.sql.committing;
      this.s.updateAttributes.run(JSON.stringify(settings.attributes), settings.retentionMs, settings.deadLetterArn ?? null, now, id);
    });
  }

  async setTags(id: number, tags: Record<string, string>) {
    await this.sql.write(() => {
      this.queuesWrittenAt = this.sql.committing;
      this.s.updateTags.run(JSON.stringify(tags), id);
    });
  }

  async purge(id: number, now: number) {
    await this.sql.write(() => {
      this.queuesWrittenAt = this.sql.committing;
      this.ready.drop(id);
      this.fifo.drop(id);
      this.unindexed.delete(id);
      this.s.purgeMessages.run(id, now);
      this.s.setPurgedAt.run(now, id);
    });
  }

  enqueue(queueId: number, messages: NewMessage[], now: number): Promise<void> {
    return this.sql.write(() => this.appendInTransaction(queueId, messages, now));
  }

  /**
   * Inserts messages inside the caller's SqliteDb.write and keeps the ready index in step: the one way rows
   * enter sqs_messages on SQLite, also for SNS deliveries written in the publish's transaction.
   */
  private appendInTransaction(queueId: number, messages: NewMessage[], now: number): void {
    if (messages.length === 0) return;
    this.fifo.drop(queueId); // (never a FIFO queue in practice: rows without a sequence number are rebuilt into place)
    const idx = this.ready.loaded(queueId);
    // One multi-row INSERT per batch (statements for 1..10 rows are prepared once).
    // The rows' values in one array (no array per row: PutEvents and SendMessageBatch write 10 rows a statement).
    const values: unknown[] = new Array(messages.length * 12);
    let j = 0;
    for (const m of messages) {
      values[j++] = queueId; values[j++] = m.messageId; values[j++] = m.body; values[j++] = m.md5OfBody;
      values[j++] = packAttrs(m.attributes); values[j++] = m.md5OfAttributes ?? null; values[j++] = packAttrs(m.systemAttributes);
      values[j++] = m.md5OfSystemAttributes ?? null; values[j++] = m.senderId; values[j++] = m.messageGroupId ?? null;
      values[j++] = now; values[j++] = m.visibleAt;
    }
    const add = (m: NewMessage, id: number) =>
      idx?.add({ id, visibleAt: m.visibleAt, sentAt: now, receiveCount: 0, group: m.messageGroupId ?? "", pos: -1, c: 0 });
    if (!idx) {
      const counts = this.unindexed.get(queueId);
      if (counts) for (const m of messages) counts.sent(m.visibleAt, now);
    }
    if (!idx || messages.length === 1) {
      // No index to feed, or one row: a plain insert (RETURNING costs more than lastInsertRowid).
      const info = this.insertStatement(messages.length, false).run(...values);
      if (idx) add(messages[0], Number(info.lastInsertRowid));
      return;
    }
    const rows = this.insertStatement(messages.length, true).all(...values) as { id: number; message_id: string }[];
    // RETURNING order is not guaranteed (https://www.sqlite.org/lang_returning.html): match rows by message id.
    const idOf = new Map(rows.map((r) => [r.message_id, r.id]));
    for (const m of messages) add(m, idOf.get(m.messageId) ?? 0);
  }

  /**
   * Messages into queues inside another store's SqliteDb.write (SNS fan-out, the delivery engine's dead-letter
   * copies): the one enqueue for callers outside SQS, through the same two writers SQS sends use, so the ready and
   * FIFO indexes stay in step. Queues deleted since the caller resolved them are skipped.
   */
  enqueueInTransaction(items: QueueWrite[], now: number): void {
    // Each queue is looked up once; a queue's standard messages go in multi-row INSERTs of up to 10 (the prepared
    // sizes), as SendMessageBatch's do, in their order, whether or not other queues' messages come between them (an
    // event fanned out to several queues). FIFO messages stay one by one, in order.
    const live = new Map<number, boolean>();
    const runs = new Map<number, NewMessage[]>();
    for (const d of items) {
      let ok = live.get(d.queueId);
      if (ok === undefined) live.set(d.queueId, (ok = this.s.queueById.get(d.queueId) !== undefined));
      if (!ok) continue;
      if (d.fifo) {
        this.appendFifoInTransaction(d.queueId, [d.message], now, d.fifo.dedupWindowMs);
        continue;
      }
      let run = runs.get(d.queueId);
      if (run === undefined) runs.set(d.queueId, (run = []));
      run.push(d.message);
      if (run.length === 10) {
        this.appendInTransaction(d.queueId, run, now);
        runs.delete(d.queueId);
      }
    }
    for (const [queueId, run] of runs) this.appendInTransaction(queueId, run, now);
  }

  async enqueueFifo(queueId: number, messages: NewFifoMessage[], now: number, dedupWindowMs: number): Promise<FifoSendResult[]> {
    return this.sql.write(() => this.appendFifoInTransaction(queueId, messages, now, dedupWindowMs));
  }

  /**
   * FIFO sends inside the caller's SqliteDb.write (SQS sends, and SNS deliveries in the publish's transaction): in
   * order, each message whose dedupKey was not stored within the window gets the queue's next sequence number.
   * Keeps the queue's FIFO index in step (FIFO queues never build a ready index).
   */
  private appendFifoInTransaction(queueId: number, messages: NewFifoMessage[], now: number, dedupWindowMs: number): FifoSendResult[] {
    const idx = this.fifo.loaded(queueId);
    const counts = idx ? undefined : this.unindexed.get(queueId);
    const out: FifoSendResult[] = [];
    for (const m of messages) {
      const dup = this.f.dedupOf.get(queueId, m.dedupKey, now) as { message_id: string; sequence_number: number } | undefined;
      if (dup) {
        out.push({ messageId: dup.message_id, sequenceNumber: dup.sequence_number, duplicate: true });
        continue;
      }
      const seq = this.f.nextSeq.pluck().get(queueId) as number | undefined;
      if (seq === undefined) throw new Error(`queue ${queueId} does not exist`);
      this.f.putDedup.run(queueId, m.dedupKey, m.messageId, seq, now + dedupWindowMs);
      const info = this.f.insert.run(queueId, m.messageId, m.body, m.md5OfBody, packAttrs(m.attributes), m.md5OfAttributes ?? null,
        packAttrs(m.systemAttributes), m.md5OfSystemAttributes ?? null, m.senderId, m.messageGroupId, now, m.visibleAt, seq, m.deduplicationId);
      idx?.add({ id: Number(info.lastInsertRowid), seq, group: m.messageGroupId, visibleAt: m.visibleAt, sentAt: now, receiveCount: 0 });
      counts?.sent(m.visibleAt, now);
      out.push({ messageId: m.messageId, sequenceNumber: seq, duplicate: false });
    }
    return out;
  }

  private insertStatement(rows: number, returning: boolean): Database.Statement {
    const key = returning ? -rows : rows;
    let st = this.inserts.get(key);
    if (!st) {
      st = this.sql.db.prepare(
        `INSERT INTO sqs_messages (queue_id, message_id, body, md5_body, attributes, md5_attributes, system_attributes,
         md5_system_attributes, sender_id, message_group_id, sent_at, visible_at) VALUES
         ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}${returning ? " RETURNING id, message_id" : ""}`,
      );
      this.inserts.set(key, st);
    }
    return st;
  }

  async receive(queueId: number, o: ReceiveOptions): Promise<StoredMessage[]> {
    if (!o.redrive || !o.deadLettered) return this.claimFor(queueId, o);
    // Counted inside the write (reset if the batch reruns after a rollback), reported once it is committed.
    const counted = { n: 0 };
    const out = await this.claimFor(queueId, o, counted);
    if (counted.n > 0) o.deadLettered(counted.n);
    return out;
  }

  private claimFor(queueId: number, o: ReceiveOptions, counted?: { n: number }): Promise<StoredMessage[]> {
    if (o.fifo) {
      return this.sql.write(() => {
        if (counted) counted.n = 0;
        return receiveFifo(this.s.claim, this.f, this.fifo.of(queueId), queueId, o, (moved) => {
          if (counted) counted.n += moved.length;
          this.deadLettered(moved, o);
        });
      });
    }
    return this.sql.write(() => {
      if (counted) counted.n = 0;
      const idx = this.ready.of(queueId);
      const out: StoredMessage[] = [];
      const claimed: Entry[] = [];
      while (out.length < o.max) {
        const e = idx.popReady(o.now);
        if (!e) break;
        if (e.sentAt < o.expiredBefore) {
          this.s.deleteMessage.run(e.id);
          idx.remove(e.id);
        } else if (o.redrive && e.receiveCount >= o.redrive.maxReceiveCount) {
          // A message received maxReceiveCount times moves to the DLQ on its next receive
          // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
          this.s.moveToDeadLetter.run(o.redrive.deadLetterQueueId, o.now, o.redrive.sourceArn, e.id);
          if (counted) counted.n++;
          idx.remove(e.id);
          this.indexed(o.redrive.deadLetterQueueId)?.add({ id: e.id, visibleAt: o.now, sentAt: e.sentAt, receiveCount: 0, group: e.group, pos: -1, c: 0 });
          this.fifo.drop(o.redrive.deadLetterQueueId);
        } else {
          const row = this.s.claimRaw.get(o.now + o.visibilityMs, o.now, o.now, o.nonces[out.length], e.id) as unknown[] | undefined;
          if (!row) {
            idx.remove(e.id); // deleted behind the index's back (retention sweep)
            continue;
          }
          const m = toMessageFromArray(row, o.decode);
          e.receiveCount = m.receiveCount;
          claimed.push(e);
          out.push(m);
        }
      }
      // Re-time claimed entries only now: with visibility 0 they are ready again at once, and must not be
      // handed out twice by this same receive.
      for (const e of claimed) idx.setVisibleAt(e.id, o.now + o.visibilityMs);
      return out;
    });
  }

  /** Feeds messages a FIFO receive moved to its dead-letter queue into that queue's index, if built. */
  private deadLettered(moved: DeadLettered[], o: ReceiveOptions): void {
    const dlqId = o.redrive?.deadLetterQueueId;
    if (dlqId === undefined) return;
    const fifo = this.fifo.loaded(dlqId);
    const ready = this.indexed(dlqId);
    for (const { entry: e, seq } of moved) {
      fifo?.add({ id: e.id, seq, group: e.group, visibleAt: o.now, sentAt: e.sentAt, receiveCount: 0 });
      ready?.add({ id: e.id, visibleAt: o.now, sentAt: e.sentAt, receiveCount: 0, group: e.group, pos: -1, c: 0 });
    }
  }

  deleteMessages(queueId: number, receipts: Receipt[], inFlightAt = -1): Promise<ReceiptOutcome[]> {
    return this.sql.write(() => receipts.map((r) => this.deleteOne(queueId, r.rowId, r.nonce, inFlightAt)));
  }

  private deleteOne(queueId: number, rowId: number, nonce: string, inFlightAt: number): ReceiptOutcome {
    if (this.s.deleteByReceipt.run(rowId, queueId, nonce, inFlightAt).changes === 1) {
      this.indexed(queueId)?.remove(rowId);
      this.fifo.loaded(queueId)?.remove(rowId);
      return "ok";
    }
    return this.s.nonceOf.pluck().get(rowId, queueId) === undefined ? "missing" : "stale";
  }

  async changeVisibility(queueId: number, rowId: number, nonce: string, visibleAt: number, maxSinceReceiveMs: number) {
    return this.sql.write((): ReceiptOutcome | "over-limit" => {
      const row = this.s.receiptOf.get(rowId, queueId) as { receipt_nonce: string; received_at: number } | undefined;
      if (!row) return "missing";
      if (row.receipt_nonce !== nonce) return "stale";
      if (visibleAt > row.received_at + maxSinceReceiveMs) return "over-limit";
      this.s.setVisibleAt.run(visibleAt, rowId);
      this.indexed(queueId)?.setVisibleAt(rowId, visibleAt);
      this.fifo.loaded(queueId)?.setVisibleAt(rowId, visibleAt);
      return "ok";
    });
  }

  async gauges(now: number): Promise<QueueGauge[]> {
    // Running counts, O(queues) per scrape, and never an index built for it (issue 16): the queue's ready or FIFO
    // index's when it is built, otherwise SentCounts, read from storage once and kept by the sends.
    const queues = this.s.gaugeQueues.all() as { id: number; account: string; region: string; name: string }[];
    return queues.map((q) => ({ account: q.account, region: q.region, name: q.name, ...this.queueFigures(q.id, now) }));
  }

  private queueFigures(queueId: number, now: number) {
    const idx = this.ready.loaded(queueId) ?? this.fifo.loaded(queueId);
    if (idx) return idx.counts(now);
    const kept = this.unindexed.get(queueId)?.counts(now);
    if (kept) return kept;
    const totals = this.s.gaugeTotals.get(queueId) as { n: number; oldest: number | null };
    const counts = new SentCounts({
      total: totals.n, oldestSentAt: totals.oldest, at: now,
      pending: this.s.gaugePending.iterate(queueId, now) as Iterable<[number, number]>,
    });
    this.unindexed.set(queueId, counts);
    return counts.counts(now)!;
  }

  /** A write to the queue other than a send: SentCounts, which only sends keep, go when no index keeps the counts. */
  private touch(queueId: number): void {
    if (!this.ready.loaded(queueId) && !this.fifo.loaded(queueId)) this.unindexed.delete(queueId);
  }

  /** The queue's ready index if it is built, for a write to the queue other than a send (see touch). */
  private indexed(queueId: number): QueueIndex | undefined {
    this.touch(queueId);
    return this.ready.loaded(queueId);
  }

  async counts(queueId: number, now: number, expiredBefore: number): Promise<QueueCounts> {
    await this.sql.durable();
    const r = this.s.counts.get(now, now, now, queueId, expiredBefore) as { v: number | null; nv: number | null; d: number | null };
    return { visible: r.v ?? 0, notVisible: r.nv ?? 0, delayed: r.d ?? 0 };
  }

  async peek(queueId: number, expiredBefore: number, limit: number) {
    await this.sql.durable();
    return (this.s.peek.all(queueId, expiredBefore, limit) as MessageRow[]).map(toMessage);
  }

  async nextVisibleAt(queueId: number, now: number, fifo: boolean) {
    // Standard queues answer from the ready index (no visible_at index on disk, migration 0010); FIFO queues
    // from their partial index.
    if (!fifo) return this.ready.of(queueId).nextAt();
    return (this.s.nextVisibleFifo.pluck().get(queueId, now) as number | null) ?? undefined;
  }

  async deleteExpired(now: number) {
    return this.sql.write(() => {
      this.f.deleteExpiredDedup.run(now);
      this.f.deleteExpiredAttempts.run(now);
      // Indexes drop what the sweep deletes (FIFO indexes must: an expired in-flight message that is gone from
      // storage would otherwise keep its group blocked once the retention period is raised again).
      const gone = this.s.deleteExpired.raw().all(now) as [number, number][];
      for (const [id, queueId] of gone) {
        this.indexed(queueId)?.remove(id);
        this.fifo.loaded(queueId)?.remove(id);
      }
      return gone.length;
    });
  }

  async startMoveTask(t: NewMoveTask, now: number, expiredBefore: number): Promise<MoveTask | undefined> {
    return this.sql.write(() => {
      if (this.s.activeMoveTask.get(t.sourceArn)) return undefined;
      const toMove = this.s.countReceivable.pluck().get(t.sourceQueueId, now, expiredBefore) as number;
      const row = this.s.insertMoveTask.get(t.taskId, t.sourceQueueId, t.sourceArn, t.destinationArn ?? null, t.maxPerSecond ?? null,
        toMove, now) as MoveTaskRow;
      return toMoveTask(row);
    });
  }

  async getMoveTask(taskId: string) {
    await this.sql.durable();
    const r = this.s.moveTask.get(taskId) as MoveTaskRow | undefined;
    return r && toMoveTask(r);
  }

  async listMoveTasks(sourceArn: string, limit: number) {
    await this.sql.durable();
    return (this.s.listMoveTasks.all(sourceArn, limit) as MoveTaskRow[]).map(toMoveTask);
  }

  async runningMoveTasks() {
    return (this.s.runningMoveTasks.all() as MoveTaskRow[]).map(toMoveTask);
  }

  async cancelMoveTask(taskId: string) {
    return this.sql.write(() => {
      this.s.setMoveTaskStatus.run("CANCELLED", null, taskId);
      const r = this.s.moveTask.get(taskId) as MoveTaskRow | undefined;
      return r && toMoveTask(r);
    });
  }

  async moveCandidates(queueId: number, now: number, expiredBefore: number, limit: number): Promise<MoveCandidate[]> {
    const rows = this.s.moveCandidates.all(queueId, now, expiredBefore, limit) as { id: number; dead_letter_source_arn: string | null }[];
    return rows.map((r) => ({ rowId: r.id, deadLetterSourceArn: r.dead_letter_source_arn ?? undefined }));
  }

  async moveMessages(taskId: string, items: MoveItem[], now: number): Promise<number> {
    return this.sql.write(() => {
      const task = this.s.moveTask.get(taskId) as MoveTaskRow | undefined;
      if (!task || task.status !== "RUNNING") return 0;
      const from = this.indexed(task.source_queue_id);
      const fromFifo = this.fifo.loaded(task.source_queue_id);
      let moved = 0;
      for (const it of items) {
        const row = this.s.moveMessage.get(it.queueId, it.messageId, now, now, it.rowId, task.source_queue_id, now) as
          { sent_at: number; message_group_id: string | null } | undefined;
        if (!row) continue; // received or deleted since it was picked
        moved++;
        from?.remove(it.rowId);
        fromFifo?.remove(it.rowId);
        const group = row.message_group_id ?? "";
        if (it.fifo) {
          // Into a FIFO queue the message takes the next sequence number, so moved messages keep their order.
          const seq = this.f.nextSeq.pluck().get(it.queueId) as number;
          this.s.setSequenceNumber.run(seq, it.rowId);
          this.touch(it.queueId);
          this.fifo.loaded(it.queueId)?.add({ id: it.rowId, seq, group, visibleAt: now, sentAt: now, receiveCount: 0 });
        } else {
          this.indexed(it.queueId)?.add({ id: it.rowId, visibleAt: now, sentAt: now, receiveCount: 0, group, pos: -1, c: 0 });
        }
      }
      if (moved > 0) this.s.addMoved.run(moved, taskId);
      return moved;
    });
  }

  async finishMoveTask(taskId: string, status: "COMPLETED" | "FAILED", failureReason?: string) {
    await this.sql.write(() => this.s.setMoveTaskStatus.run(status, failureReason ?? null, taskId));
  }

  async close() {
    await this.sql.close();
  }
}

/** Claims one message by primary key for a receive: new visibility, receive count, first/last receive time, nonce. */
const CLAIM = `UPDATE sqs_messages SET visible_at = ?, receive_count = receive_count + 1,
  first_received_at = CASE WHEN first_received_at = 0 THEN ? ELSE first_received_at END, received_at = ?,
  receipt_nonce = ? WHERE id = ?`;

function prepare(db: Database.Database) {
  const queueCols = "id, account, region, name, attributes, tags, created_at, modified_at, purged_at";
  return {
    activeMoveTask: db.prepare("SELECT 1 FROM sqs_move_tasks WHERE source_arn = ? AND status IN ('RUNNING', 'CANCELLING')"),
    countReceivable: db.prepare("SELECT count(*) FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND sent_at >= ?"),
    insertMoveTask: db.prepare(
      `INSERT INTO sqs_move_tasks (task_id, source_queue_id, source_arn, destination_arn, max_per_second, status, to_move, started_at)
       VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?) RETURNING ${MOVE_TASK_COLS}`,
    ),
    moveTask: db.prepare(`SELECT ${MOVE_TASK_COLS} FROM sqs_move_tasks WHERE task_id = ?`),
    listMoveTasks: db.prepare(`SELECT ${MOVE_TASK_COLS} FROM sqs_move_tasks WHERE source_arn = ? ORDER BY id DESC LIMIT ?`),
    runningMoveTasks: db.prepare(`SELECT ${MOVE_TASK_COLS} FROM sqs_move_tasks WHERE status = 'RUNNING' ORDER BY id`),
    setMoveTaskStatus: db.prepare("UPDATE sqs_move_tasks SET status = ?, failure_reason = ? WHERE task_id = ? AND status = 'RUNNING'"),
    addMoved: db.prepare("UPDATE sqs_move_tasks SET moved = moved + ? WHERE task_id = ?"),
    // Oldest first: FIFO queues by sequence number, standard ones (no sequence numbers) by id (developer guide, DLQ redrive).
    moveCandidates: db.prepare(
      "SELECT id, dead_letter_source_arn FROM sqs_messages WHERE queue_id = ? AND visible_at <= ? AND sent_at >= ? ORDER BY sequence_number, id LIMIT ?",
    ),
    setSequenceNumber: db.prepare("UPDATE sqs_messages SET sequence_number = ? WHERE id = ?"),
    moveMessage: db.prepare(
      `UPDATE sqs_messages SET queue_id = ?, message_id = ?, sent_at = ?, visible_at = ?, receive_count = 0, first_received_at = 0,
       received_at = 0, receipt_nonce = '', dead_letter_source_arn = NULL WHERE id = ? AND queue_id = ? AND visible_at <= ?
       RETURNING sent_at, message_group_id`,
    ),
    queueByKey: db.prepare(`SELECT ${queueCols} FROM sqs_queues WHERE account = ? AND region = ? AND name = ?`),
    queueById: db.prepare(`SELECT ${queueCols} FROM sqs_queues WHERE id = ?`),
    insertQueue: db.prepare(
      `INSERT INTO sqs_queues (account, region, name, attributes, tags, retention_ms, dead_letter_arn, created_at, modified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${queueCols}`,
    ),
    listQueues: db.prepare(
      `SELECT ${queueCols} FROM sqs_queues WHERE account = ? AND region = ? AND name > ?
       AND substr(name, 1, length(?)) = ? ORDER BY name LIMIT ?`,
    ),
    listSources: db.prepare(
      `SELECT ${queueCols} FROM sqs_queues WHERE dead_letter_arn = ? AND account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`,
    ),
    deleteQueue: db.prepare("DELETE FROM sqs_queues WHERE id = ?"),
    deleteMessagesOfQueue: db.prepare("DELETE FROM sqs_messages WHERE queue_id = ?"),
    rememberDeleted: db.prepare(
      `INSERT INTO sqs_deleted_queues (account, region, name, deleted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, region, name) DO UPDATE SET deleted_at = excluded.deleted_at`,
    ),
    lastDeleted: db.prepare("SELECT deleted_at FROM sqs_deleted_queues WHERE account = ? AND region = ? AND name = ?"),
    updateAttributes: db.prepare("UPDATE sqs_queues SET attributes = ?, retention_ms = ?, dead_letter_arn = ?, modified_at = ? WHERE id = ?"),
    updateTags: db.prepare("UPDATE sqs_queues SET tags = ? WHERE id = ?"),
    purgeMessages: db.prepare("DELETE FROM sqs_messages WHERE queue_id = ? AND sent_at <= ?"),
    setPurgedAt: db.prepare("UPDATE sqs_queues SET purged_at = ? WHERE id = ?"),
    indexRows: db.prepare("SELECT id, visible_at, sent_at, receive_count, message_group_id FROM sqs_messages WHERE queue_id = ?").raw(true),
    deleteByReceipt: db.prepare("DELETE FROM sqs_messages WHERE id = ? AND queue_id = ? AND receipt_nonce = ? AND visible_at > ?"),
    claim: db.prepare(`${CLAIM} RETURNING *`),
    // The same claim read as an array (about 3 µs cheaper per message than a row object): standard receives.
    claimRaw: db.prepare(`${CLAIM} RETURNING ${MESSAGE_COLUMNS.join(", ")}`).raw(true),
    moveToDeadLetter: db.prepare(
      `UPDATE sqs_messages SET queue_id = ?, visible_at = ?, receive_count = 0, first_received_at = 0, receipt_nonce = '',
       dead_letter_source_arn = ? WHERE id = ?`,
    ),
    deleteMessage: db.prepare("DELETE FROM sqs_messages WHERE id = ?"),
    nonceOf: db.prepare("SELECT receipt_nonce FROM sqs_messages WHERE id = ? AND queue_id = ?"),
    receiptOf: db.prepare("SELECT receipt_nonce, received_at FROM sqs_messages WHERE id = ? AND queue_id = ?"),
    setVisibleAt: db.prepare("UPDATE sqs_messages SET visible_at = ? WHERE id = ?"),
    counts: db.prepare(
      `SELECT SUM(visible_at <= ?) AS v, SUM(visible_at > ? AND receive_count > 0) AS nv,
       SUM(visible_at > ? AND receive_count = 0) AS d FROM sqs_messages WHERE queue_id = ? AND sent_at >= ?`,
    ),
    gaugeQueues: db.prepare("SELECT id, account, region, name FROM sqs_queues"),
    gaugeTotals: db.prepare("SELECT count(*) AS n, MIN(sent_at) AS oldest FROM sqs_messages WHERE queue_id = ?"),
    gaugePending: db.prepare("SELECT visible_at, receive_count FROM sqs_messages WHERE queue_id = ? AND visible_at > ?").raw(true),
    peek: db.prepare("SELECT * FROM sqs_messages WHERE queue_id = ? AND sent_at >= ? ORDER BY id LIMIT ?"),
    nextVisibleFifo: db.prepare(
      "SELECT MIN(visible_at) FROM sqs_messages WHERE queue_id = ? AND visible_at > ? AND sequence_number IS NOT NULL",
    ),
    deleteExpired: db.prepare(
      `DELETE FROM sqs_messages WHERE id IN (SELECT m.id FROM sqs_messages m JOIN sqs_queues q ON q.id = m.queue_id
       WHERE m.sent_at < ? - q.retention_ms) RETURNING id, queue_id`,
    ),
  };
}
