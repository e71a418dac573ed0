// The execution runner: one registration with the process's scheduler whose due time is the earliest stored due
// time of a running execution (a new start is due now; a Wait, a retry or a task's timeout when it ends; a completed
// callback makes its execution due now). It advances each due execution step by step, committing every step with
// its events and task rows (store.advance, guarded by the row's version: a step that lost a race to a stop, a
// callback or another node is dropped and computed again). No timer of its own.
import { randomUUID } from "node:crypto";
import type { Notifier } from "../../../engine/notify.ts";
import type { Scheduler, Registration } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import { parseMachineArn } from "../domain/arns.ts";
import { childCompletion } from "../domain/child.ts";
import { type Definition, parseDefinition } from "../domain/definition.ts";
import { type ChildStart, childExecutions, deadlineOf, openTokens, startPosition, step, type StepResult, type Thread } from "../domain/step.ts";
import type { TaskCall, TaskOutcome, TaskResources } from "../domain/tasks.ts";
import type { ExecutionRecord, HistoryEventRecord, StepFunctionsStore, TaskRecord } from "../store.ts";
import type { SfnMetrics } from "../metrics.ts";

/** Steps one execution takes per round before others get their turn (a Pass loop cannot starve the rest). */
const STEPS_PER_ROUND = 100;
/** Side-effect-free steps committed together at most, and the events after which no more are added. */
const PURE_STEPS = 64;
const PURE_EVENTS = 256;

const CHAIN = { steps: PURE_STEPS, events: PURE_EVENTS };
const BATCH = 64;
const MAX_EVENTS = 25_000;

/** The notifier key GetActivityTask waits on for an activity. */
export const activityKey = (arn: string) => `sfn.activity:${arn}`;

export interface RunnerDeps {
  store: StepFunctionsStore;
  log: Logger;
  /** Carries out Task resources (integrations, Lambda, mocks: part B of issue 15). */
  resources: TaskResources;
  notifier?: Notifier;
  /** A child execution completed its parent's task: the parent is due now (the runner's registration is woken). */
  onParentCompleted?: () => void;
  /** Step Functions' counters: executions started (distributed Map children) and ended. */
  metrics?: SfnMetrics;
}

export function scheduleRunner(scheduler: Scheduler, deps: RunnerDeps, pollMs?: number): Registration {
  return scheduler.register({
    name: "stepfunctions.executions",
    pollMs,
    nextDue: () => deps.store.nextDue(),
    run: async (now) => {
      const due = await deps.store.dueExecutions(now, BATCH);
      await Promise.all(due.map((arn) => runExecution(deps, arn, now).catch((e) => deps.log.warn("execution step failed", { arn, error: String(e) }))));
    },
  });
}

async function invokeDurably(deps: RunnerDeps, call: Parameters<TaskResources["invoke"]>[0], token: string, now: number): Promise<TaskOutcome> {
  let o: TaskOutcome;
  try {
    o = await deps.resources.invoke(call);
  } catch (e) {
    // The contract says invoke never throws for a task-level failure; anything thrown is reported as one.
    o = { type: "failed", error: "States.TaskFailed", cause: e instanceof Error ? e.message : String(e) };
  }
  // The outcome is stored before the step that records it, so a step retried after a lost race does not invoke twice.
  await deps.store.recordInvocation(token, o.type === "succeeded" ? { status: "succeeded", output: JSON.stringify(o.output ?? null) }
    : o.type === "failed" ? { status: "failed", error: o.error, cause: o.cause } : { status: "started" }, now);
  return o;
}

/** This process's name on execution leases, and how long a lease lasts (a node that dies holds it that long at most). */
const OWNER = randomUUID();
const LEASE_MS = 30_000;

/**
 * Stops a running execution (StopExecution; a distributed Map's child whose run ended): ABORTED with an
 * ExecutionAborted event (previousEventId 0, as StopExecution records it), its open tasks closed, a .sync parent's
 * task completed, and its own distributed children stopped in turn.
 */
