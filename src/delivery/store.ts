// The delivery engine's storage port: a durable outbox of work that cannot be done in the caller's transaction
// (HTTP/S, later Kinesis, Lambda-like and cross-region targets). One generic table per backend (delivery_outbox):
// destination (kind + target + detail), payload, due time, attempts, first-attempt time, lease, retry policy, DLQ.
// Rows are added inside the caller's transaction (SQLite: SqliteOutbox.addInTransaction inside the same
// SqliteDb.write; PostgreSQL: addOutboxInTransaction on the caller's client), or alone by `add`.
import type { QueueWrite } from "../services/sqs/index.ts";
import type { RetryPolicy } from "./policy.ts";

/** Where failed deliveries go when the policy gives up, and which message attributes carry the error. */
export interface DeadLetter {
  /** SQS queue ARN. */
  queueArn: string;
  /** Attributes added as they are (EventBridge: RULE_ARN, TARGET_ARN). */
  attributes?: Record<string, string>;
  /**
   * Names of the attributes the engine fills in at give-up time (each optional): a request id, the error code and
   * message, the retries made (attempts - 1) and the limit that ended them (only when one did).
   */
  names?: { requestId?: string; errorCode?: string; errorMessage?: string; retryAttempts?: string; exhaustedCondition?: string };
}

export interface NewOutboxItem {
  /** Destination kind, as registered with the engine ("sns.http", "http", later "kinesis", "sfn", "events"). */
  kind: string;
  /** The destination within the kind (a subscription ARN, a URL); throttles are counted per (kind, target). */
  target: string;
  /** Kind-specific detail (SNS: notification, confirmation, UnsubscribeConfirmation). */
  detail?: string;
  payload: string;
  dueAt: number;
  /** Omitted: the destination kind resolves it when attempting (the caller's current settings). */
  policy?: RetryPolicy;
  deadLetter?: DeadLetter;
}

export interface OutboxRow extends NewOutboxItem {
  id: number;
  detail: string;
  attempts: number;
  /** When the first attempt was made (undefined before it): age-limited policies count from it. */
  firstAttemptAt?: number;
  createdAt: number;
}

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
