// The EventBridge Scheduler module: schedule groups and schedules over REST-JSON, a firing job on the process
// scheduler, and a destination kind of the delivery engine that invokes targets through the target modules' own
// operations (their api's `call`). It starts after every module it targets (src/services/index.ts). Other services
// import Scheduler only from this file.
import { PgSchedulerStore } from "../../storage/postgres/scheduler-store.ts";
import { SqliteSchedulerStore } from "../../storage/sqlite/scheduler-store.ts";
import type { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { type ServiceCall, serviceCall } from "../operations.ts";
import type { SchedulerEnv } from "./env.ts";
import { scheduleFirings } from "./jobs/fire.ts";
import { SCHEDULER_TARGET_KIND, schedulerTargetKind } from "./jobs/targets.ts";
import { scheduleResources } from "./resources.ts";
import { createSchedulerService, PENDING_OPERATIONS } from "./service.ts";
import type { SchedulerStore } from "./store.ts";

export type { SchedulerStore } from "./store.ts";

export interface SchedulerApi {
  /** Its operations called in-process (declared resources, universal targets of other services). */
  call: ServiceCall;
}

export const schedulerModule = defineService<SchedulerStore, SchedulerApi>({
  name: "scheduler",
  docs: {
    title: "EventBridge Scheduler",
    note: "Schedules (at, rate and cron expressions in IANA time zones, StartDate/EndDate, flexible time windows, ActionAfterCompletion) and schedule groups with tags; templated targets (SQS, SNS, EventBridge, Step Functions, Kinesis) and universal targets of those services, with RetryPolicy and DeadLetterConfig.",
    pending: PENDING_OPERATIONS,
    definition: () => createSchedulerService({} as SchedulerEnv),
  },
  resources: [scheduleResources],
  stores: {
    sqlite: (db, stores) => new SqliteSchedulerStore(db, stores<SqliteSqsStore>("sqs")),
    postgres: (db) => new PgSchedulerStore(db),
  },
  start(ctx, store) {
    const callOf = (module: string): ServiceCall | undefined => {
      try {
        return ctx.api<{ call?: ServiceCall } | undefined>(module)?.call;
      } catch {
        return undefined;
      }
    };
    ctx.delivery.register(SCHEDULER_TARGET_KIND, schedulerTargetKind(callOf));
    const env: SchedulerEnv = { store, clock: ctx.clock, schedulesChanged: () => {}, defaults: new Set() };
    // Due schedules are polled each second when other nodes share the database (PostgreSQL).
    const firings = scheduleFirings(ctx.scheduler, env, ctx.delivery.wake, ctx.log, ctx.shared ? 1000 : undefined);
    env.schedulesChanged = () => firings.wake();
    const definition = createSchedulerService(env);
    return { definition, api: { call: serviceCall(definition) } };
  },
});