export async function abortExecution(store: StepFunctionsStore, arn: string, now: number, error?: string, cause?: string, metrics?: SfnMetrics): Promise<ExecutionRecord | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = await store.getExecution(arn);
    if (!x || x.status !== "RUNNING") return x;
    const details: Record<string, unknown> = {};
    if (error !== undefined) details.error = error;
    if (cause !== undefined) details.cause = cause;
    const ok = await store.advance(x.arn, x.version, {
      status: "ABORTED", error, cause, stopDate: now, position: { ...x.position, dueAt: undefined }, lastEventId: x.lastEventId + 1,
      completeParent: x.parentToken ? { token: x.parentToken, completion: childCompletion(x, "ABORTED", { error, cause, stopDate: now }), now } : undefined,
    }, [{ id: x.lastEventId + 1, previousEventId: 0, timestamp: now, type: "ExecutionAborted", detailsKey: "executionAbortedEventDetails", details }]);
    if (ok) {
      metrics?.ended(x.machineArn, "ABORTED", now - x.startDate);
      for (const child of childExecutions(x.position as Thread)) await abortExecution(store, child, now, error, cause, metrics);
      return { ...x, status: "ABORTED", stopDate: now };
    }
  }
  return undefined;
}

/** A distributed Map's child execution: stored (once: its ARN follows from the iteration's token), then the iteration waits. */
async function startChild(deps: RunnerDeps, roleArn: string, req: ChildStart, now: number): Promise<void> {
  const def = parseDefinition(req.definition);
  const { created } = await deps.store.startExecution({
    arn: req.arn, machineArn: req.machineArn, name: req.name, status: "RUNNING", input: req.input, startDate: now, definition: req.definition, roleArn,
    machineUpdatedAt: now, position: startPosition(def, req.input, now), lastEventId: 1, version: 0, parentToken: req.token,
  }, [{ id: 1, previousEventId: 0, timestamp: now, type: "ExecutionStarted", detailsKey: "executionStartedEventDetails", details: { input: req.input, inputDetails: { truncated: false }, roleArn } }]);
  if (created) deps.metrics?.startedOne(req.machineArn);
  await deps.store.recordInvocation(req.token, { status: "started" }, now);
}

/** What a committed step did, for the metrics: the execution's end, activity tasks scheduled and ended. */
function countStep(m: SfnMetrics, machineArn: string, ended: ExecutionRecord["status"] | undefined, ms: number, r: StepResult, tasks: Map<string, TaskRecord> | undefined): void {
  if (ended) m.ended(machineArn, ended, ms);
  for (const a of r.activities) m.activity("activitiesScheduled", a);
  if (!tasks) return;
  for (const token of r.closeTasks) {
    const t = tasks.get(token);
    if (t?.activityArn && (t.status === "succeeded" || t.status === "failed")) m.activity(t.status === "succeeded" ? "activitiesSucceeded" : "activitiesFailed", t.activityArn);
  }
  for (const token of r.timedOutTasks) {
    const t = tasks.get(token);
    if (t?.activityArn) m.activity("activitiesTimedOut", t.activityArn);
  }
}

export async function runExecution(deps: RunnerDeps, arn: string, now: number): Promise<void> {
  // One node advances an execution at a time (PostgreSQL): another node's round skips it until its lease ends.
  if (!(await deps.store.leaseExecution(arn, OWNER, now, now + LEASE_MS))) return;
  try {
    await runSteps(deps, arn, now);
  } finally {
    await deps.store.releaseExecution(arn, OWNER);
  }
}

