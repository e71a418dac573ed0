// The Step Functions module: its stores per backend and what it starts (the wire definition and the execution
// runner on the process's scheduler). Other services import Step Functions only from this file.
import { PgStepFunctionsStore } from "../../storage/postgres/stepfunctions-store.ts";
import { SqliteStepFunctionsStore } from "../../storage/sqlite/stepfunctions-store.ts";
import { readFileSync } from "node:fs";
import type { EventsApi } from "../events/index.ts";
import type { KinesisApi } from "../kinesis/index.ts";
import { defineService } from "../module.ts";
import { serviceCall, type ServiceCall } from "../operations.ts";
import type { SnsApi } from "../sns/index.ts";
import type { SqsApi } from "../sqs/index.ts";
import { parseMockConfig } from "./domain/mock-config.ts";
import type { SfnEnv } from "./env.ts";
import { createTaskResources } from "./integrations/resources.ts";
import { createExpressRunner } from "./jobs/express.ts";
import { scheduleRunner } from "./jobs/runner.ts";
import { forgetMachine } from "./operations/sync.ts";
import { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
import type { StepFunctionsStore } from "./store.ts";
import { stateMachineResources } from "./resources.ts";

export { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
export type { StepFunctionsStore } from "./store.ts";

/** What other services may use of Step Functions at run time: its operations called in-process (EventBridge targets). */
export interface StepFunctionsApi {
  call: ServiceCall;
}

export const stepfunctionsModule = defineService<StepFunctionsStore, StepFunctionsApi>({
  name: "stepfunctions",
  docs: {
    title: "Step Functions",
    note: "STANDARD and EXPRESS state machines with Pass, Wait, Choice, Succeed, Fail and Task states (service integrations, the HTTP Task through EventBridge connections, local Lambda functions, mock config; no Retry/Catch yet) and JSONPath processing, versions and aliases; Parallel, Map, JSONata and intrinsic functions are refused at CreateStateMachine.",
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
    const tasks = createTaskResources({
      services: {
        sqs: optional<SqsApi>("sqs")?.call, sns: optional<SnsApi>("sns")?.call, events: optional<EventsApi>("events")?.call,
        kinesis: optional<KinesisApi>("kinesis")?.call, states: (c, op, input) => self!(c, op, input),
      },
      connectionAuth: optional<EventsApi>("events")?.connectionAuth,
      clock: ctx.clock, baseUrl: () => baseUrl.current, lambdaFunctions: ctx.options.lambdaFunctions ?? {}, mock,
      linkChild: (child, token, pattern) => store.linkChild(child, token, pattern),
    });
    // On PostgreSQL other nodes may start executions: look for their due steps every second (on SQLite this node
    // wakes the runner itself).
    const runner = scheduleRunner(ctx.scheduler, store, ctx.log, ctx.shared ? 1000 : undefined, tasks);
    const express = createExpressRunner(ctx.scheduler, ctx.clock, tasks);
    const env: SfnEnv = { store, clock: ctx.clock, wake: () => runner.wake(), tasks, mock, express, baseUrl };
    env.onMachineChanged = (arn) => forgetMachine(env, arn);
    const definition = createStepFunctionsService(env);
    self = serviceCall(definition);
    return { definition, api: { call: self } };
  },
});
