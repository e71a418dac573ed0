// The EventBridge module: its stores per backend and what it starts (the wire definition, the API destination kind of
// the delivery engine). It writes SQS targets through SQS's api (the queue store) and the SQS adapters' one enqueue,
// SNS targets through SNS's api (planned publishes) and the SNS adapters. Other services import EventBridge only from this file.
import { PgEventsStore } from "../../storage/postgres/events-store.ts";
import { SqliteEventsStore } from "../../storage/sqlite/events-store.ts";
import type { SqliteSnsStore } from "../../storage/sqlite/sns-store.ts";
import type { SqliteSqsStore } from "../../storage/sqlite/sqs-store.ts";
import { defineService } from "../module.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import type { SnsApi } from "../sns/index.ts";
import type { SqsApi } from "../sqs/index.ts";
import type { EventsEnv } from "./env.ts";
import { createEventsService, PENDING_OPERATIONS } from "./service.ts";
import { API_DESTINATION_KIND, apiDestinationKind, type ApiDestinationAnswer, invokeApiDestination } from "./jobs/api-destinations.ts";
import { authorizeByConnection, type ConnectionAuthFailure, type ConnectionAuthorization } from "./connection-auth.ts";
import { KINESIS_TARGET_KIND, serviceTargetKind, STATES_TARGET_KIND } from "./jobs/service-targets.ts";
import type { BusKey, EventsStore } from "./store.ts";
import { type BusObserver, observeBus, type Observers } from "./observers.ts";
import { scheduleArchiveJobs } from "./jobs/archives.ts";
import { scheduleRules } from "./jobs/schedules.ts";
import { busResources, ruleResources } from "./resources.ts";
import { countSettled, eventsMetrics } from "./metrics.ts";

export { createEventsService, PENDING_OPERATIONS } from "./service.ts";
export type { EventsStore } from "./store.ts";
export { dispatchEvents, type DispatchOptions } from "./operations/put-events.ts";
/** The JSONPath subset EventBridge reads (dot notation, indices, wildcards): Pipes' input templates use it too. */
export { parsePath, selectPath } from "./domain/transform.ts";

export type { ConnectionAuthFailure, ConnectionAuthorization } from "./connection-auth.ts";
export type { BusObserver } from "./observers.ts";
export type { FormedEvent } from "./domain/event.ts";
export type { BusKey } from "./store.ts";

/** What other services may use of EventBridge at run time. */
export interface EventsApi {
  /** Its operations called in-process (Step Functions tasks). */
  call: ServiceCall;
  /**
   * What a connection of the caller's account and region adds to a request (invocation headers, query and body
   * parameters, and its authorization, OAuth tokens fetched and cached as for API destinations): Step Functions'
   * HTTP Task authorizes through it (Authentication.ConnectionArn).
   */
  connectionAuth(connectionArn: string, caller: { account: string; region: string }): Promise<ConnectionAuthorization | ConnectionAuthFailure>;
  /** Observes the events PutEvents commits on a bus (after the commit); returns the function that stops it. */
  observeBus(bus: BusKey, fn: BusObserver): () => void;
  /**
   * Invokes an API destination of the caller's account and region once, synchronously (EventBridge Pipes' enrichments
   * and targets): the endpoint's status and body, or why it could not be called.
   */
  invokeApiDestination(arn: string, body: string, http: ApiDestinationHttp | undefined, caller: { account: string; region: string }): Promise<ApiDestinationAnswer>;
}

/** An API destination invocation's path parameters, headers and query string (HttpParameters of targets and pipes). */
export interface ApiDestinationHttp {
  PathParameterValues?: string[];
  HeaderParameters?: Record<string, string>;
  QueryStringParameters?: Record<string, string>;
}
export type { ApiDestinationAnswer } from "./jobs/api-destinations.ts";

export const eventsModule = defineService<EventsStore, EventsApi>({
  name: "events",
  docs: {
    title: "EventBridge",
    note: "Event buses (with resource policies), rules with event patterns and schedules (rate, cron), TestEventPattern, PutEvents, archives and replays, tags; targets: SQS queues, SNS topics, event buses, API destinations with connections, Kinesis streams and Step Functions state machines (Input, InputPath, InputTransformer, RetryPolicy, DeadLetterConfig).",
    pending: PENDING_OPERATIONS,
    definition: () => createEventsService({} as EventsEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [busResources, ruleResources],
  stores: {
    sqlite: (db, stores) => new SqliteEventsStore(db, stores<SqliteSqsStore>("sqs"), stores<SqliteSnsStore>("sns")),
    postgres: (db) => new PgEventsStore(db),
  },
  start(ctx, store) {
    const sqs = ctx.api<SqsApi>("sqs").queues;
    const sns = ctx.api<SnsApi>("sns");
    const tokens = new Map<string, { token: string; expiresAt: number }>();
    const metrics = eventsMetrics(ctx.metrics);
    // API destination targets are remote: outbox rows attempted by the delivery engine under the target's retry policy.
    // Their invocations are counted when they settle (metrics.ts countSettled).
    ctx.delivery.register(API_DESTINATION_KIND, countSettled(apiDestinationKind({ store, clock: ctx.clock, tokens }), metrics));
    // Kinesis streams and state machines: their modules start after this one, so their api is looked up at attempt time.
    const later = (name: string) => () => {
      try {
        return ctx.api<{ call?: ServiceCall } | undefined>(name)?.call;
      } catch {
        return undefined;
      }
    };
    ctx.delivery.register(KINESIS_TARGET_KIND, countSettled(serviceTargetKind("kinesis", later("kinesis")), metrics));
    ctx.delivery.register(STATES_TARGET_KIND, countSettled(serviceTargetKind("states", later("stepfunctions")), metrics));
    const observers: Observers = new Map();
    const env: EventsEnv = { store, sqs, sns, clock: ctx.clock, notifier: ctx.notifier, outboxChanged: ctx.delivery.wake, tokens, metrics, observers };
    // Background work: scheduled rules (polled each second when other nodes share the database), replays and archive retention.
    const schedules = scheduleRules(ctx.scheduler, env, ctx.log, ctx.shared ? 1000 : undefined);
    const jobs = scheduleArchiveJobs(ctx.scheduler, env, ctx.log);
    env.jobs = { schedulesChanged: () => schedules.wake(), replaysChanged: () => jobs.replays.wake() };
    const definition = createEventsService(env);
    const connectionAuth = (arn: string, caller: { account: string; region: string }) => authorizeByConnection({ store, clock: ctx.clock, tokens }, arn, caller);
    const invoke = (arn: string, body: string, http: ApiDestinationHttp | undefined, caller: { account: string; region: string }) =>
      invokeApiDestination({ store, clock: ctx.clock, tokens }, arn, body, http, caller);
    return { definition, api: { call: serviceCall(definition), connectionAuth, observeBus: (bus, fn) => observeBus(observers, bus, fn), invokeApiDestination: invoke } };
  },
});
