// What callers and destination kinds see of the delivery engine (ADR 0011): outbox items and rows, dead letters, a
// destination kind's contract and the engine's interface. The storage port is store.ts; the worker engine.ts.
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

export type AttemptResult =
  | { ok: true }
  | {
    ok: false;
    /** Short code (an HTTP status, "ConnectionError"); goes into the DLQ's error-code attribute. */
    code: string;
    message: string;
    /** false: give up now (AWS sends some errors to the DLQ without retrying). Default true. */
    retryable?: boolean;
    /** The body the dead-letter queue gets (default: the row's payload). */
    deadLetterBody?: string;
    /** The destination asked to wait at least this long (an HTTP Retry-After): the next retry is not sooner. */
    retryAfterMs?: number;
  };

/** What the caller's settings say about a row now (SNS keeps policy and DLQ in subscription attributes). */
export interface Resolved {
  policy?: RetryPolicy;
  deadLetter?: DeadLetter;
  /** The DLQ message's sender (the account of the caller). */
  senderId?: string;
}

/** A kind of remote destination. Kinesis, Step Functions, event buses, HTTP targets plug in with one `register`. */
export interface DestinationKind {
  /** The caller's current settings for the row; undefined means the target is gone and the row is dropped. */
  resolve?(row: OutboxRow): Promise<Resolved | undefined>;
  attempt(row: OutboxRow, resolved: Resolved): Promise<AttemptResult>;
  /**
   * After a row's delivery ended for good, committed: delivered, or given up (`deadLettered`: true when the dead-letter
   * copy was written, false when the dead-letter queue is missing, undefined when the row had none). Not called for
   * retries, nor for rows whose target is gone (resolve answered undefined). For counters (metrics), so it must not throw.
   */
  settled?(row: OutboxRow, outcome: { ok: true } | { ok: false; deadLettered?: boolean }): void;
}

/** Where dead letters go: SQS's queues, plugged in by the SQS module at start (DeliveryEngine.useQueues). */
export interface QueueDirectory {
  /** Resolves a dead-letter queue ARN to a queue. */
  queueByArn(arn: string): Promise<{ id: number; fifo: boolean } | undefined>;
  /** After a dead-letter copy was committed: wake the queue's long polls. */
  queueWritten?(queueId: number): void;
}

export interface DeliveryEngine {
  /** Registers a destination kind (once per name). */
  register(kind: string, k: DestinationKind): void;
  /** The queues dead letters go to (SQS registers itself when it starts). */
  useQueues(q: QueueDirectory): void;
  /** Outbox rows were committed: look for due work now. */
  wake(): void;
  stop(): Promise<void>;
}
