// EXPRESS executions: run in memory, step by step with the same pure step function as STANDARD executions, nothing
// stored (as on AWS, EXPRESS executions are not durable and have no GetExecutionHistory). A Wait parks the execution
// on one scheduler registration (no timer of its own) whose due time is the earliest parked wake-up; Task states are
// carried out by TaskResources. An execution lasts at most 5 minutes (Step Functions quotas: "Maximum execution
// time" of Express Workflows), or its TimeoutSeconds if shorter, then ends TIMED_OUT with States.Timeout.
import type { Clock } from "../../../engine/clock.ts";
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Definition } from "../domain/definition.ts";
import { completeTask, type ExecutionInfo, startPosition, step, taskParameters } from "../domain/step.ts";
import type { TaskOutcome, TaskResources } from "../domain/tasks.ts";
import type { ExecutionStatus } from "../store.ts";

const MAX_EXPRESS_MS = 5 * 60 * 1000;
/** Steps between yields to the event loop, so a long Pass/Choice loop does not hold the server. */
const STEPS_PER_TURN = 2000;

export interface ExpressResult {
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  stopDate: number;
  transitions: number;
}

export interface ExpressRunner {
  run(def: Definition, info: ExecutionInfo, region: string, account: string): Promise<ExpressResult>;
  /** EXPRESS executions running now (started and not ended). */
  running(): number;
}

export function createExpressRunner(scheduler: Scheduler, clock: Clock, tasks: TaskResources | undefined): ExpressRunner {
  const parked = new Map<number, { dueAt: number; resume: () => void }>();
  let nextId = 0;
  let active = 0;
  const registration = scheduler.register({
    name: "stepfunctions.express-waits",
    nextDue: async () => {
      let min: number | undefined;
      for (const p of parked.values()) if (min === undefined || p.dueAt < min) min = p.dueAt;
      return min;
    },
    run: async (now) => {
      for (const [id, p] of parked) {
        if (p.dueAt <= now) {
          parked.delete(id);
          p.resume();
        }
      }
    },
  });
  const sleepUntil = (dueAt: number) => new Promise<void>((resume) => {
    parked.set(nextId++, { dueAt, resume });
    registration.wake();
  });

  async function run(def: Definition, info: ExecutionInfo, region: string, account: string): Promise<ExpressResult> {
    active++;
    try {
      const deadline = info.startDate + Math.min(MAX_EXPRESS_MS, def.TimeoutSeconds === undefined ? MAX_EXPRESS_MS : def.TimeoutSeconds * 1000);
      let pos = startPosition(def, info.input, info.startDate);
      let lastEventId = 1;
      let transitions = 0;
      for (let n = 1; ; n++) {
        const now = clock.now();
        if (now >= deadline) return { status: "TIMED_OUT", error: "States.Timeout", stopDate: deadline, transitions };
        if (pos.dueAt !== undefined && pos.dueAt > now) {
          await sleepUntil(Math.min(pos.dueAt, deadline));
          continue;
        }
        let r;
        if (pos.phase === "task") {
          let outcome: TaskOutcome;
          try {
            outcome = tasks
              ? await tasks.invoke({
                resource: String(def.States[pos.state].Resource), pattern: "request-response", parameters: taskParameters(def, info, pos),
                executionArn: info.arn, stateMachineArn: info.machineArn, stateName: pos.state, account, region,
              })
              : { type: "failed", error: "States.Runtime", cause: "Task resources are not available." };
          } catch (e) {
            outcome = { type: "failed", error: "States.Runtime", cause: e instanceof Error ? e.message : String(e) };
          }
          // EXPRESS workflows support neither .waitForTaskToken nor .sync ("Choosing workflow type": Express supports request-response only).
          if (outcome.type === "pending") outcome = { type: "failed", error: "States.Runtime", cause: "EXPRESS state machines support the request-response pattern only (no .sync or .waitForTaskToken)." };
          r = completeTask(def, info, pos, outcome, region, now);
        } else {
          r = step(def, info, pos, lastEventId, now);
        }
        lastEventId += r.events.length;
        if (pos.phase !== "wait" || r.status !== "RUNNING") transitions++;
        if (r.status !== "RUNNING") return { status: r.status, output: r.output, error: r.error, cause: r.cause, stopDate: now, transitions };
        pos = r.position;
        if (n % STEPS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      active--;
    }
  }

  return { run, running: () => active };
}
