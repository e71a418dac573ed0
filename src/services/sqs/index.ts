// The SQS module: its stores per backend and what it starts (wire definition, background jobs, the developer
// listing route), and SQS's public surface: other services import SQS only from this file, and reach its running
// store through the module's `api` (SqsApi).
import { PgSqsStore } from "../../storage/postgres/sqs-store.ts";
import { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import { isFifo } from "./domain/fifo.ts";
import { parseQueueArn } from "./domain/queues.ts";
import { wakeKey } from "./env.ts";
import type { SqsEnv } from "./env.ts";
import { createSqsService, PENDING_OPERATIONS } from "./service.ts";
import { scheduleMoveTasks } from "./jobs/move-tasks.ts";
import { sqsPeekRoute } from "./routes.ts";
import { cachedQueues } from "./queue-cache.ts";
import { scheduleRetentionSweep } from "./jobs/retention.ts";
import type { QueueKey, SqsStore } from "./store.ts";
import { queueResources } from "./resources.ts";
import { sqsMetrics } from "./metrics.ts";

export type { NewFifoMessage, NewMessage, QueueKey, QueueRecord, QueueWrite, SqsStore } from "./store.ts";
export { DEDUP_WINDOW_MS, fifoFields, isFifo } from "./domain/fifo.ts";
export { md5Hex, md5OfAttributes } from "../../util/md5.ts";
export { parseQueueArn } from "./domain/queues.ts";
export { wakeKey } from "./env.ts";
export { createSqsService, PENDING_OPERATIONS } from "./service.ts";

/** What other services may use of SQS at run time (the module's api): the queue store behind SQS's own operations. */
export interface SqsApi {
  queues: SqsStore;
  /** SQS's operations called in-process (Step Functions tasks). */
  call: ServiceCall;
  /**
   * Counts messages another service added to a queue (SNS deliveries) as sent, once committed: NumberOfMessagesSent
   * is "the number of messages added to a queue" (SQS developer guide, available CloudWatch metrics).
   */
  countSent(queue: QueueKey, n: number): void;
}

export const sqsModule = defineService<SqsStore, SqsApi>({
  name: "sqs",
  docs: {
    title: "SQS",
    note: "Queue types: standard and FIFO (`.fifo` names with `FifoQueue=true`: group order, deduplication, high-throughput settings).",
    pending: PENDING_OPERATIONS,
    definition: () => createSqsService({} as SqsEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [queueResources],
  stores: {
    sqlite: (db) => new SqliteSqsStore(db),
    postgres: (db) => new PgSqsStore(db),
  },
  start(ctx, raw) {
    const { clock, notifier, log, scheduler } = ctx;
    const store = cachedQueues(raw, clock);
    scheduleRetentionSweep(scheduler, store, clock, log);
    scheduleMoveTasks(scheduler, store, clock, notifier, log);
    // Dead letters of given-up deliveries (SNS, later EventBridge, Scheduler, Pipes) go into SQS queues.
    ctx.delivery.useQueues({
      queueByArn: async (arn) => {
        const key = parseQueueArn(arn);
        const q = key && (await store.getQueue(key));
        return q ? { id: q.id, fifo: isFifo(q) } : undefined;
      },
      queueWritten: (id) => notifier.notify(wakeKey(id)),
    });
    const metrics = sqsMetrics(ctx.metrics, store, clock);
    // The test profile turns AWS's re-create and purge waits off (ADR 0024); the aws profile keeps them.
    const definition = createSqsService({ store, clock, notifier, metrics, waits: ctx.options.profile === "test" ? { recreateAfterDeleteMs: 0, purgeIntervalMs: 0 } : undefined });
    return {
      definition,
      routes: [sqsPeekRoute(store, clock, ctx.credentials)],
      api: { queues: store, countSent: (q, n) => metrics.sent.add(q.account, q.region, q.name, n), call: serviceCall(definition) },
    };
  },
});
