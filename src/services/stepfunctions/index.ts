// The Step Functions module: its stores per backend and what it starts (the wire definition and the execution
// runner on the process's scheduler). Other services import Step Functions only from this file.
import { PgStepFunctionsStore } from "../../storage/postgres/stepfunctions-store.ts";
import { SqliteStepFunctionsStore } from "../../storage/sqlite/stepfunctions-store.ts";
import { defineService } from "../module.ts";
import type { SfnEnv } from "./env.ts";
import { scheduleRunner } from "./jobs/runner.ts";
import { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
import type { StepFunctionsStore } from "./store.ts";
import { stateMachineResources } from "./resources.ts";

export { createStepFunctionsService, PENDING_OPERATIONS } from "./service.ts";
export type { StepFunctionsStore } from "./store.ts";

export const stepfunctionsModule = defineService<StepFunctionsStore, undefined>({
  name: "stepfunctions",
  docs: {
    title: "Step Functions",
    note: "STANDARD state machines with Pass, Wait, Choice, Succeed and Fail states and JSONPath processing; Task, Parallel, Map, EXPRESS, JSONata and intrinsic functions are refused at CreateStateMachine.",
    pending: PENDING_OPERATIONS,
    definition: () => createStepFunctionsService({} as SfnEnv),
  },
  // What operators may declare at start (--config, startMailroom({ resources }); ADR 0024).
  resources: [stateMachineResources],
  stores: {
    sqlite: (db) => new SqliteStepFunctionsStore(db),
    postgres: (db) => new PgStepFunctionsStore(db),
  },
  start(ctx, store) {
    // On PostgreSQL other nodes may start executions: look for their due steps every second (on SQLite this node
    // wakes the runner itself).
    const runner = scheduleRunner(ctx.scheduler, store, ctx.log, ctx.shared ? 1000 : undefined);
    return { definition: createStepFunctionsService({ store, clock: ctx.clock, wake: () => runner.wake() }) };
  },
});
