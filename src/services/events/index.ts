// The EventBridge module: its stores per backend and what it starts (the wire definition). It writes SQS targets
// through SQS's api (the queue store) and the SQS adapters' one enqueue. Other services import EventBridge only from this file.
import { PgEventsStore } from "../../storage/postgres/events-store.ts";
import { SqliteEventsStore } from "../../storage/sqlite/events-store.ts";
import type { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import type { SqsApi } from "../sqs/index.ts";
import type { EventsEnv } from "./env.ts";
import { createEventsService, PENDING_OPERATIONS } from "./service.ts";
import type { EventsStore } from "./store.ts";
import { busResources, ruleResources } from "./resources.ts";

export { createEventsService, PENDING_OPERATIONS } from "./service.ts";
export type { EventsStore } from "./store.ts";

export const eventsModule = defineService<EventsStore, undefined>({
  name: "events",
  docs: {
    title: "EventBridge",
    note: "First increment: event buses, rules with event patterns, SQS queue targets (Input, InputPath), PutEvents, TestEventPattern.",
    pending: PENDING_OPERATIONS,
    definition: () => createEventsService({} as EventsEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [busResources, ruleResources],
  stores: {
    sqlite: (db, stores) => new SqliteEventsStore(db, stores<SqliteSqsStore>("sqs")),
    postgres: (db) => new PgEventsStore(db),
  },
  start(ctx, store) {
    const sqs = ctx.api<SqsApi>("sqs").queues;
    return { definition: createEventsService({ store, sqs, clock: ctx.clock, notifier: ctx.notifier }) };
  },
});