async function runSteps(deps: RunnerDeps, arn: string, now: number): Promise<void> {
  const { store } = deps;
  // The execution as stored: read once, then kept in memory as each committed step leaves it (this runner is the
  // only one advancing it, under its lease; anything else that changes the row — a stop, a callback — moves its
  // version, so the next advance is refused and the row is read again).
  let x: ExecutionRecord | undefined;
  for (let i = 0; i < STEPS_PER_ROUND; i++) {
    x ??= await store.getExecution(arn);
    if (!x || x.status !== "RUNNING" || x.position.dueAt === undefined || x.position.dueAt > now) return;
    const def = parseDefinition(x.definition);
    // A redriven execution's TimeoutSeconds counts from the redrive (Mailroom's reading; AWS documents none).
    const deadline = deadlineOf(def, x.redriveDate ?? x.startDate);
    let r: StepResult;
    let at = now;
    const pos = x.position as Thread;
    let tasks: Map<string, TaskRecord> | undefined;
    if (deadline !== undefined && now >= deadline) {
      // The machine's TimeoutSeconds has passed: TIMED_OUT at exactly startDate + TimeoutSeconds, an
      // ExecutionTimedOut event with error States.Timeout and no cause, previousEventId 0 (measured on AWS, floci-io/floci#2965).
      at = Math.max(deadline, x.startDate);
      r = {
        events: [{ id: x.lastEventId + 1, previousEventId: 0, type: "ExecutionTimedOut", detailsKey: "executionTimedOutEventDetails", details: { error: "States.Timeout" } }],
        lastEventId: x.lastEventId + 1, entered: 0, steps: 1, status: "TIMED_OUT", error: "States.Timeout", position: { ...pos, dueAt: undefined },
        openTasks: [], closeTasks: [], timedOutTasks: [], activities: [], openMapRuns: [], closeMapRuns: [], abortChildren: childExecutions(pos),
      };
    } else {
      if (openTokens(pos).length > 0) tasks = new Map((await store.openTasks(arn)).map((t) => [t.token, t]));
      const m = parseMachineArn(x.machineArn);
      const info = {
        arn: x.arn, name: x.name, input: x.input, roleArn: x.roleArn, startDate: x.startDate,
        machineArn: x.machineArn, machineName: m?.name ?? "", account: m?.account, region: m?.region, redriveCount: x.redriveCount,
      };
      // Steps that touch nothing outside the execution (no task row, activity, map run or child execution) and leave
      // it due now are taken together (io.chain) and committed at once (a Pass/Choice run costs one commit per
      // PURE_STEPS transitions, not one each); a step that opens a task row always commits before the task is invoked.
      const roleArn = x.roleArn;
      const io = {
        tasks, invoke: (call: TaskCall, token: string) => invokeDurably(deps, call, token, now), startChild: (req: ChildStart) => startChild(deps, roleArn, req, now),
        chain: tasks === undefined ? CHAIN : undefined,
      };
      r = await step(def, info, pos, x.lastEventId, now, io);
      // A running execution is next due at its next step or its deadline, whichever comes first.
      if (r.status === "RUNNING" && deadline !== undefined) r.position = { ...r.position, dueAt: Math.min(r.position.dueAt ?? deadline, deadline) };
    }
    // At most 25,000 history events: the execution fails with States.Runtime, event 25,000 being its
    // ExecutionFailed (measured on AWS, floci-io/floci#2734: "The execution reached the maximum number of history events (25000).").
    if (x.lastEventId + r.events.length >= MAX_EVENTS && !(r.status !== "RUNNING" && x.lastEventId + r.events.length <= MAX_EVENTS)) {
      const cause = `The execution reached the maximum number of history events (${MAX_EVENTS}).`;
      r.events = r.events.slice(0, MAX_EVENTS - 1 - x.lastEventId);
      r.events.push({ id: MAX_EVENTS, previousEventId: MAX_EVENTS - 1, type: "ExecutionFailed", detailsKey: "executionFailedEventDetails", details: { error: "States.Runtime", cause } });
      Object.assign(r, { status: "FAILED", error: "States.Runtime", cause, output: undefined, position: { ...r.position, dueAt: undefined }, closeTasks: [...r.closeTasks, ...openTokens(r.position as Thread)], abortChildren: [...r.abortChildren, ...childExecutions(r.position as Thread)] });
    }
    const events: HistoryEventRecord[] = r.events.map((e) => ({
      id: e.id, previousEventId: e.previousEventId, timestamp: at, type: e.type, detailsKey: e.detailsKey, details: e.details,
    }));
    const ended = r.status !== "RUNNING";
    const ok = await store.advance(arn, x.version, {
      status: r.status, output: r.output, error: r.error, cause: r.cause, stopDate: ended ? at : undefined,
      position: r.position, lastEventId: x.lastEventId + events.length,
      openTasks: r.openTasks, closeTasks: r.closeTasks, timedOutTasks: r.timedOutTasks, openMapRuns: r.openMapRuns, closeMapRuns: r.closeMapRuns,
      completeParent: ended && x.parentToken ? { token: x.parentToken, completion: childCompletion(x, r.status, { ...r, stopDate: at }), now: at } : undefined,
    }, events);
    if (!ok) {
      x = undefined;
      continue;
    }
    if (deps.metrics) countStep(deps.metrics, x.machineArn, ended ? r.status : undefined, at - x.startDate, r, tasks);
    for (const a of r.activities) deps.notifier?.notify(activityKey(a), 1);
    for (const child of r.abortChildren) await abortExecution(store, child, at, "States.Runtime", "The Map Run that started this execution ended.", deps.metrics);
    if (ended && x.parentToken) deps.onParentCompleted?.();
    // Updated in place (the record is this loop's own copy; a spread that adds members is slow in V8).
    x.lastEventId += events.length;
    x.version += 1;
    x.status = r.status;
    x.output = r.output;
    x.error = r.error;
    x.cause = r.cause;
    x.stopDate = ended ? at : undefined;
    x.position = r.position;
  }
}

