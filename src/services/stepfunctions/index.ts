// The Step Functions module: its stores per backend and what it starts (the wire definition and the execution
// runner on the process's scheduler). Other services import Step Functions only from this file.
import { PgStepFunctionsStore } from "../../storage/postgres/stepfunctions-store.ts";
import { SqliteStepFunctionsStore } from "../../storage/sqlite/stepfunctions-store.ts";
import type { Registration } from "../../engine/scheduler.ts";
import { defineService } from "../module.ts";
import type { SfnEnv } from "./env.ts";
import type { TaskResources } from "./domain/tasks.ts";
import { NO_RESOURCES, scheduleRunner } from "./jobs/runner.ts";
import { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
import type { StepFunctionsStore } from "./store.ts";

export { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
export type { StepFunctionsStore } from "./store.ts";
export type { TaskCall, TaskOutcome, TaskResources } from "./domain/tasks.ts";

export const stepfunctionsModule = defineService<StepFunctionsStore, undefined>({
  name: "stepfunctions",
  docs: {
    title: "Step Functions",
    note: "STANDARD state machines with every state type (inline and distributed Map over the state's input), JSONPath with intrinsic functions and JSONata, Retry/Catch, task tokens and activities, redrive, TestState; Task resources other than activities fail with States.TaskFailed until integrations land; EXPRESS machines are refused.",
    pending: PENDING_OPERATIONS,
    definition: () => createStepFunctionsService({} as SfnEnv),
  },
  stores: {
    sqlite: (db) => new SqliteStepFunctionsStore(db),
    postgres: (db) => new PgStepFunctionsStore(db),
  },
  start(ctx, store) {
    // On PostgreSQL other nodes may start executions: look for their due steps every second (on SQLite this node
    // wakes the runner itself).
    let runner: Registration | undefined;
    const env: SfnEnv = { store, clock: ctx.clock, wake: () => runner?.wake(), notifier: ctx.notifier };
    // What carries out Task resources other than activities (integrations, Lambda, mocks) plugs in here, built with
    // `env`: a `.sync` integration starts its child with operations/executions.ts launchExecution(env, machine, name,
    // input, call.taskToken), and the runner completes the parent's task when the child ends.
    const resources: TaskResources = NO_RESOURCES;
    env.resources = resources;
    runner = scheduleRunner(ctx.scheduler, { store, log: ctx.log, resources, notifier: ctx.notifier, onParentCompleted: env.wake }, ctx.shared ? 1000 : undefined);
    return { definition: createStepFunctionsService(env) };
  },
});
