// The storage port SQS needs, in domain words. Every method is one atomic unit (one transaction in SQL
// adapters), resolves only after its writes are durable, and takes time as an argument (`now`, epoch ms).
import type { MessageAttributeValue } from "../../util/md5.ts";

export type { MessageAttributeValue } from "../../util/md5.ts";

export interface QueueKey {
  account: string;
  region: string;
  name: string;
}

export interface QueueRecord extends QueueKey {
  id: number;
  /** Settable attributes as AWS names them, values as AWS strings (defaults filled in). */
  attributes: Record<string, string>;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  /** When the last PurgeQueue started, or 0. */
  purgedAt: number;
}

/** Attributes as stored, plus the two values storage indexes on (derived by the domain, not parsed by adapters). */
export interface QueueSettings {
  attributes: Record<string, string>;
  retentionMs: number;
  /** dead-letter target ARN of the RedrivePolicy, if any. */
  deadLetterArn?: string;
}


export interface NewMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes?: Record<string, MessageAttributeValue>;
  md5OfAttributes?: string;
  /** Message system attributes sent by the producer (AWSTraceHeader). */
  systemAttributes?: Record<string, MessageAttributeValue>;
  md5OfSystemAttributes?: string;
  senderId: string;
  /** MessageGroupId of a fair-queue message (standard queues accept one). */
  messageGroupId?: string;
  /** Epoch ms at which it first becomes receivable. */
  visibleAt: number;
}

/** A message for a FIFO queue: its group, its deduplication id, and the key deduplication is checked on. */
export interface NewFifoMessage extends NewMessage {
  messageGroupId: string;
  deduplicationId: string;
  /** The deduplication id, qualified by the group when DeduplicationScope is messageGroup. */
  dedupKey: string;
}

/**
 * A message on its way into a queue from inside another store's transaction (SNS fan-out, the delivery engine's
 * dead-letter copies). To a FIFO queue it goes through the queue's deduplication (dedupKey within dedupWindowMs) and
 * gets the queue's next sequence number. Written by the SQS adapter's one enqueue (storage/<backend>: SQLite
 * `SqliteSqsStore.enqueueInTransaction`, PostgreSQL `enqueue.ts enqueueInTransaction`).
 */
export type QueueWrite =
  | { queueId: number; message: NewMessage; fifo?: undefined }
  | { queueId: number; message: NewFifoMessage; fifo: { dedupWindowMs: number } };

/** What a FIFO send stored: for a duplicate, the original message's id and sequence number. */
export interface FifoSendResult {
  messageId: string;
  sequenceNumber: number;
  duplicate: boolean;
}

export interface StoredMessage extends NewMessage {
  rowId: number;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt: number;
  /** Nonce of the most recent receive, part of its receipt handle. */
  receiptNonce: string;
  /** ARN of the queue the message was moved from by a redrive policy. */
  deadLetterSourceArn?: string;
  /** FIFO queues: the queue's sequence number for the message, and its deduplication id. */
  sequenceNumber?: number;
  deduplicationId?: string;
}

export interface ReceiveOptions {
  max: number;
  visibilityMs: number;
  now: number;
  /** Messages sent before this (now - MessageRetentionPeriod) are expired and never returned. */
  expiredBefore: number;
  /** Redrive: a message already received maxReceiveCount times moves to the dead-letter queue instead. */
  redrive?: { maxReceiveCount: number; deadLetterQueueId: number; sourceArn: string };
  /**
   * Which stored attribute JSON the caller will answer with (absent: both). A receive that was not asked for message
   * attributes (MessageAttributeNames) or the AWSTraceHeader system attribute leaves them unparsed; adapters may
   * then return them undefined.
   */
  decode?: { attributes: boolean; systemAttributes: boolean };
  /** New receipt nonces, one per returned message (the adapter does not make randomness up). */
  nonces: string[];
  /**
   * FIFO queues: messages are claimed in sequence order per message group, a group with a message in flight
   * is skipped, and a retried attemptId within attemptWindowMs returns the same claims with their visibility reset.
   */
  fifo?: { attemptId?: string; attemptWindowMs: number };
  /** Told how many messages the receive moved to the dead-letter queue, once they are written (metrics). */
  deadLettered?: (n: number) => void;
}

