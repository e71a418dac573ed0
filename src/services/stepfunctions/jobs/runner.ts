// The execution runner: one registration with the process's scheduler whose due time is the earliest stored due
// time of a running execution (a new start is due now; a Wait is due when it ends). It advances each due execution
// step by step, committing every step with its events (store.advance, guarded by the row's version: a step that
// lost a race to a stop or to another node is dropped). No timer of its own.
import type { Scheduler, Registration } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import { parseMachineArn } from "../domain/arns.ts";
import type { Definition } from "../domain/definition.ts";
import { completeTask, deadlineOf, step, taskParameters, type StepResult } from "../domain/step.ts";
import type { TaskResources } from "../domain/tasks.ts";
import type { HistoryEventRecord, StepFunctionsStore } from "../store.ts";

/** Steps one execution takes per round before others get their turn (a Pass loop cannot starve the rest). */
const STEPS_PER_ROUND = 100;
const BATCH = 64;
const MAX_EVENTS = 25_000;

export function scheduleRunner(scheduler: Scheduler, store: StepFunctionsStore, log: Logger, pollMs?: number, tasks?: TaskResources): Registration {
  return scheduler.register({
    name: "stepfunctions.executions",
    pollMs,
    nextDue: () => store.nextDue(),
    run: async (now) => {
      const due = await store.dueExecutions(now, BATCH);
      await Promise.all(due.map((arn) => runExecution(store, arn, now, tasks).catch((e) => log.warn("execution step failed", { arn, error: String(e) }))));
    },
  });
}

/**
 * Each event names the one before it, except the first state's entered event (id 2), whose previousEventId is 0
 * as AWS records it (LocalStack snapshots test_wait, test_base_scenarios: "id": 2, "previousEventId": 0).
 */
export const previousEventId = (id: number) => (id === 2 ? 0 : id - 1);

export async function runExecution(store: StepFunctionsStore, arn: string, now: number, tasks?: TaskResources): Promise<void> {
  for (let i = 0; i < STEPS_PER_ROUND; i++) {
    const x = await store.getExecution(arn);
    if (!x || x.status !== "RUNNING" || x.position.dueAt === undefined || x.position.dueAt > now) return;
    const def = JSON.parse(x.definition) as Definition;
    const deadline = deadlineOf(def, x.startDate);
    let r: StepResult;
    let at = now;
    if (deadline !== undefined && now >= deadline) {
      // The machine's TimeoutSeconds has passed: TIMED_OUT at exactly startDate + TimeoutSeconds, an
      // ExecutionTimedOut event with error States.Timeout and no cause, previousEventId 0 (measured on AWS, floci-io/floci#2965).
      at = deadline;
      r = {
        events: [{ type: "ExecutionTimedOut", detailsKey: "executionTimedOutEventDetails", details: { error: "States.Timeout" } }],
        status: "TIMED_OUT", error: "States.Timeout", position: { ...x.position, dueAt: undefined },
      };
    } else if (x.position.phase === "task") {
      // A minimal Task path (part B): the resource is carried out now and the state completed in this step; part A's
      // interpreter replaces it (Retry/Catch, timeouts, task tokens for pending outcomes).
      const info = { arn: x.arn, name: x.name, input: x.input, roleArn: x.roleArn, startDate: x.startDate, machineArn: x.machineArn, machineName: parseMachineArn(x.machineArn)?.name ?? "" };
      const [, , , region, account] = x.arn.split(":");
      let outcome: Awaited<ReturnType<TaskResources["invoke"]>>;
      try {
        outcome = tasks
          ? await tasks.invoke({
            resource: String(def.States[x.position.state].Resource), pattern: "request-response", parameters: taskParameters(def, info, x.position),
            executionArn: x.arn, stateMachineArn: x.machineArn, stateName: x.position.state, account, region,
          })
          : { type: "failed", error: "States.Runtime", cause: "Task resources are not available." };
      } catch (e) {
        outcome = { type: "failed", error: "States.Runtime", cause: e instanceof Error ? e.message : String(e) };
      }
      if (outcome.type === "pending") outcome = { type: "failed", error: "States.Runtime", cause: "Callback and .sync tasks need task tokens, which this Mailroom version does not have yet." };
      r = completeTask(def, info, x.position, outcome, region, now);
      if (r.status === "RUNNING" && deadline !== undefined) r.position = { ...r.position, dueAt: Math.min(r.position.dueAt ?? deadline, deadline) };
    } else {
      r = step(def, {
        arn: x.arn, name: x.name, input: x.input, roleArn: x.roleArn, startDate: x.startDate,
        machineArn: x.machineArn, machineName: parseMachineArn(x.machineArn)?.name ?? "",
      }, x.position, x.lastEventId, now);
      // A running execution is next due at its next step or its deadline, whichever comes first.
      if (r.status === "RUNNING" && deadline !== undefined) r.position = { ...r.position, dueAt: Math.min(r.position.dueAt ?? deadline, deadline) };
    }
    // At most 25,000 history events: the execution fails with States.Runtime, event 25,000 being its
    // ExecutionFailed (measured on AWS, floci-io/floci#2734: "The execution reached the maximum number of history events (25000).").
    if (x.lastEventId + r.events.length >= MAX_EVENTS && !(r.status !== "RUNNING" && x.lastEventId + r.events.length <= MAX_EVENTS)) {
      const cause = `The execution reached the maximum number of history events (${MAX_EVENTS}).`;
      r.events = r.events.slice(0, MAX_EVENTS - 1 - x.lastEventId);
      r.events.push({ type: "ExecutionFailed", detailsKey: "executionFailedEventDetails", details: { error: "States.Runtime", cause } });
      Object.assign(r, { status: "FAILED", error: "States.Runtime", cause, output: undefined, position: { ...r.position, dueAt: undefined } });
    }
    const events: HistoryEventRecord[] = r.events.map((e, k) => ({
      id: x.lastEventId + 1 + k, previousEventId: r.status === "TIMED_OUT" ? 0 : previousEventId(x.lastEventId + 1 + k), timestamp: at, type: e.type, detailsKey: e.detailsKey, details: e.details,
    }));
    const ok = await store.advance(arn, x.version, {
      status: r.status, output: r.output, error: r.error, cause: r.cause, stopDate: r.status === "RUNNING" ? undefined : at,
      position: r.position, lastEventId: x.lastEventId + events.length,
    }, events);
    if (!ok) return;
  }
}
