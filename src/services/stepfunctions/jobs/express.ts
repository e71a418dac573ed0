// EXPRESS executions: run in memory, step by step with the interpreter's step function (domain/step.ts, the same one
// STANDARD executions and runInMemory use: every state type, Retry/Catch, intrinsics, JSONata), nothing stored (as on
// AWS, EXPRESS executions are not durable and have no GetExecutionHistory). A Wait or a retry's delay parks the
// execution on one scheduler registration (no timer of its own) whose due time is the earliest parked wake-up; Task
// states are carried out by TaskResources. An execution lasts at most 5 minutes (Step Functions quotas: "Maximum execution
// time" of Express Workflows), or its TimeoutSeconds if shorter, then ends TIMED_OUT with States.Timeout.
import type { Clock } from "../../../engine/clock.ts";
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Definition } from "../domain/definition.ts";
import { type ExecutionInfo, startPosition, step, type StepIO, type StepResult } from "../domain/step.ts";
import type { TaskCall, TaskOutcome, TaskResources } from "../domain/tasks.ts";
import type { ExecutionPosition } from "../store.ts";
import type { ExecutionStatus } from "../store.ts";

const MAX_EXPRESS_MS = 5 * 60 * 1000;
/** Steps between yields to the event loop, so a long Pass/Choice loop does not hold the server. */
const STEPS_PER_TURN = 2000;
/**
 * Steps one call of `step` takes while nothing outside the execution is touched (no history is built: EXPRESS
 * executions have none); a Task, a Wait or a retry's delay ends the chain.
 */
const CHAIN = { steps: 100, events: Number.POSITIVE_INFINITY };
/**
 * EXPRESS executions running at once on a node (Mailroom's bound; AWS documents none for Express, but throttles its
 * APIs): past it a start is throttled, so an execution that starts itself through a task cannot nest without end.
 */
export const MAX_RUNNING_EXPRESS = 1_000;

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
  // Parked wake-ups by id; the earliest due time is cached (recomputed only when the earliest one leaves).
  const parked = new Map<number, { dueAt: number; resume: () => void }>();
  let nextId = 0;
  let active = 0;
  let earliest: number | undefined;
  let stale = false;
  const remove = (id: number) => {
    const p = parked.get(id);
    if (!p) return;
    parked.delete(id);
    if (p.dueAt === earliest) stale = true;
  };
  const registration = scheduler.register({
    name: "stepfunctions.express-waits",
    nextDue: async () => {
      if (stale) {
        earliest = undefined;
        for (const p of parked.values()) if (earliest === undefined || p.dueAt < earliest) earliest = p.dueAt;
        stale = false;
      }
      return earliest;
    },
    run: async (now) => {
      for (const [id, p] of parked) {
        if (p.dueAt <= now) {
          remove(id);
          p.resume();
        }
      }
    },
  });
  /** Parks until dueAt on the scheduler; cancel() drops the wake-up (the task it bounded answered first). */
  const park = (dueAt: number) => {
    const id = nextId++;
    const wait = new Promise<void>((resume) => parked.set(id, { dueAt, resume }));
    if (earliest === undefined || dueAt < earliest) {
      earliest = dueAt;
      registration.wake();
    }
    return { wait, cancel: () => remove(id) };
  };

  async function run(def: Definition, info: ExecutionInfo, region: string, account: string): Promise<ExpressResult> {
    active++;
    try {
      const deadline = info.startDate + Math.min(MAX_EXPRESS_MS, def.TimeoutSeconds === undefined ? MAX_EXPRESS_MS : def.TimeoutSeconds * 1000);
      let pos: ExecutionPosition = startPosition(def, info.input, info.startDate);
      let lastEventId = 1;
      let transitions = 0;
      let timedOut = false;
      // Member by member: a spread that adds members (account, region) costs microseconds in V8, per execution.
      const x: ExecutionInfo = {
        arn: info.arn, name: info.name, input: info.input, roleArn: info.roleArn, startDate: info.startDate, machineArn: info.machineArn,
        machineName: info.machineName, account, region, redriveCount: info.redriveCount,
      };
      const io: StepIO = {
        history: false,
        chain: CHAIN,
        invoke: async (call: TaskCall): Promise<TaskOutcome> => {
          let outcome: TaskOutcome;
          try {
            const pending = tasks ? tasks.invoke(call) : Promise.resolve<TaskOutcome>({ type: "failed", error: "States.TaskFailed", cause: "Task resources are not available." });
            // The execution's deadline holds while a task runs too (a task that never answers, a nested sync execution).
            const bound = park(deadline);
            const first = await Promise.race([pending, bound.wait.then(() => "timeout" as const)]);
            if (first === "timeout") {
              timedOut = true;
              return { type: "failed", error: "States.Timeout" };
            }
            bound.cancel();
            outcome = first;
          } catch (e) {
            outcome = { type: "failed", error: "States.TaskFailed", cause: e instanceof Error ? e.message : String(e) };
          }
          // EXPRESS workflows support neither .waitForTaskToken nor .sync ("Choosing workflow type": Express supports
          // request-response only); CreateStateMachine refuses them, and a mocked or late pending outcome fails here.
          if (outcome.type === "pending") outcome = { type: "failed", error: "States.Runtime", cause: "EXPRESS state machines support the request-response pattern only (no .sync or .waitForTaskToken)." };
          return outcome;
        },
      };
      let sinceYield = 0;
      for (;;) {
        const now = clock.now();
        if (now >= deadline) return { status: "TIMED_OUT", error: "States.Timeout", stopDate: deadline, transitions };
        if (pos.dueAt !== undefined && pos.dueAt > now) {
          await park(Math.min(pos.dueAt, deadline)).wait;
          continue;
        }
        const r: StepResult = await step(def, x, pos, lastEventId, now, io);
        if (timedOut) return { status: "TIMED_OUT", error: "States.Timeout", stopDate: deadline, transitions };
        lastEventId = r.lastEventId;
        transitions += r.entered;
        if (r.status !== "RUNNING") return { status: r.status, output: r.output, error: r.error, cause: r.cause, stopDate: now, transitions };
        pos = r.position;
        // A position with nothing due (a task waiting for a token) cannot go on in memory.
        if (pos.dueAt === undefined) return { status: "FAILED", error: "States.Runtime", cause: "The execution waits for a task token, which EXPRESS executions do not have.", stopDate: now, transitions };
        sinceYield += r.steps;
        if (sinceYield >= STEPS_PER_TURN) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      active--;
    }
  }

  return { run, running: () => active };
}