export interface QueueCounts {
  visible: number;
  notVisible: number;
  delayed: number;
}

/** A queue's figures for metrics: its counts and the send time of its oldest message (undefined when empty). */
export interface QueueGauge extends QueueKey, QueueCounts {
  oldestSentAt?: number;
}

export type ReceiptOutcome = "ok" | "stale" | "missing";

/** What a receipt handle locates: the message's row and the nonce of the receive that handed it out. */
export interface Receipt {
  rowId: number;
  nonce: string;
}

export interface SqsStore extends MoveTaskStore {
  /**
   * Writes issued in one event-loop turn share a transaction, in order (SQLite's group commit): a receive issued
   * after a send, before that send's commit, runs in the same transaction and sees it. Senders then wake long
   * polls at once, so a waiting consumer gets the message with the same commit (one fsync, not two).
   */
  readonly wakeBeforeCommit?: boolean;
  /** Creates the queue, or returns the existing one with `created: false`. */
  createQueue(key: QueueKey, settings: QueueSettings, tags: Record<string, string>, now: number): Promise<{ queue: QueueRecord; created: boolean }>;
  getQueue(key: QueueKey): Promise<QueueRecord | undefined>;
  getQueueById(id: number): Promise<QueueRecord | undefined>;
  /** Queues of one account and region whose name starts with prefix, ordered by name, names > after. */
  listQueues(account: string, region: string, prefix: string, after: string, limit: number): Promise<QueueRecord[]>;
  /** Queues whose RedrivePolicy names deadLetterArn. */
  listDeadLetterSources(account: string, region: string, deadLetterArn: string, after: string, limit: number): Promise<QueueRecord[]>;
  /** Deletes the queue and its messages; remembers the deletion time (QueueDeletedRecently). */
  deleteQueue(id: number, now: number): Promise<void>;
  /** When a queue of this key was last deleted, or undefined. */
  lastDeletedAt(key: QueueKey): Promise<number | undefined>;
  setAttributes(id: number, settings: QueueSettings, now: number): Promise<void>;
  setTags(id: number, tags: Record<string, string>): Promise<void>;
  /** Deletes every message sent before `now` and records purgedAt. */
  purge(id: number, now: number): Promise<void>;

  enqueue(queueId: number, messages: NewMessage[], now: number): Promise<void>;
  /**
   * FIFO send: in order, each message whose dedupKey was not stored within the window gets the queue's next
   * sequence number and is stored with its deduplication record (kept dedupWindowMs, also after the message
   * is deleted); a duplicate is not stored and reports the original message.
   */
  enqueueFifo(queueId: number, messages: NewFifoMessage[], now: number, dedupWindowMs: number): Promise<FifoSendResult[]>;
  /** Claims up to max receivable messages, oldest first, making them invisible until now + visibilityMs. */
  receive(queueId: number, opts: ReceiveOptions): Promise<StoredMessage[]>;
  /**
   * Deletes each message whose latest receipt is the given nonce, outcomes in order: "stale" when an older
   * receipt, "missing" when gone. With inFlightAt (FIFO queues), a receipt whose visibility ended by then is
   * "stale" too and deletes nothing. One call serves DeleteMessage and DeleteMessageBatch.
   */
  deleteMessages(queueId: number, receipts: Receipt[], inFlightAt?: number): Promise<ReceiptOutcome[]>;
  /**
   * Sets visibleAt of a message whose latest receipt is nonce (also after its visibility expired, as AWS
   * allows); "over-limit" when visibleAt is more than maxSinceReceiveMs after that receive.
   */
  changeVisibility(queueId: number, rowId: number, nonce: string, visibleAt: number, maxSinceReceiveMs: number): Promise<ReceiptOutcome | "over-limit">;
  counts(queueId: number, now: number, expiredBefore: number): Promise<QueueCounts>;
  /** Every queue's counts and oldest message in one read (metrics gauges, read on scrape and once a minute). */
  gauges(now: number): Promise<QueueGauge[]>;
  /**
   * Reads up to limit of the queue's unexpired messages in send order, whatever their state, changing nothing
   * (no visibility, receive count or receipt change): the developer listing of /_aws/sqs/messages.
   */
  peek(queueId: number, expiredBefore: number, limit: number): Promise<StoredMessage[]>;
  /**
   * When a message of the queue may next become receivable after now (for long-poll wake-ups), or undefined when
   * none waits. May be early (the poll then looks again), never late. `fifo`: the queue is a FIFO queue.
   */
  nextVisibleAt(queueId: number, now: number, fifo: boolean): Promise<number | undefined>;
  /** Deletes messages older than their queue's MessageRetentionPeriod attribute, across queues, and FIFO
   * deduplication records and receive attempts past their window; returns how many messages. */
  deleteExpired(now: number): Promise<number>;
  close(): Promise<void>;
}

