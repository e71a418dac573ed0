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
import { scheduleArchiveJobs } from "./jobs/archives.ts";
import { scheduleRules } from "./jobs/schedules.ts";

export { createEventsService, PENDING_OPERATIONS } from "./service.ts";
export type { EventsStore } from "./store.ts";

export const eventsModule = defineService<EventsStore, undefined>({
  name: "events",
  docs: {
    title: "EventBridge",
    note: "Event buses, rules with event patterns and schedules (rate, cron), SQS queue targets (Input, InputPath), PutEvents, TestEventPattern, archives and replays, tags.",
    pending: PENDING_OPERATIONS,
    definition: () => createEventsService({} as EventsEnv),
  },
  stores: {
    sqlite: (db, stores) => new SqliteEventsStore(db, stores<SqliteSqsStore>("sqs")),
    postgres: (db) => new PgEventsStore(db),
  },
  start(ctx, store) {
    const sqs = ctx.api<SqsApi>("sqs").queues;
    const env: EventsEnv = { store, sqs, clock: ctx.clock, notifier: ctx.notifier };
    // Background work: scheduled rules (polled each second when other nodes share the database), replays and archive retention.
    const schedules = scheduleRules(ctx.scheduler, env, ctx.log, ctx.shared ? 1000 : undefined);
    const jobs = scheduleArchiveJobs(ctx.scheduler, env, ctx.log);
    env.jobs = { schedulesChanged: () => schedules.wake(), replaysChanged: () => jobs.replays.wake() };
    return { definition: createEventsService(env) };
  },
});
