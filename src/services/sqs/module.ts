// The SQS module: its stores per backend and what it starts (wire definition, background jobs, the developer
// listing route). Other services reach SQS through its `api` (SqsApi).
import { PgSqsStore } from "../../storage/postgres/sqs-store.ts";
import { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { createSqsService, type SqsApi } from "./index.ts";
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
    const { clock, notifier, log, jobs } = ctx;
    const store = cachedQueues(raw, clock);
    scheduleRetentionSweep(jobs, store, clock, log);
    scheduleMoveTasks(jobs, store, clock, notifier, log);
    return {
      definition: createSqsService({ store, clock, notifier }),
      routes: [sqsPeekRoute(store, clock, ctx.credentials)],
      api: { queues: store },
    };
  },
});