/** Status of a message move task (ListMessageMoveTasksResultEntry.Status). */
export type MoveTaskStatus = "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";

/** A dead-letter queue redrive (StartMessageMoveTask), stored so it survives restarts. */
export interface MoveTask {
  taskId: string;
  sourceQueueId: number;
  sourceArn: string;
  /** Absent: each message goes back to the queue it was dead-lettered from. */
  destinationArn?: string;
  maxPerSecond?: number;
  status: MoveTaskStatus;
  /** Movable messages in the source queue when the task started. */
  toMove: number;
  moved: number;
  failureReason?: string;
  startedAt: number;
}

export type NewMoveTask = Pick<MoveTask, "taskId" | "sourceQueueId" | "sourceArn" | "destinationArn" | "maxPerSecond">;

/** A message a move task may take next: its row and the queue it was dead-lettered from. */
export interface MoveCandidate {
  rowId: number;
  deadLetterSourceArn?: string;
}

/** One message to move: its row, its new queue and its new message id (a moved message is a new message). */
export interface MoveItem {
  rowId: number;
  queueId: number;
  messageId: string;
  /** The destination is a FIFO queue: the message takes its next sequence number there. */
  fifo?: boolean;
}

/** Message move tasks (dead-letter queue redrive); part of SqsStore. */
export interface MoveTaskStore {
  /** Records a RUNNING task counting the source's receivable messages; undefined when the source already has an active one. */
  startMoveTask(task: NewMoveTask, now: number, expiredBefore: number): Promise<MoveTask | undefined>;
  getMoveTask(taskId: string): Promise<MoveTask | undefined>;
  /** Tasks of a source queue, newest first. */
  listMoveTasks(sourceArn: string, limit: number): Promise<MoveTask[]>;
  /** Every RUNNING task (what the background mover works on). */
  runningMoveTasks(): Promise<MoveTask[]>;
  /** RUNNING → CANCELLED; returns the task as it is afterwards, or undefined when unknown. */
  cancelMoveTask(taskId: string): Promise<MoveTask | undefined>;
  /** Up to limit receivable, unexpired messages of the queue, oldest first. */
  moveCandidates(queueId: number, now: number, expiredBefore: number, limit: number): Promise<MoveCandidate[]>;
  /**
   * In one transaction, while the task is RUNNING: moves each item still receivable in the task's source queue to
   * its queue as a new message (new id, sent now, receive count and dead-letter source cleared), and adds the
   * number moved to the task's count. Returns how many moved (0 when the task is no longer RUNNING).
   */
  moveMessages(taskId: string, items: MoveItem[], now: number): Promise<number>;
  /** RUNNING → COMPLETED or FAILED (with its reason). */
  finishMoveTask(taskId: string, status: "COMPLETED" | "FAILED", failureReason?: string): Promise<void>;
}
