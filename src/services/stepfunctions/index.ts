// The Step Functions module: its stores per backend and what it starts (the wire definition and the execution
// runner on the process's scheduler). Other services import Step Functions only from this file.
import { PgStepFunctionsStore } from "../../storage/postgres/stepfunctions-store.ts";
import { SqliteStepFunctionsStore } from "../../storage/sqlite/stepfunctions-store.ts";
import { readFileSync } from "node:fs";
import type { Registration } from "../../engine/scheduler.ts";
import type { EventsApi } from "../events/index.ts";
import type { KinesisApi } from "../kinesis/index.ts";
import { defineService } from "../module.ts";
import type { RequestContext } from "../types.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import type { SnsApi } from "../sns/index.ts";
import type { SqsApi } from "../sqs/index.ts";
import { parseMockConfig } from "./domain/mock-config.ts";
import type { SfnEnv } from "./env.ts";
import { createTaskResources } from "./integrations/resources.ts";
import { createExpressRunner } from "./jobs/express.ts";
import { scheduleRunner } from "./jobs/runner.ts";
import { startExecution } from "./operations/executions.ts";
import { forgetMachine } from "./operations/sync.ts";
import { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
import type { StepFunctionsStore } from "./store.ts";
import { stateMachineResources } from "./resources.ts";
import { sfnMetrics } from "./metrics.ts";

export { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
export type { StepFunctionsStore } from "./store.ts";
export type { TaskCall, TaskOutcome, TaskResources } from "./domain/tasks.ts";

/** What other services may use of Step Functions at run time: its operations called in-process (EventBridge targets). */
export interface StepFunctionsApi {
  call: ServiceCall;
}

export const stepfunctionsModule = defineService<StepFunctionsStore, StepFunctionsApi>({
  name: "stepfunctions",
  docs: {
    title: "Step Functions",
    note: "STANDARD and EXPRESS state machines with every state type (inline and distributed Map over the state's input), JSONPath with intrinsic functions and JSONata, Retry/Catch, task tokens and activities, redrive, TestState; Task resources through service integrations (SQS, SNS, EventBridge, Kinesis, Step Functions with .sync), the HTTP Task through EventBridge connections, local Lambda functions and a mock config; versions and aliases, StartSyncExecution.",
    pending: PENDING_OPERATIONS,
    definition: () => createStepFunctionsService({ baseUrl: { current: "" } } as SfnEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [stateMachineResources],
  stores: {
    sqlite: (db) => new SqliteStepFunctionsStore(db),
    postgres: (db) => new PgStepFunctionsStore(db),
  },
  start(ctx, store) {
    const optional = <T>(name: string): T | undefined => {
      try {
        return ctx.api<T>(name);
      } catch {
        return undefined;
      }
    };
    // The mock-config file is read once at start; a bad one stops Mailroom from starting (its message names the problem).
    const mock = ctx.options.sfnMockConfig ? parseMockConfig(readFileSync(ctx.options.sfnMockConfig, "utf8")) : undefined;
    const baseUrl = { current: `http://${ctx.options.host.includes(":") ? `[${ctx.options.host}]` : ctx.options.host}:${ctx.options.port}` };
    let self: ServiceCall | undefined;
    let runner: Registration | undefined;
    const metrics = sfnMetrics(ctx.metrics);
    const env: SfnEnv = { store, clock: ctx.clock, wake: () => runner?.wake(), notifier: ctx.notifier, mock, baseUrl, metrics };
    // A `.sync` task starts its child through StartExecution's checks with the parent's task token
    // (operations/executions.ts launchExecution): the runner completes the parent's task when the child ends.
    const startChild = (c: RequestContext, input: Record<string, unknown>, taskToken: string) => startExecution(env, c, input, taskToken);
    const tasks = createTaskResources({
      services: {
        sqs: optional<SqsApi>("sqs")?.call, sns: optional<SnsApi>("sns")?.call, events: optional<EventsApi>("events")?.call,
        kinesis: optional<KinesisApi>("kinesis")?.call, states: (c, op, input) => self!(c, op, input),
      },
      connectionAuth: optional<EventsApi>("events")?.connectionAuth,
      clock: ctx.clock, baseUrl: () => baseUrl.current, lambdaFunctions: ctx.options.lambdaFunctions ?? {}, mock, startChild,
    });
    env.tasks = tasks;
    env.resources = tasks;
    // On PostgreSQL other nodes may start executions: look for their due steps every second (on SQLite this node
    // wakes the runner itself).
    runner = scheduleRunner(ctx.scheduler, { store, log: ctx.log, resources: tasks, notifier: ctx.notifier, onParentCompleted: env.wake, metrics }, ctx.shared ? 1000 : undefined);
    env.express = createExpressRunner(ctx.scheduler, ctx.clock, tasks);
    env.onMachineChanged = (arn) => forgetMachine(env, arn);
    const definition = createStepFunctionsService(env);
    self = serviceCall(definition);
    return { definition, api: { call: self } };
  },
});
