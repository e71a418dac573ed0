// The delivery engine (DESIGN.md §5, ADR 0011). Callers (SNS Publish today; PutEvents, a schedule firing, a Task state
// later) hand it destinations:
//   - in-process destinations are written in the caller's own transaction: an SQS queue through the SQS store's one
//     enqueue (a QueueWrite in the caller's store method), so fan-out is atomic;
//   - remote destinations become outbox rows in the caller's transaction; the worker below claims due rows under a
//     lease, attempts them through the destination kind's registry entry, and on failure asks the retry policy (data)
//     for the next due time; when it gives up, the caller's dead-letter queue gets the message with the caller's
//     error attributes, in the transaction that removes the row.
// The worker is one registration of the process scheduler (engine/scheduler.ts): no timer of its own.
import { randomUUID } from "node:crypto";
import type { Clock } from "../engine/clock.ts";
import type { Registration, Scheduler } from "../engine/scheduler.ts";
import type { NewMessage, QueueWrite } from "../services/sqs/index.ts";
import { md5Hex, md5OfAttributes } from "../util/md5.ts";
import { exhaustedCondition, NO_RETRY, nextRetryDelayMs } from "./policy.ts";
import type { OutboxStore } from "./store.ts";
import type { AttemptResult, DeliveryEngine, DestinationKind, OutboxRow, QueueDirectory, Resolved } from "./types.ts";

export type { AttemptResult, DeliveryEngine, DestinationKind, QueueDirectory, Resolved } from "./types.ts";

export interface DeliveryDeps extends Partial<QueueDirectory> {
  outbox: OutboxStore;
  scheduler: Scheduler;
  clock: Clock;
  log: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** Shared database: look for other nodes' rows at least this often. */
  pollMs?: number;
  leaseMs?: number;
  batch?: number;
  random?: () => number;
}

const LEASE_MS = 60_000;
const BATCH = 16;

export function startDeliveryEngine(d: DeliveryDeps): DeliveryEngine {
  const kinds = new Map<string, DestinationKind>();
  let queues: QueueDirectory | undefined = d.queueByArn ? { queueByArn: d.queueByArn, queueWritten: d.queueWritten } : undefined;
  /** Attempts started per (kind, target) in the current one-second window, for throttles (per node). */
  const windows = new Map<string, { start: number; count: number }>();
  let stopped = false;

  function throttled(key: string, max: number | undefined, now: number): number | undefined {
    if (max === undefined) return undefined;
    let w = windows.get(key);
    if (!w || now - w.start >= 1000) {
      if (windows.size > 10_000) windows.clear();
      windows.set(key, (w = { start: now, count: 0 }));
    }
    if (w.count >= max) return w.start + 1000;
    w.count++;
    return undefined;
  }

  async function deliver(row: OutboxRow): Promise<void> {
    const now = () => d.clock.now();
    const kind = kinds.get(row.kind);
    if (!kind) {
      // A kind this build does not know (a newer node wrote it): leave it for a node that does.
      return d.outbox.retry(row.id, row.attempts, row.firstAttemptAt, now() + LEASE_MS);
    }
    const resolved = kind.resolve ? await kind.resolve(row) : {};
    if (!resolved) return d.outbox.finish(row.id, now());
    const policy = resolved.policy ?? row.policy ?? NO_RETRY;
    // A throttled delivery is put back to the next second without using up a retry.
    const later = throttled(`${row.kind}\n${row.target}`, policy.maxPerSecond, now());
    if (later !== undefined) return d.outbox.retry(row.id, row.attempts, row.firstAttemptAt, later);
    const first = row.firstAttemptAt ?? now();
    const result = await kind.attempt(row, resolved);
    if (result.ok) {
      await d.outbox.finish(row.id, now());
      return kind.settled?.(row, { ok: true });
    }
    const attempts = row.attempts + 1;
    const delay = result.retryable === false ? undefined : nextRetryDelayMs(policy, attempts, first, now(), d.random, result.retryAfterMs);
    if (delay !== undefined) return d.outbox.retry(row.id, attempts, first, now() + delay);
    const deadLettered = await giveUp(row, resolved, result, attempts, result.retryable === false ? undefined : exhaustedCondition(policy, attempts));
    kind.settled?.(row, { ok: false, deadLettered });
  }

  /** Ends a row for good: true when its dead-letter copy was written, false when its queue is missing, undefined without one. */
  async function giveUp(row: OutboxRow, resolved: Resolved, r: Extract<AttemptResult, { ok: false }>, attempts: number, exhausted: string | undefined): Promise<boolean | undefined> {
    const dl = resolved.deadLetter ?? row.deadLetter;
    const q = dl && (await queues?.queueByArn(dl.queueArn));
    const now = d.clock.now();
    if (!dl || !q) {
      d.log.warn(dl ? "delivery given up, dead-letter queue missing" : "delivery given up", { kind: row.kind, target: row.target, error: r.message });
      await d.outbox.finish(row.id, now);
      return dl ? false : undefined;
    }
    const body = r.deadLetterBody ?? row.payload;
    const attributes: NonNullable<NewMessage["attributes"]> = {};
    const put = (name: string | undefined, value: string) => {
      if (name) attributes[name] = { DataType: "String", StringValue: value };
    };
    for (const [k, v] of Object.entries(dl.attributes ?? {})) put(k, v);
    put(dl.names?.requestId, randomUUID());
    put(dl.names?.errorCode, r.code);
    put(dl.names?.errorMessage, r.message);
    put(dl.names?.retryAttempts, String(attempts - 1));
    // Present only when a retry limit ended the delivery, not for errors that are never retried.
    if (exhausted) put(dl.names?.exhaustedCondition, exhausted);
    const message: NewMessage = {
      messageId: randomUUID(), body, md5OfBody: md5Hex(body), attributes, md5OfAttributes: md5OfAttributes(attributes),
      senderId: resolved.senderId ?? "", visibleAt: now,
    };
    const write: QueueWrite = q.fifo
      ? { queueId: q.id, message: { ...message, messageGroupId: row.target, deduplicationId: message.messageId, dedupKey: message.messageId }, fifo: { dedupWindowMs: 300_000 } }
      : { queueId: q.id, message };
    await d.outbox.finish(row.id, now, [write]);
    queues?.queueWritten?.(q.id);
    return true;
  }

  async function round(): Promise<void> {
    for (;;) {
      if (stopped) return;
      const rows = await d.outbox.claim(d.clock.now(), d.leaseMs ?? LEASE_MS, d.batch ?? BATCH);
      if (rows.length === 0) return;
      await Promise.all(rows.map((r) => deliver(r).catch((e) => d.log.warn("delivery attempt failed", { id: r.id, kind: r.kind, error: String(e) }))));
    }
  }

  const registration: Registration = d.scheduler.register({
    name: "delivery.outbox",
    nextDue: () => d.outbox.nextDue(),
    run: round,
    pollMs: d.pollMs,
  });

  return {
    register(name, k) {
      if (kinds.has(name)) throw new Error(`delivery: destination kind ${name} is already registered`);
      kinds.set(name, k);
      registration.wake();
    },
    useQueues(q) {
      queues = q;
    },
    wake: () => registration.wake(),
    async stop() {
      stopped = true;
      await registration.cancel();
    },
  };
}
