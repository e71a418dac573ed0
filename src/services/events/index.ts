// The EventBridge module: its stores per backend and what it starts (the wire definition). It writes SQS targets
// through SQS's api (the queue store) and the SQS adapters' one enqueue. Other services import EventBridge only from this file.
import { PgEventsStore } from "../../storage/postgres/events-store.ts";
import { SqliteEventsStore } from "../../storage/sqlite/events-store.ts";
import type { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import type { SqsApi } from "../sqs/index.ts";
import type { EventsEnv } from "./env.ts";
import { createEventsService, PENDING_OPERATIONS } from "./service.ts";
import type { EventsStore } from "./store.ts";

export { createEventsService, PENDING_OPERATIONS } from "./service.ts";
export type { EventsStore } from "./store.ts";

/** What other services may use of EventBridge at run time: its operations called in-process (Step Functions tasks). */
export interface EventsApi {
  call: ServiceCall;
}

export const eventsModule = defineService<EventsStore, EventsApi>({
  name: "events",
  docs: {
    title: "EventBridge",
    note: "First increment: event buses, rules with event patterns, SQS queue targets (Input, InputPath), PutEvents, TestEventPattern.",
    pending: PENDING_OPERATIONS,
    definition: () => createEventsService({} as EventsEnv),
  },
  stores: {
    sqlite: (db, stores) => new SqliteEventsStore(db, stores<SqliteSqsStore>("sqs")),
    postgres: (db) => new PgEventsStore(db),
  },
  start(ctx, store) {
    const sqs = ctx.api<SqsApi>("sqs").queues;
    const definition = createEventsService({ store, sqs, clock: ctx.clock, notifier: ctx.notifier });
    return { definition, api: { call: serviceCall(definition) } };
  },
});
