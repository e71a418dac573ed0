// The EventBridge Pipes module: pipes from SQS queues and Kinesis streams, filtered with the shared event-pattern
// matcher, optionally enriched through a Step Functions EXPRESS workflow, into SQS, SNS, event buses, Kinesis and Step
// Functions. It reads and delivers through the other modules' in-process operations (their api's `call`), and runs
// every pipe from one leased job on the scheduler (jobs/runner.ts, ADR 0031). Other services import it only from here.
import { PgPipesStore } from "../../storage/postgres/pipes-store.ts";
import { SqlitePipesStore } from "../../storage/sqlite/pipes-store.ts";
import { defineService } from "../module.ts";
import type { EventsApi } from "../events/index.ts";
import type { ServiceCall } from "../operations.ts";
import type { PipesEnv } from "./env.ts";
import { scheduleRunner } from "./jobs/runner.ts";
import { pipesMetrics } from "./metrics.ts";
import { pipeResources } from "./resources.ts";
import { createPipesService, PENDING_OPERATIONS } from "./service.ts";
import type { PipesStore } from "./store.ts";

export { createPipesService, PENDING_OPERATIONS } from "./service.ts";
export type { PipesStore } from "./store.ts";

export const pipesModule = defineService<PipesStore, undefined>({
  name: "pipes",
  docs: {
    title: "EventBridge Pipes",
    note: "Sources: SQS queues and Kinesis streams; FilterCriteria; enrichment through Step Functions EXPRESS workflows and API destinations; targets: SQS queues, SNS topics, event buses, Kinesis streams, Step Functions state machines and API destinations, with InputTemplate and the targets' parameters. Not yet: other sources, Lambda and API Gateway enrichments and targets, LogConfiguration.",
    pending: PENDING_OPERATIONS,
    definition: () => createPipesService({} as PipesEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [pipeResources],
  stores: {
    sqlite: (db) => new SqlitePipesStore(db),
    postgres: (db) => new PgPipesStore(db),
  },
  start(ctx, store) {
    const modules: Record<string, string> = { sqs: "sqs", sns: "sns", events: "events", kinesis: "kinesis", stepfunctions: "stepfunctions" };
    const service = (name: string): ServiceCall | undefined => {
      try {
        return ctx.api<{ call?: ServiceCall } | undefined>(modules[name] ?? name)?.call;
      } catch {
        return undefined;
      }
    };
    const host = ctx.options.host.includes(":") ? `[${ctx.options.host}]` : ctx.options.host;
    const env: PipesEnv = {
      store, clock: ctx.clock, service, baseUrl: () => `http://${host}:${ctx.options.port}`, metrics: pipesMetrics(ctx.metrics),
      apiDestination: (arn, body, http, caller) => ctx.api<EventsApi>("events").invokeApiDestination(arn, body, http, caller),
    };
    scheduleRunner(ctx.scheduler, env, ctx.log, { shared: ctx.shared });
    return { definition: createPipesService(env) };
  },
});