const pureResult = (r: StepResult) => r.openTasks.length === 0 && r.closeTasks.length === 0 && r.timedOutTasks.length === 0 && r.activities.length === 0
  && r.openMapRuns.length === 0 && r.closeMapRuns.length === 0 && r.abortChildren.length === 0 && openTokens(r.position).length === 0;

/**
 * A new execution's first steps, taken before it is stored so that they commit with its start (StartExecution):
 * the steps the runner would take first, chained as it chains them, but only when they touch nothing outside the
 * execution (no task row, activity, map run or child execution: then undefined, and the runner takes them as
 * before). A Pass/Choice machine then costs one write from start to end instead of a start and a step. Nothing here
 * is seen before the start commits, and a crash before it loses the start as before (it was never acknowledged).
 */
export async function firstSteps(record: ExecutionRecord, def: Definition, now: number): Promise<{ record: ExecutionRecord; events: HistoryEventRecord[] } | undefined> {
  const m = parseMachineArn(record.machineArn);
  const info = {
    arn: record.arn, name: record.name, input: record.input, roleArn: record.roleArn, startDate: record.startDate,
    machineArn: record.machineArn, machineName: m?.name ?? "", account: m?.account, region: m?.region,
  };
  // No invoke or startChild: a step that would need them is not pure, and its result is dropped.
  const r = await step(def, info, record.position, record.lastEventId, now, { chain: CHAIN });
  if (r.events.length === 0 || !pureResult(r)) return undefined;
  const deadline = deadlineOf(def, record.startDate);
  const ended = r.status !== "RUNNING";
  const position = !ended && deadline !== undefined ? { ...r.position, dueAt: Math.min(r.position.dueAt ?? deadline, deadline) } : r.position;
  // A copy with the members set one by one (a spread that adds members is slow in V8).
  const next: ExecutionRecord = Object.assign({}, record);
  next.status = r.status;
  next.output = r.output;
  next.error = r.error;
  next.cause = r.cause;
  next.stopDate = ended ? now : undefined;
  next.position = position;
  next.lastEventId = r.lastEventId;
  return {
    record: next,
    events: r.events.map((e) => ({ id: e.id, previousEventId: e.previousEventId, timestamp: now, type: e.type, detailsKey: e.detailsKey, details: e.details })),
  };
}
