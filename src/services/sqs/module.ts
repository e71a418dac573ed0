// The SQS module: its stores per backend and what it starts (wire definition, background jobs, the developer
// listing route). Other services reach SQS through its `api` (SqsApi).
import { PgSqsStore } from "../../storage/postgres/sqs-store.ts";
import { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { createSqsService, isFifo, parseQueueArn, type SqsApi, wakeKey } from "./index.ts";
import { scheduleMoveTasks } from "./move-tasks.ts";
import { sqsPeekRoute } from "./peek.ts";
import { cachedQueues } from "./queue-cache.ts";
import { scheduleRetentionSweep } from "./retention.ts";
import type { SqsStore } from "./store.ts";

export const sqsModule = defineService<SqsStore, SqsApi>({
  name: "sqs",
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
    return {
      definition: createSqsService({ store, clock, notifier }),
      routes: [sqsPeekRoute(store, clock, ctx.credentials)],
      api: { queues: store },
    };
  },
});
