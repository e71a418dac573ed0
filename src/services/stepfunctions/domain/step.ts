// One step of an execution: from its stored position to the history events it adds and the next position, or the
// end of the execution. The position is a tree of threads: the execution's own, and under a Parallel or Map state
// in progress one thread per branch or running iteration. Each step advances exactly one thread by one state (or one
// phase of a state: a Task's invocation, its completion, a retry's end), so every transition is committed on its
// own and an execution resumes after a restart at the step it reached. Pure apart from `io`: the task rows the
// runner read (callbacks, activity workers, child executions) and the invocation of a Task's resource. Event types
// and details as AWS names them (HistoryEvent in the API reference: TaskScheduled, MapIterationStarted, ...).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ExecutionPosition, ExecutionStatus, MapRunRecord, MapRunStatus, NewTask, TaskRecord } from "../store.ts";
import { evaluateRule } from "./choice.ts";
import { parseTimestamp, type Definition, type Json, type State } from "./definition.ts";
import { IntrinsicError } from "./intrinsics.ts";
import { evaluate, evaluateTemplate, isExpression, QueryError } from "./jsonata.ts";
import { applyInputPath, applyTemplate, type Context, PathError, placeResult, select, valueOf, type Vars } from "./paths.ts";
import type { IntegrationPattern, TaskCall, TaskOutcome } from "./tasks.ts";

export interface NewEvent {
  id: number;
  previousEventId: number;
  type: string;
  detailsKey?: string;
  details?: Record<string, unknown>;
}

export interface ExecutionInfo {
  arn: string;
  name: string;
  input: string;
  roleArn: string;
  startDate: number;
  machineArn: string;
  machineName: string;
  account?: string;
  region?: string;
  redriveCount?: number;
}

/** A Task in progress in a thread. */
export interface TaskSlot {
  token: string;
  activity?: string;
  resource: string;
  resourceType: string;
  resourceName: string;
  service?: string;
  action?: string;
  pattern: IntegrationPattern;
  parameters: string;
  scheduledAt: number;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  started?: boolean;
}

/** Results of a Parallel's branches or a Map's iterations, and what is still to start. */
export interface Fan {
  kind: "parallel" | "map";
  results: (string | null)[];
  total: number;
  next: number;
  failed: number;
  /** Map: the items (JSON text); the state's effective input (a Map's ItemSelector input, a Parallel's branch input). */
  items?: string;
  effective?: string;
  /** Map: iterations that failed (RedriveExecution reruns them); indices to start again first (after a redrive). */
  failedIdx?: number[];
  retry?: number[];
  /** A distributed Map: its run, the machine its child executions run, and the batches' first item indices. */
  dist?: {
    runArn: string; childMachineArn: string; definition: string; batches?: number[]; batchInput?: string;
    /** UpdateMapRun's overrides of the state's MaxConcurrency and tolerated failures. */
    maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number;
  };
}

/** One thread of an execution (the execution's own is the root; the stored position). */
export interface Thread extends ExecutionPosition {
  phase: "enter" | "wait" | "invoke" | "task" | "retry" | "children" | "refill" | "done";
  /** The newest event of this thread (the previousEventId of its next). */
  last?: number;
  /** Branch index (Parallel) or iteration index (Map). */
  index?: number;
  retries?: number[];
  retryCount?: number;
  task?: TaskSlot;
  kids?: Thread[];
  fan?: Fan;
  vars?: Vars;
  end?: { ok: boolean; output?: string; error?: string; cause?: string };
  /** A distributed Map's iteration: a child execution (its ARN once started), waited for through its task token. */
  child?: boolean;
  childArn?: string;
}

/** A child execution a distributed Map starts (the runner stores it, carrying the iteration's token). */
export interface ChildStart {
  token: string;
  arn: string;
  machineArn: string;
  name: string;
  definition: string;
  input: string;
}

export interface StepIO {
  /** This execution's open task rows, by token (what callbacks, workers and child executions reported). */
  tasks?: Map<string, TaskRecord>;
  /** Starts a distributed Map's child execution (idempotent by its ARN; persisted before it returns). */
  startChild?: (req: ChildStart) => Promise<void>;
  /** Carries out a Task's resource (the runner persists the outcome under the task's token before it returns). */
  invoke?: (call: TaskCall, token: string) => Promise<TaskOutcome>;
  /** false: build no history events (EXPRESS executions have none); ids, `lastEventId` and `entered` still count. */
  history?: boolean;
  /**
   * Take further steps in the same call, up to `steps` in all and until `events` events, while each step touches
   * nothing outside the execution (no task row, activity, map run or child execution) and the execution stays due
   * at `now` (one clone of the position and one result for the lot). Absent: one step.
   */
  chain?: { steps: number; events: number };
}

export interface StepResult {
  events: NewEvent[];
  /** The id of the newest event after this step (also without history), and the states entered in it. */
  lastEventId: number;
  entered: number;
  /** Steps taken (more than one with io.chain). */
  steps: number;
  status: ExecutionStatus;
  position: Thread;
  output?: string;
  error?: string;
  cause?: string;
  /** Task rows to open (a task scheduled: its token, an activity's input) and to close. */
  openTasks: NewTask[];
  closeTasks: string[];
  timedOutTasks: string[];
  /** Activities that got a task (their waiting workers are woken once it is committed). */
  activities: string[];
  /** Distributed Map runs started and ended; child executions to stop (their run failed, or the execution ended). */
  abortChildren: string[];
  openMapRuns: MapRunRecord[];
  closeMapRuns: { arn: string; status: MapRunStatus; stopDate: number }[];
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Event type names per state type, built once. */
const STATE_TYPES = ["Pass", "Wait", "Choice", "Succeed", "Fail", "Task", "Parallel", "Map"];
const ENTERED: Record<string, string> = Object.fromEntries(STATE_TYPES.map((t) => [t, `${t}StateEntered`]));
const EXITED: Record<string, string> = Object.fromEntries(STATE_TYPES.map((t) => [t, `${t}StateExited`]));
/** Is a text over MAX_DATA bytes in UTF-8 (a UTF-16 unit is at most 3 bytes, so short texts need no count)? */
const overLimit = (text: string) => text.length * 3 > MAX_DATA && Buffer.byteLength(text) > MAX_DATA;
/** No variables in scope (shared; never mutated). */
const NO_VARS: Vars = Object.freeze({}) as Vars;
/** 256 KiB: state input and output, task results (Step Functions quotas, "Maximum input or output size"). */
const MAX_DATA = 262_144;
/** All of an execution's variables together (developer guide, variables: 10 MiB). */
const MAX_VARIABLES = 10 * 1_048_576;
/** Inline Map runs at most 40 iterations at a time (developer guide, Map state "Inline mode": "up to 40 concurrent iterations"). */
const INLINE_CONCURRENCY = 40;
/** A distributed Map's child executions running at once at most (Mailroom's bound; AWS allows up to 10,000). */
const DISTRIBUTED_CONCURRENCY = 1000;
/** A Task's default TimeoutSeconds (States Language, Task state: 99999999 seconds when not given). */
const DEFAULT_TASK_TIMEOUT = 99_999_999;
/** Threads one step advances at most, and the events after which it stops taking more (one commit each). */
const MAX_THREADS_PER_STEP = 64;
const MAX_EVENTS_PER_STEP = 256;

/** A catchable failure of a state: an error name and a cause (Retry and Catch match the name). */
export class StateFailure extends Error {
  readonly error: string;
  readonly causeText?: string;
  constructor(error: string, causeText?: string) {
    super(causeText ?? error);
    this.error = error;
    this.causeText = causeText;
  }
}

/** When a machine-level TimeoutSeconds ends the execution (epoch ms), or undefined. */
export function deadlineOf(def: Definition, startDate: number): number | undefined {
  return def.TimeoutSeconds === undefined ? undefined : startDate + def.TimeoutSeconds * 1000;
}

/** The first position of an execution: entering StartAt with the execution's input, due now. */
export function startPosition(def: Definition, input: string, now: number): Thread {
  return { state: def.StartAt, stateInput: input, phase: "enter", dueAt: now, enteredEventId: 0, enteredAt: now, last: 0 };
}

/** Task tokens: opaque, unguessable (64 random bytes), recognisable (InvalidToken for anything else). */
export function newTaskToken(): string {
  return `MR${randomBytes(96).toString("base64url")}`;
}
export const isTaskToken = (t: string) => /^MR[A-Za-z0-9_-]{128}$/.test(t);

/** The tokens of the tasks a position waits for (the runner reads their rows only when there are some). */
/**
 * UpdateMapRun: the thread running that map run takes the new limits (the position changes, no event); false when
 * the position holds no such run.
 */
export function updateMapRunLimits(t: Thread, runArn: string, u: { maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number }, now: number): boolean {
  if (t.fan?.dist?.runArn === runArn && t.phase === "children") {
    for (const k of ["maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage"] as const) if (u[k] !== undefined) t.fan.dist[k] = u[k];
    // The Map starts more children at once if the new MaxConcurrency allows (refill, due now).
    t.phase = "refill";
    t.dueAt = now;
    return true;
  }
  return (t.kids ?? []).some((k) => updateMapRunLimits(k, runArn, u, now));
}

/** The distributed Map runs a position is in the middle of (a redrive runs them again). */
export function mapRunsOf(t: Thread, out: string[] = []): string[] {
  if (t.fan?.dist && (t.phase === "children" || t.phase === "refill")) out.push(t.fan.dist.runArn);
  for (const k of t.kids ?? []) mapRunsOf(k, out);
  return out;
}

/** The child executions a position's distributed Map iterations wait for (stopped with it). */
export function childExecutions(t: Thread, out: string[] = []): string[] {
  if (t.child && t.childArn && t.phase === "task") out.push(t.childArn);
  for (const k of t.kids ?? []) childExecutions(k, out);
  return out;
}

/** Does the position wait for any task (openTokens without building the list)? */
export function hasOpenTokens(t: Thread): boolean {
  if (t.task && (t.phase === "task" || t.phase === "invoke")) return true;
  if (t.kids) for (const k of t.kids) if (hasOpenTokens(k)) return true;
  return false;
}

export function openTokens(t: Thread, out: string[] = []): string[] {
  if (t.task && (t.phase === "task" || t.phase === "invoke")) out.push(t.task.token);
  for (const k of t.kids ?? []) openTokens(k, out);
  return out;
}

interface Scope { States: Record<string, State>; ql: string }

/** The resource a Task names, as the history and the contract describe it (Service integration patterns). */
export function parseResource(resource: string): Pick<TaskSlot, "activity" | "resourceType" | "resourceName" | "service" | "action" | "pattern"> {
  const act = /^arn:[\w-]+:states:[\w-]+:\d{12}:activity:.+$/.exec(resource);
  if (act) return { activity: resource, resourceType: "activity", resourceName: resource, pattern: "waitForTaskToken" };
  const integ = /^arn:[\w-]+:states:::(?:aws-sdk:)?([\w-]+):([^.]+?)(?:\.(sync:2|sync|waitForTaskToken))?$/.exec(resource);
  if (integ) {
    const sdk = resource.includes(":::aws-sdk:");
    const service = sdk ? `aws-sdk:${integ[1]}` : integ[1];
    const pattern = (integ[3] ?? "request-response") as IntegrationPattern;
    return { service, action: integ[2], pattern, resourceType: service, resourceName: integ[3] ? `${integ[2]}.${integ[3]}` : integ[2] };
  }
  const lambda = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:.+$/.test(resource);
  if (lambda) return { service: "lambda", action: "invoke", pattern: "request-response", resourceType: "lambda", resourceName: resource };
  return { pattern: "request-response", resourceType: "unknown", resourceName: resource };
}

/** Does a Retrier's or Catcher's ErrorEquals match this error (States Language "Error names"; developer guide, error handling)? */
export function errorMatches(list: Json, error: string): boolean {
  if (!Array.isArray(list)) return false;
  for (const e of list) {
    if (e === error) return true;
    // States.ALL matches any error but the terminal States.Runtime and States.DataLimitExceeded (developer guide, "States.ALL").
    if (e === "States.ALL" && error !== "States.Runtime" && error !== "States.DataLimitExceeded") return true;
    // States.TaskFailed matches any error except States.Timeout (developer guide, "States.TaskFailed").
    if (e === "States.TaskFailed" && error !== "States.Timeout" && error !== "States.Runtime" && error !== "States.DataLimitExceeded") return true;
  }
  return false;
}

/** A retry's delay in ms (States Language "Retrying after an error"; MaxDelaySeconds and JitterStrategy FULL per the developer guide). */
export function retryDelay(r: Record<string, Json>, attempt: number, random = Math.random): number {
  const interval = (r.IntervalSeconds as number | undefined) ?? 1;
  const backoff = (r.BackoffRate as number | undefined) ?? 2;
  let seconds = interval * Math.pow(backoff, attempt);
  if (typeof r.MaxDelaySeconds === "number") seconds = Math.min(seconds, r.MaxDelaySeconds);
  if (r.JitterStrategy === "FULL") seconds = random() * seconds;
  return Math.round(seconds * 1000);
}

const STATES_OF = (s: State): Scope | undefined => {
  const p = (s.ItemProcessor ?? s.Iterator) as { States: Record<string, State> } | undefined;
  return p ? { States: p.States, ql: "" } : undefined;
};

class Stepper {
  events: NewEvent[] = [];
  openTasks: NewTask[] = [];
  closeTasks: string[] = [];
  timedOutTasks: string[] = [];
  activities: string[] = [];
  openMapRuns: MapRunRecord[] = [];
  abortChildren: string[] = [];
  closeMapRuns: { arn: string; status: MapRunStatus; stopDate: number }[] = [];
  finished?: { status: ExecutionStatus; output?: string; error?: string; cause?: string };
  private nextId: number;
  /** States entered in this step (state transitions, as Step Functions counts them). */
  entered = 0;
  /** Whether events are kept (EXPRESS executions have no history: ids still advance, nothing is built). */
  readonly history: boolean;
  /** Parsed once per step: the execution's input ($$.Execution.Input) and each Map's items. */
  private executionInput?: Json;
  private parsedItemsMap?: Map<string, Json[]>;
  private get parsedItems(): Map<string, Json[]> {
    return (this.parsedItemsMap ??= new Map());
  }

  private readonly x: ExecutionInfo;
  readonly root: Thread;
  private readonly now: number;
  private readonly io: StepIO;

  constructor(def: Definition, x: ExecutionInfo, root: Thread, lastEventId: number, now: number, io: StepIO) {
    this.x = x;
    this.root = root;
    this.now = now;
    this.io = io;
    this.nextId = lastEventId;
    this.history = io.history !== false;
    this.rootScope = { States: def.States, ql: (def as { QueryLanguage?: string }).QueryLanguage ?? "JSONPath" };
  }
  private readonly rootScope: Scope;
  /** Did the steps so far touch nothing outside the execution (no task row, activity, map run or child execution)? */
  pure(): boolean {
    return this.openTasks.length === 0 && this.closeTasks.length === 0 && this.timedOutTasks.length === 0 && this.activities.length === 0
      && this.openMapRuns.length === 0 && this.closeMapRuns.length === 0 && this.abortChildren.length === 0;
  }

  /** The id of the newest event so far. */
  get lastEventId(): number {
    return this.nextId;
  }

  emit(th: Thread, type: string, detailsKey?: string, details?: Record<string, unknown>): number {
    const id = ++this.nextId;
    // Each event names its thread's previous one; the first state's entered event names 0 (LocalStack snapshots
    // test_wait, test_base_scenarios: "id": 2, "previousEventId": 0).
    const previousEventId = th.last ?? (id === 2 ? 0 : id - 1);
    if (this.history) this.events.push({ id, previousEventId, type, detailsKey, details });
    if (detailsKey === "stateEnteredEventDetails") this.entered++;
    th.last = id;
    return id;
  }

  /** The scopes (states and query language) of a chain of threads, root first. */
  scopes(chain: Thread[]): Scope[] {
    const out: Scope[] = [this.rootScope];
    for (let i = 1; i < chain.length; i++) {
      const parent = out[i - 1];
      const s = parent.States[chain[i - 1].state];
      const ql = (s.QueryLanguage as string | undefined) ?? parent.ql;
      if (s.Type === "Parallel") out.push({ States: ((s.Branches as Json[])[chain[i].index!] as { States: Record<string, State> }).States, ql });
      else out.push({ ...STATES_OF(s)!, ql });
    }
    return out;
  }

  /** The first thread due (depth first), as a chain from the root. */
  findDue(t: Thread, chain: Thread[] = [], skip?: Set<Thread>): Thread[] | undefined {
    const c = [...chain, t];
    if (t.phase === "done") return undefined;
    if (t.phase === "children") {
      for (const k of t.kids ?? []) {
        const r = this.findDue(k, c, skip);
        if (r) return r;
      }
      return undefined;
    }
    if (skip?.has(t)) return undefined;
    if (t.phase === "task" && t.task) {
      const row = this.io.tasks?.get(t.task.token);
      if (row && (row.status === "succeeded" || row.status === "failed" || (row.status === "started" && t.task.activity && !t.task.started))) return c;
      if (row?.heartbeatAt !== undefined && t.dueAt !== undefined && t.dueAt <= this.now) return c;
    }
    return t.dueAt !== undefined && t.dueAt <= this.now ? c : undefined;
  }

  /** The variables in scope (callers never mutate the object: a state's Assign replaces its thread's `vars`). */
  vars(chain: Thread[]): Vars {
    if (chain.length === 1) return chain[0].vars ?? NO_VARS;
    const v: Vars = {};
    for (const t of chain) Object.assign(v, t.vars);
    return v;
  }

  /** The context object as JSONPath evaluation takes it: built on first use (most paths never read "$$"). */
  ctx(chain: Thread[], extra?: Record<string, Json>): () => Json {
    let c: Json | undefined;
    return () => (c ??= this.context(chain, extra));
  }

  /** A thread's input, parsed once per step (JSONPath processing never mutates it: ResultPath copies along its path). */
  input(th: Thread): Json {
    if (this.inputText !== th.stateInput) {
      this.inputValue = JSON.parse(th.stateInput) as Json;
      this.inputText = th.stateInput;
    }
    return this.inputValue as Json;
  }
  private inputText?: string;
  private inputValue?: Json;

  context(chain: Thread[], extra: Record<string, Json> = {}): Record<string, Json> {
    const th = chain[chain.length - 1];
    const x = this.x;
    // Members as recorded on AWS (LocalStack snapshot test_context_object, "$$"): RedriveCount included.
    const state: Record<string, Json> = { Name: th.state, EnteredTime: iso(th.enteredAt) };
    if (th.retryCount !== undefined) state.RetryCount = th.retryCount;
    this.executionInput ??= JSON.parse(x.input) as Json;
    const ctx: Record<string, Json> = {
      Execution: { Id: x.arn, Input: this.executionInput, StartTime: iso(x.startDate), Name: x.name, RoleArn: x.roleArn, RedriveCount: x.redriveCount ?? 0 },
      StateMachine: { Id: x.machineArn, Name: x.machineName },
      State: state,
      ...extra,
    };
    if (th.task) ctx.Task = { Token: th.task.token };
    return ctx;
  }

  /**
   * Advances the due threads: each by one state (or phase), depth first, at most MAX_THREADS_PER_STEP of them and
   * about MAX_EVENTS_PER_STEP events, so the branches of a Parallel or the running iterations of a Map move together
   * in one commit while a lone thread still commits every state on its own.
   */
  async run(): Promise<void> {
    const done = new Set<Thread>();
    const first = this.nextId;
    for (let k = 0; k < MAX_THREADS_PER_STEP && !this.finished && this.nextId - first < MAX_EVENTS_PER_STEP; k++) {
      const chain = this.findDue(this.root, [], done);
      if (!chain) return;
      const th = chain[chain.length - 1];
      done.add(th);
      const scope = chain.length === 1 ? this.rootScope : this.scopes(chain)[chain.length - 1];
      try {
        if (!this.advanceSync(chain, scope)) await this.advance(chain, scope);
      } catch (e) {
        await this.fail(chain, scope, e);
      }
      this.bubble(chain);
      while (this.pending.length > 0 && !this.finished) await this.pending.shift()!();
    }
  }

  /** Turns what went wrong into the state's failure: Runtime failures end the execution, others go to Retry/Catch. */
  async fail(chain: Thread[], scope: Scope, e: unknown): Promise<void> {
    const th = chain[chain.length - 1];
    try {
      if (e instanceof StateFailure && e.error !== "States.Runtime") return await this.handleError(chain, scope, e.error, e.causeText);
      if (e instanceof IntrinsicError) return await this.handleError(chain, scope, "States.IntrinsicFailure", this.runtimeCause(th, e.message));
      if (e instanceof QueryError) return await this.handleError(chain, scope, "States.QueryEvaluationError", this.runtimeCause(th, e.message));
    } catch (again) {
      // Handling the error failed too (a Catcher's output over the size limit, its Assign failing): the execution fails with that.
      const error = again instanceof StateFailure ? again.error : "States.Runtime";
      const cause = again instanceof StateFailure ? again.causeText : this.runtimeCause(th, again instanceof Error ? again.message : String(again));
      return this.endExecution(this.root, "FAILED", undefined, error, cause);
    }
    // Input/output processing failures fail the execution with States.Runtime, naming the state and its entered
    // event (LocalStack snapshots, test_base_scenarios): not retriable, not catchable (developer guide, "States.Runtime").
    const msg = e instanceof StateFailure ? (e.causeText ?? "") : e instanceof Error ? e.message : String(e);
    this.endExecution(this.root, "FAILED", undefined, "States.Runtime", msg.startsWith("An error occurred while executing the state") ? msg : this.runtimeCause(th, msg));
  }

  runtimeCause(th: Thread, msg: string): string {
    return `An error occurred while executing the state '${th.state}' (entered at the event id #${th.enteredEventId}). ${msg}`;
  }

  endExecution(root: Thread, status: ExecutionStatus, output: string | undefined, error?: string, cause?: string) {
    if (this.finished) return;
    for (const t of openTokens(root)) this.closeTasks.push(t);
    this.abortChildren.push(...childExecutions(root));
    if (status === "SUCCEEDED") {
      this.emit(root, "ExecutionSucceeded", "executionSucceededEventDetails", { output, outputDetails: { truncated: false } });
    } else {
      // A Fail state without Error or Cause leaves them out (recorded on AWS: test_state_fail_empty, "executionFailedEventDetails": {}).
      const details: Record<string, unknown> = {};
      if (error !== undefined) details.error = error;
      if (cause !== undefined) details.cause = cause;
      this.emit(root, "ExecutionFailed", "executionFailedEventDetails", details);
    }
    this.finished = { status, output, error, cause };
  }

  /** Ends a thread: the root ends the execution, a branch or iteration reports to its parent (bubble). */
  endThread(chain: Thread[], ok: boolean, output?: string, error?: string, cause?: string) {
    const th = chain[chain.length - 1];
    if (chain.length === 1) return this.endExecution(th, ok ? "SUCCEEDED" : "FAILED", output, error, cause);
    th.phase = "done";
    th.dueAt = undefined;
    th.end = { ok, output, error, cause };
  }

  // ---- one state, one phase -------------------------------------------------------------------------------------

  /** The thread enters its state: the *StateEntered event, and the state's retry counts start again. */
  enter(th: Thread, type: string) {
    th.enteredEventId = this.emit(th, ENTERED[type] ?? `${type}StateEntered`, "stateEnteredEventDetails", this.history ? { name: th.state, input: th.stateInput, inputDetails: { truncated: false } } : undefined);
    th.enteredAt = this.now;
    // Cleared only when set: adding absent members would give every thread object a new shape, step after step.
    if (th.retries !== undefined) th.retries = undefined;
    if (th.retryCount !== undefined) th.retryCount = undefined;
  }

  /**
   * Entering a JSONPath Pass, Choice, Succeed or Fail state needs nothing asynchronous: done here without promises
   * (the same code the asynchronous path runs for them). False when the thread is not at such a step.
   */
  advanceSync(chain: Thread[], scope: Scope): boolean {
    const th = chain[chain.length - 1];
    if (th.phase !== "enter" || th.child) return false;
    const s = scope.States[th.state];
    const type = s.Type as string;
    if ((type !== "Pass" && type !== "Choice" && type !== "Succeed" && type !== "Fail") || this.isJsonata(scope, s)) return false;
    this.enter(th, type);
    if (type === "Pass") this.passPath(chain, scope, s);
    else if (type === "Choice") this.choosePath(chain, scope, s);
    else if (type === "Succeed") this.succeedPath(chain, scope, s);
    else this.failPath(chain, s);
    return true;
  }

  async advance(chain: Thread[], scope: Scope): Promise<void> {
    const th = chain[chain.length - 1];
    if (th.child) return this.childStep(th);
    const s = scope.States[th.state];
    const type = s.Type as string;
    if (th.phase === "enter") {
      this.enter(th, type);
      return this.begin(chain, scope);
    }
    if (th.phase === "retry") return this.begin(chain, scope);
    if (th.phase === "wait") return this.complete(chain, scope, this.effective(chain, scope), true);
    if (th.phase === "invoke") return this.invoke(chain, scope);
    if (th.phase === "refill") return this.refill(chain, scope);
    if (th.phase === "task") return this.taskProgress(chain, scope);
  }

  isJsonata(scope: Scope, s: State): boolean {
    return ((s.QueryLanguage as string | undefined) ?? scope.ql) === "JSONata";
  }

  bindings(chain: Thread[], extra: Record<string, unknown>, ctxExtra: Record<string, Json> = {}): Record<string, unknown> {
    const th = chain[chain.length - 1];
    return { ...this.vars(chain), states: { input: JSON.parse(th.stateInput), context: this.context(chain, ctxExtra), ...extra } };
  }

  /** The state's effective input: InputPath (JSONPath), or its input (JSONata). */
  effective(chain: Thread[], scope: Scope): Json {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const input = this.input(th);
    if (s.InputPath === undefined || this.isJsonata(scope, s)) return input;
    return applyInputPath(s.InputPath, input, this.ctx(chain), this.vars(chain));
  }

  async begin(chain: Thread[], scope: Scope): Promise<void> {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const jn = this.isJsonata(scope, s);
    const input = this.input(th);
    const vars = this.vars(chain);
    switch (s.Type) {
      case "Pass": {
        if (jn) return this.complete(chain, scope, input);
        return this.passPath(chain, scope, s);
      }
      case "Wait": {
        const until = await this.waitUntil(chain, scope, s);
        if (until > this.now) {
          th.phase = "wait";
          th.dueAt = until;
          return;
        }
        return this.complete(chain, scope, this.effective(chain, scope), true);
      }
      case "Choice": return jn ? this.choose(chain, scope, s, jn) : this.choosePath(chain, scope, s);
      case "Succeed": {
        if (!jn) return this.succeedPath(chain, scope, s);
        return this.exit(chain, scope, await this.jsonataOutput(chain, s, input, {}), true);
      }
      case "Fail": {
        if (!jn) return this.failPath(chain, s);
        const b = this.bindings(chain, {});
        const error = s.Error === undefined ? undefined : asString(await evaluateTemplate(s.Error, b), "Error");
        const cause = s.Cause === undefined ? undefined : asString(await evaluateTemplate(s.Cause, b), "Cause");
        return this.endThread(chain, false, undefined, error, cause);
      }
      case "Task": return this.schedule(chain, scope, s, jn);
      case "Parallel": return this.startParallel(chain, scope, s, jn);
      case "Map": return this.startMap(chain, scope, s, jn);
    }
    void vars;
    throw new PathError(`State type ${String(s.Type)} is not supported`);
  }

  passPath(chain: Thread[], scope: Scope, s: State): void {
    const eff = this.effective(chain, scope);
    // Parameters shape the effective input; Result, when given, is the result; ResultPath places it in the raw
    // input (States Language "Input and Output Processing").
    const shaped = s.Parameters !== undefined ? applyTemplate(s.Parameters, eff, this.ctx(chain), this.vars(chain)) : eff;
    this.completePath(chain, scope, s.Result !== undefined ? s.Result : shaped);
  }

  succeedPath(chain: Thread[], scope: Scope, s: State): void {
    this.exit(chain, scope, this.outputPath(chain, s, this.effective(chain, scope)), true);
  }

  failPath(chain: Thread[], s: State): void {
    const th = chain[chain.length - 1];
    const input = this.input(th);
    const ctx = this.ctx(chain);
    const vars = this.vars(chain);
    const error = s.ErrorPath !== undefined ? stringAt(s.ErrorPath as string, input, ctx, vars) : (s.Error as string | undefined);
    const cause = s.CausePath !== undefined ? stringAt(s.CausePath as string, input, ctx, vars) : (s.Cause as string | undefined);
    this.endThread(chain, false, undefined, error, cause);
  }

  async choose(chain: Thread[], scope: Scope, s: State, jn: boolean): Promise<void> {
    const th = chain[chain.length - 1];
    const input = this.input(th);
    const rules = s.Choices as Record<string, Json>[];
    let rule: Record<string, Json> | undefined;
    if (jn) {
      const b = this.bindings(chain, {});
      for (const r of rules) {
        const v = await evaluate(r.Condition as string, b);
        // A Condition must evaluate to a boolean (developer guide, Choice state in JSONata).
        if (typeof v !== "boolean") throw new QueryError(`The Condition '${String(r.Condition)}' returned a non-boolean value: ${JSON.stringify(v)}`);
        if (v) { rule = r; break; }
      }
    } else return this.choosePath(chain, scope, s);
    const next = (rule?.Next ?? s.Default) as string | undefined;
    // No rule matched and no Default: States.NoChoiceMatched (States Language "Choice State").
    if (next === undefined) throw new StateFailure("States.NoChoiceMatched", "No Matches!");
    const assign = (rule?.Assign ?? s.Assign) as Json | undefined;
    const b = this.bindings(chain, {});
    const assigned = assign === undefined ? undefined : await this.jsonataAssign(assign, b);
    const o = (rule?.Output ?? s.Output) as Json | undefined;
    const out = o === undefined ? input : ((await evaluateTemplate(o, b)) ?? null);
    this.exit(chain, scope, out, false, next, assigned);
  }

  /** A JSONPath Choice: the first rule that matches, else Default; Assign and OutputPath over the effective input. */
  choosePath(chain: Thread[], scope: Scope, s: State): void {
    const rules = s.Choices as Record<string, Json>[];
    const eff = this.effective(chain, scope);
    const ctx = this.ctx(chain);
    const vars = this.vars(chain);
    let rule: Record<string, Json> | undefined;
    for (const r of rules) {
      if (evaluateRule(r, eff, ctx, vars)) {
        rule = r;
        break;
      }
    }
    const next = (rule?.Next ?? s.Default) as string | undefined;
    // No rule matched and no Default: States.NoChoiceMatched (States Language "Choice State").
    if (next === undefined) throw new StateFailure("States.NoChoiceMatched", "No Matches!");
    const assign = (rule?.Assign ?? s.Assign) as Json | undefined;
    const assigned = assign === undefined ? undefined : this.jsonpathAssign(assign, eff, chain);
    this.exit(chain, scope, this.outputPath(chain, s, eff), false, next, assigned);
  }

  // ---- JSONPath and JSONata output processing --------------------------------------------------------------------

  outputPath(chain: Thread[], s: State, out: Json): Json {
    if (s.OutputPath === undefined) return out;
    return s.OutputPath === null ? {} : select(s.OutputPath as string, out, this.ctx(chain), this.vars(chain));
  }

  async jsonataOutput(chain: Thread[], s: State, dflt: Json, extra: Record<string, unknown>): Promise<Json> {
    if (s.Output === undefined) return dflt;
    return (await evaluateTemplate(s.Output, this.bindings(chain, extra))) ?? null;
  }

  async jsonataAssign(assign: Json, b: Record<string, unknown>): Promise<Vars> {
    const out: Vars = {};
    for (const [k, v] of Object.entries(assign as Record<string, Json>)) out[k] = (await evaluateTemplate(v, b)) ?? null;
    return out;
  }

  /** Assign in a JSONPath state: "name.$" fields take a path or intrinsic over the state's result (developer guide, variables). */
  jsonpathAssign(assign: Json, result: Json, chain: Thread[]): Vars {
    const out: Vars = {};
    const ctx = this.ctx(chain);
    const vars = this.vars(chain);
    for (const [k, v] of Object.entries(assign as Record<string, Json>)) {
      if (k.endsWith(".$")) out[k.slice(0, -2)] = valueOf(v as string, result, ctx, vars);
      else out[k] = applyTemplate(v, result, ctx, vars);
    }
    return out;
  }

  /**
   * A state's result becomes its output: ResultSelector, ResultPath, OutputPath (JSONPath) or Output (JSONata, default
   * the result for Task/Parallel/Map and the input otherwise), Assign; then the state exits.
   */
  async complete(chain: Thread[], scope: Scope, result: Json, inputIsResult = false): Promise<void> {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    if (!this.isJsonata(scope, s)) return this.completePath(chain, scope, result, inputIsResult);
    const raw = this.input(th);
    const producing = s.Type === "Task" || s.Type === "Parallel" || s.Type === "Map";
    let assigned: Vars | undefined;
    const extra = producing ? { result } : {};
    const b = this.bindings(chain, extra);
    if (s.Assign !== undefined) assigned = await this.jsonataAssign(s.Assign, b);
    const out = s.Output === undefined ? (producing ? result : raw) : ((await evaluateTemplate(s.Output, b)) ?? null);
    this.exit(chain, scope, out, s.Type === "Succeed", s.Next as string | undefined, assigned);
  }

  /** `complete` for a JSONPath state: ResultSelector, Assign, ResultPath, OutputPath (nothing asynchronous). */
  completePath(chain: Thread[], scope: Scope, result: Json, inputIsResult = false): void {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const raw = this.input(th);
    const producing = s.Type === "Task" || s.Type === "Parallel" || s.Type === "Map";
    let out: Json;
    let assigned: Vars | undefined;
    let r = result;
    if (producing && s.ResultSelector !== undefined) r = applyTemplate(s.ResultSelector, r, this.ctx(chain), this.vars(chain));
    if (s.Assign !== undefined) assigned = this.jsonpathAssign(s.Assign, r, chain);
    // Wait and Choice have no ResultPath: their output is their effective input. A ResultPath that cannot be applied
    // to the input (a scalar or an array) is States.ResultPathMatchFailure (States Language, error names).
    try {
      out = inputIsResult ? r : placeResult(s.ResultPath, raw, r);
    } catch (e) {
      if (!(e instanceof PathError)) throw e;
      throw new StateFailure("States.ResultPathMatchFailure", this.runtimeCause(th, e.message));
    }
    out = this.outputPath(chain, s, out);
    this.exit(chain, scope, out, s.Type === "Succeed", s.Next as string | undefined, assigned);
  }

  /** The state exits with `out` and the thread moves to `next`, or ends (End, Succeed). */
  exit(chain: Thread[], scope: Scope, out: Json, terminal: boolean, next?: string, assigned?: Vars) {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const text = JSON.stringify(out ?? null);
    // A state's output is at most 256 KiB (Step Functions quotas); beyond it States.DataLimitExceeded (States Language, error names).
    if (overLimit(text)) {
      throw new StateFailure("States.DataLimitExceeded", `The state/task '${th.state}' returned a result with a size exceeding the maximum number of bytes service limit.`);
    }
    const details: Record<string, unknown> | undefined = this.history ? { name: th.state, output: text, outputDetails: { truncated: false } } : undefined;
    if (assigned) {
      // A variable is at most 256 KiB, one Assign's variables together too, and an execution's variables 10 MiB
      // (developer guide, "Passing data between states with variables", limits); beyond: States.DataLimitExceeded.
      let together = 0;
      for (const [k, v] of Object.entries(assigned)) {
        const size = Buffer.byteLength(JSON.stringify(v));
        together += size;
        if (size > MAX_DATA || together > MAX_DATA) throw new StateFailure("States.DataLimitExceeded", `The variables assigned by the state '${th.state}' exceed the maximum size of ${MAX_DATA} bytes ('${k}').`);
      }
      const all = { ...this.vars(chain), ...assigned };
      if (Buffer.byteLength(JSON.stringify(all)) > MAX_VARIABLES) throw new StateFailure("States.DataLimitExceeded", `The execution's variables would exceed the maximum total size of ${MAX_VARIABLES} bytes.`);
      th.vars = { ...th.vars, ...assigned };
      // The exited event lists the variables the state assigned (HistoryEvent StateExitedEventDetails.assignedVariables).
      if (details) {
        details.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, JSON.stringify(v)]));
        details.assignedVariablesDetails = { truncated: false };
      }
    }
    this.emit(th, EXITED[s.Type as string] ?? `${s.Type as string}StateExited`, "stateExitedEventDetails", details);
    if (th.task !== undefined) th.task = undefined;
    if (th.kids !== undefined) th.kids = undefined;
    if (th.fan !== undefined) th.fan = undefined;
    if (th.retries !== undefined) th.retries = undefined;
    if (th.retryCount !== undefined) th.retryCount = undefined;
    // An explicit next (a Choice rule, a Catcher) wins over End (a caught error goes to the Catcher's Next).
    if (next === undefined && (terminal || s.Type === "Succeed" || s.End === true)) return this.endThread(chain, true, text);
    th.state = next ?? (s.Next as string);
    th.stateInput = text;
    th.phase = "enter";
    th.dueAt = this.now;
  }

  // ---- Retry and Catch ----------------------------------------------------------------------------------------------

  async handleError(chain: Thread[], scope: Scope, error: string, cause?: string): Promise<void> {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const jn = this.isJsonata(scope, s);
    if (error !== "States.Runtime" && Array.isArray(s.Retry)) {
      const i = s.Retry.findIndex((r) => errorMatches((r as Record<string, Json>).ErrorEquals, error));
      if (i >= 0) {
        const r = s.Retry[i] as Record<string, Json>;
        const attempts = th.retries?.[i] ?? 0;
        // MaxAttempts defaults to 3; 0 never retries (States Language "Retrying after an error").
        if (attempts < ((r.MaxAttempts as number | undefined) ?? 3)) {
          th.retries = [...(th.retries ?? [])];
          while (th.retries.length <= i) th.retries.push(0);
          th.retries[i] = attempts + 1;
          th.retryCount = (th.retryCount ?? 0) + 1;
          th.phase = "retry";
          th.dueAt = this.now + retryDelay(r, attempts);
          th.task = undefined;
          th.kids = undefined;
          th.fan = undefined;
          return;
        }
      }
    }
    if (error !== "States.Runtime" && Array.isArray(s.Catch)) {
      const c = s.Catch.find((x) => errorMatches((x as Record<string, Json>).ErrorEquals, error)) as Record<string, Json> | undefined;
      if (c) {
        const errorOutput: Record<string, Json> = { Error: error, Cause: cause ?? null };
        if (cause === undefined) delete errorOutput.Cause;
        const raw = this.input(th);
        let out: Json;
        let assigned: Vars | undefined;
        if (jn) {
          const b = this.bindings(chain, { errorOutput });
          if (c.Assign !== undefined) assigned = await this.jsonataAssign(c.Assign, b);
          out = c.Output === undefined ? errorOutput : ((await evaluateTemplate(c.Output, b)) ?? null);
        } else {
          if (c.Assign !== undefined) assigned = this.jsonpathAssign(c.Assign, errorOutput, chain);
          // The error output goes where the Catcher's ResultPath says, "$" by default (States Language "Fallback states").
          try {
            out = placeResult(c.ResultPath ?? "$", raw, errorOutput);
          } catch (e) {
            if (!(e instanceof PathError)) throw e;
            throw new StateFailure("States.ResultPathMatchFailure", this.runtimeCause(th, e.message));
          }
        }
        return this.exit(chain, scope, out, false, c.Next as string, assigned);
      }
    }
    this.endThread(chain, false, undefined, error, cause);
  }

  // ---- Task -------------------------------------------------------------------------------------------------------

  async schedule(chain: Thread[], scope: Scope, s: State, jn: boolean): Promise<void> {
    const th = chain[chain.length - 1];
    const resource = s.Resource as string;
    const parsed = parseResource(resource);
    const token = newTaskToken();
    th.task = { token, resource, ...parsed, parameters: "{}", scheduledAt: this.now };
    let params: Json;
    let timeout: number | undefined;
    let heartbeat: number | undefined;
    if (jn) {
      const b = this.bindings(chain, {});
      params = s.Arguments === undefined ? {} : ((await evaluateTemplate(s.Arguments, b)) ?? null);
      timeout = s.TimeoutSeconds === undefined ? undefined : seconds(await evaluateTemplate(s.TimeoutSeconds, b), "TimeoutSeconds");
      heartbeat = s.HeartbeatSeconds === undefined ? undefined : seconds(await evaluateTemplate(s.HeartbeatSeconds, b), "HeartbeatSeconds");
    } else {
      const eff = this.effective(chain, scope);
      const ctx = this.ctx(chain);
      const vars = this.vars(chain);
      params = s.Parameters !== undefined ? applyTemplate(s.Parameters, eff, ctx, vars) : eff;
      const raw = this.input(th);
      timeout = s.TimeoutSecondsPath !== undefined ? seconds(select(s.TimeoutSecondsPath as string, raw, ctx, vars), "TimeoutSecondsPath") : (s.TimeoutSeconds as number | undefined);
      heartbeat = s.HeartbeatSecondsPath !== undefined ? seconds(select(s.HeartbeatSecondsPath as string, raw, ctx, vars), "HeartbeatSecondsPath") : (s.HeartbeatSeconds as number | undefined);
    }
    const text = JSON.stringify(params);
    // The task's input is at most 256 KiB after Parameters (developer guide, "States.DataLimitExceeded").
    if (Buffer.byteLength(text) > MAX_DATA) throw new StateFailure("States.DataLimitExceeded", `The state/task '${th.state}' has an input with a size exceeding the maximum number of bytes service limit.`);
    const t = th.task;
    t.parameters = text;
    t.timeoutSeconds = timeout ?? DEFAULT_TASK_TIMEOUT;
    if (heartbeat !== undefined) {
      // HeartbeatSeconds must be smaller than TimeoutSeconds (States Language "Task State").
      if (heartbeat >= t.timeoutSeconds) throw new StateFailure("States.Runtime", this.runtimeCause(th, `The HeartbeatSeconds value (${heartbeat}) must be smaller than the TimeoutSeconds value (${t.timeoutSeconds}).`));
      t.heartbeatSeconds = heartbeat;
    }
    if (t.activity) {
      this.emit(th, "ActivityScheduled", "activityScheduledEventDetails", {
        resource, input: text, inputDetails: { truncated: false }, timeoutInSeconds: t.timeoutSeconds, heartbeatInSeconds: t.heartbeatSeconds,
      });
      this.openTasks.push({ token, activityArn: t.activity, input: text, createdAt: this.now });
      this.activities.push(t.activity);
      th.phase = "task";
      th.dueAt = this.deadline(t, undefined);
      return;
    }
    const details: Record<string, unknown> = { resourceType: t.resourceType, resource: t.resourceName, region: this.x.region ?? "us-east-1", parameters: text };
    if (timeout !== undefined) details.timeoutInSeconds = timeout;
    if (heartbeat !== undefined) details.heartbeatInSeconds = heartbeat;
    this.emit(th, "TaskScheduled", "taskScheduledEventDetails", details);
    this.openTasks.push({ token, input: text, createdAt: this.now });
    th.phase = "invoke";
    th.dueAt = this.now;
  }

  /** When a waiting task times out: TimeoutSeconds after scheduling, HeartbeatSeconds after the last sign of life. */
  deadline(t: TaskSlot, row: TaskRecord | undefined): number {
    let at = t.scheduledAt + t.timeoutSeconds! * 1000;
    if (t.heartbeatSeconds !== undefined) at = Math.min(at, Math.max(t.scheduledAt, row?.startedAt ?? 0, row?.heartbeatAt ?? 0) + t.heartbeatSeconds * 1000);
    return at;
  }

  async invoke(chain: Thread[], scope: Scope): Promise<void> {
    const th = chain[chain.length - 1];
    const t = th.task!;
    let row = this.io.tasks?.get(t.token);
    if (!row || row.status === "scheduled") {
      const outcome: TaskOutcome = this.io.invoke
        ? await this.io.invoke(this.call(th, t), t.token)
        : { type: "failed", error: "States.TaskFailed", cause: `No resource handler is configured for '${t.resource}'.` };
      row = outcomeRow(t.token, outcome, this.now);
    }
    this.emit(th, "TaskStarted", "taskStartedEventDetails", { resourceType: t.resourceType, resource: t.resourceName });
    th.phase = "task";
    th.dueAt = this.deadline(t, row);
    if (row.status === "succeeded" || row.status === "failed") return this.finishTask(chain, scope, row);
  }

  call(th: Thread, t: TaskSlot): TaskCall {
    const withToken = t.pattern !== "request-response";
    return {
      resource: t.resource, service: t.service, action: t.action, pattern: t.pattern, parameters: JSON.parse(t.parameters) as Json,
      executionArn: this.x.arn, stateMachineArn: this.x.machineArn, stateName: th.state, account: this.x.account ?? "000000000000",
      region: this.x.region ?? "us-east-1", taskToken: withToken ? t.token : undefined, timeoutSeconds: t.timeoutSeconds, heartbeatSeconds: t.heartbeatSeconds,
    };
  }

  async taskProgress(chain: Thread[], scope: Scope): Promise<void> {
    const th = chain[chain.length - 1];
    const t = th.task!;
    const row = this.io.tasks?.get(t.token);
    if (t.activity && row && row.status !== "scheduled" && !t.started) {
      t.started = true;
      this.emit(th, "ActivityStarted", "activityStartedEventDetails", row.workerName === undefined ? {} : { workerName: row.workerName });
    }
    if (row && (row.status === "succeeded" || row.status === "failed")) return this.finishTask(chain, scope, row);
    const due = this.deadline(t, row);
    if (due > this.now) {
      th.dueAt = due;
      return;
    }
    const hb = t.heartbeatSeconds !== undefined && due < t.scheduledAt + t.timeoutSeconds! * 1000;
    // A task that outlives TimeoutSeconds fails with States.Timeout, one that misses its heartbeat with
    // States.HeartbeatTimeout (States Language "Task State"; developer guide, error names).
    const error = hb ? "States.HeartbeatTimeout" : "States.Timeout";
    this.timedOutTasks.push(t.token);
    if (t.activity) this.emit(th, "ActivityTimedOut", "activityTimedOutEventDetails", { error });
    else this.emit(th, "TaskTimedOut", "taskTimedOutEventDetails", { resourceType: t.resourceType, resource: t.resourceName, error });
    th.task = undefined;
    throw new StateFailure(error);
  }

  async finishTask(chain: Thread[], scope: Scope, row: TaskRecord): Promise<void> {
    const th = chain[chain.length - 1];
    const t = th.task!;
    this.closeTasks.push(t.token);
    if (row.status === "failed") {
      const d: Record<string, unknown> = {};
      if (row.error !== undefined) d.error = row.error;
      if (row.cause !== undefined) d.cause = row.cause;
      if (t.activity) this.emit(th, "ActivityFailed", "activityFailedEventDetails", d);
      else this.emit(th, "TaskFailed", "taskFailedEventDetails", { resourceType: t.resourceType, resource: t.resourceName, ...d });
      th.task = undefined;
      throw new StateFailure(row.error ?? "States.TaskFailed", row.cause);
    }
    let output = row.output ?? "null";
    if (row.child) {
      // A child execution started by a .sync task: its DescribeExecution, Input/Output as strings for .sync and as
      // JSON for .sync:2 (developer guide, "Start a new AWS Step Functions state machine execution").
      const c = JSON.parse(row.child) as Record<string, Json>;
      const shaped = t.pattern === "sync:2" ? { ...c, Input: JSON.parse(c.Input as string) as Json, Output: c.Output === undefined ? undefined : JSON.parse(c.Output as string) as Json } : c;
      output = JSON.stringify(shaped);
    }
    if (Buffer.byteLength(output) > MAX_DATA) {
      throw new StateFailure("States.DataLimitExceeded", `The state/task '${th.state}' returned a result with a size exceeding the maximum number of bytes service limit.`);
    }
    if (t.activity) this.emit(th, "ActivitySucceeded", "activitySucceededEventDetails", { output, outputDetails: { truncated: false } });
    else this.emit(th, "TaskSucceeded", "taskSucceededEventDetails", { resourceType: t.resourceType, resource: t.resourceName, output, outputDetails: { truncated: false } });
    return this.complete(chain, scope, JSON.parse(output) as Json);
  }

  // ---- Parallel and Map --------------------------------------------------------------------------------------------

  async startParallel(chain: Thread[], scope: Scope, s: State, jn: boolean): Promise<void> {
    const th = chain[chain.length - 1];
    let eff: Json;
    if (jn) eff = s.Arguments === undefined ? this.input(th) : ((await evaluateTemplate(s.Arguments, this.bindings(chain, {}))) ?? null);
    else {
      eff = this.effective(chain, scope);
      if (s.Parameters !== undefined) eff = applyTemplate(s.Parameters, eff, this.ctx(chain), this.vars(chain));
    }
    const branches = s.Branches as { StartAt: string }[];
    const started = this.emit(th, "ParallelStateStarted");
    const text = JSON.stringify(eff);
    th.fan = { kind: "parallel", results: branches.map(() => null), total: branches.length, next: branches.length, failed: 0, effective: text };
    th.kids = branches.map((b, i) => ({ state: b.StartAt, stateInput: text, phase: "enter", dueAt: this.now, enteredEventId: 0, enteredAt: this.now, last: started, index: i }));
    th.phase = "children";
  }

  async startMap(chain: Thread[], scope: Scope, s: State, jn: boolean): Promise<void> {
    const th = chain[chain.length - 1];
    let items: Json;
    let eff: Json;
    if (jn) {
      eff = this.input(th);
      items = s.Items === undefined ? eff : ((await evaluateTemplate(s.Items, this.bindings(chain, {}))) ?? null);
    } else {
      eff = this.effective(chain, scope);
      items = s.ItemsPath === undefined ? eff : select(s.ItemsPath as string, eff, this.ctx(chain), this.vars(chain));
    }
    // The items must be an array (developer guide, Map state "ItemsPath": "must evaluate to a JSON array").
    if (!Array.isArray(items)) {
      throw new StateFailure("States.Runtime", this.runtimeCause(th, `Map state input must be an array, but was: ${JSON.stringify(items)?.slice(0, 200)}`));
    }
    this.emit(th, "MapStateStarted", "mapStateStartedEventDetails", { length: items.length });
    th.fan = { kind: "map", results: items.map(() => null), total: items.length, next: 0, failed: 0, items: JSON.stringify(items), effective: JSON.stringify(eff) };
    th.kids = [];
    th.phase = "children";
    const proc = (s.ItemProcessor ?? s.Iterator) as Record<string, Json>;
    if ((proc.ProcessorConfig as Record<string, Json> | undefined)?.Mode === "DISTRIBUTED") await this.startMapRun(chain, scope, s, proc, items);
    if (items.length === 0) {
      this.endMapRun(th, "SUCCEEDED");
      this.emit(th, "MapStateSucceeded");
      return this.complete(chain, scope, []);
    }
    await this.fillMap(chain, scope);
  }

  /**
   * A distributed Map: a map run whose child executions run the ItemProcessor, one per item or per batch
   * (ItemBatcher: MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput; developer guide, "Distributed mode").
   */
  async startMapRun(chain: Thread[], scope: Scope, s: State, proc: Record<string, Json>, items: Json[]): Promise<void> {
    const th = chain[chain.length - 1];
    const fan = th.fan!;
    const x = this.x;
    const runId = randomUUID();
    const label = (s.Label as string | undefined) ?? th.state;
    const region = x.region ?? "us-east-1";
    const account = x.account ?? "000000000000";
    // ARN formats of map runs and their child executions (developer guide, "Distributed mode": mapRun:<machine>/<label>:<id>).
    const runArn = `arn:aws:states:${region}:${account}:mapRun:${x.machineName}/${label}:${runId}`;
    const childMachineArn = `arn:aws:states:${region}:${account}:stateMachine:${x.machineName}/${runId}`;
    const definition = JSON.stringify({ StartAt: proc.StartAt, States: proc.States, QueryLanguage: scope.ql === "JSONata" || s.QueryLanguage === "JSONata" ? "JSONata" : "JSONPath" });
    fan.dist = { runArn, childMachineArn, definition };
    const batcher = s.ItemBatcher as Record<string, Json> | undefined;
    if (batcher !== undefined) {
      const raw = this.input(th);
      const num = (k: string) => (batcher[`${k}Path`] !== undefined ? seconds(select(batcher[`${k}Path`] as string, raw, this.ctx(chain), this.vars(chain)), `${k}Path`) : (batcher[k] as number | undefined));
      const maxItems = num("MaxItemsPerBatch") ?? Number.POSITIVE_INFINITY;
      // A batch is at most 256 KiB (developer guide, ItemBatcher "MaxInputBytesPerBatch").
      const maxBytes = Math.min(num("MaxInputBytesPerBatch") ?? MAX_DATA, MAX_DATA);
      const starts: number[] = [];
      let count = 0;
      let bytes = 0;
      items.forEach((it, i) => {
        const size = Buffer.byteLength(JSON.stringify(it)) + 1;
        if (starts.length === 0 || count >= maxItems || bytes + size > maxBytes) { starts.push(i); count = 0; bytes = 0; }
        count++;
        bytes += size;
      });
      fan.dist.batches = starts;
      if (batcher.BatchInput !== undefined) {
        const bi = this.isJsonata(scope, s) ? await evaluateTemplate(batcher.BatchInput, this.bindings(chain, {})) : applyTemplate(batcher.BatchInput, JSON.parse(fan.effective!) as Json, this.ctx(chain), this.vars(chain));
        fan.dist.batchInput = JSON.stringify(bi ?? null);
      }
      fan.total = starts.length;
      fan.results = starts.map(() => null);
    }
    const tolerated = await this.tolerated(chain, s);
    this.openMapRuns.push({
      arn: runArn, executionArn: x.arn, childMachineArn, status: "RUNNING", startDate: this.now, total: fan.total,
      maxConcurrency: (s.MaxConcurrency as number | undefined) ?? 0,
      toleratedFailureCount: Number.isFinite(tolerated?.count) ? tolerated!.count : 0, toleratedFailurePercentage: tolerated?.percentage ?? 0,
    });
    this.emit(th, "MapRunStarted", "mapRunStartedEventDetails", { mapRunArn: runArn });
  }

  endMapRun(th: Thread, status: MapRunStatus, error?: string, cause?: string) {
    const dist = th.fan?.dist;
    if (!dist) return;
    this.closeMapRuns.push({ arn: dist.runArn, status, stopDate: this.now });
    if (status === "SUCCEEDED") this.emit(th, "MapRunSucceeded");
    else {
      const d: Record<string, unknown> = {};
      if (error !== undefined) d.error = error;
      if (cause !== undefined) d.cause = cause;
      this.emit(th, "MapRunFailed", "mapRunFailedEventDetails", d);
    }
  }

  /** A distributed iteration: start its child execution, then wait for it through the token it carries. */
  async childStep(th: Thread): Promise<void> {
    const t = th.task!;
    if (th.phase === "invoke") {
      if (!this.io.startChild) {
        th.phase = "done";
        th.dueAt = undefined;
        th.end = { ok: false, error: "States.Runtime", cause: "A distributed Map runs child executions, which an in-memory run cannot start." };
        return;
      }
      // The child's name follows from the token, so starting it again after a crash finds the same execution.
      const h = createHash("sha256").update(t.token).digest("hex");
      const name = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
      const machineName = t.resourceName.split(":stateMachine:")[1];
      const arn = `${t.resourceName.split(":stateMachine:")[0]}:execution:${machineName}:${name}`;
      await this.io.startChild({ token: t.token, machineArn: t.resourceName, name, arn, definition: t.resource, input: th.stateInput });
      th.childArn = arn;
      // The input lives with the child now: the position keeps only what waiting needs.
      th.stateInput = "null";
      th.phase = "task";
      th.dueAt = this.deadline(t, undefined);
      return;
    }
    const row = this.io.tasks?.get(t.token);
    if (!row || (row.status !== "succeeded" && row.status !== "failed")) {
      th.dueAt = this.deadline(t, row);
      return;
    }
    this.closeTasks.push(t.token);
    const c = JSON.parse(row.child ?? "{}") as Record<string, Json>;
    th.phase = "done";
    th.dueAt = undefined;
    th.task = undefined;
    th.end = row.status === "succeeded"
      ? { ok: true, output: (c.Output as string | undefined) ?? "null" }
      : { ok: false, error: (c.Error as string | undefined) ?? row.error ?? "States.TaskFailed", cause: (c.Cause as string | undefined) ?? row.cause };
  }

  /** Starts iterations up to MaxConcurrency (0 or absent: as many as inline mode runs at once). */
  async fillMap(chain: Thread[], scope: Scope): Promise<void> {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const fan = th.fan!;
    const jn = this.isJsonata(scope, s);
    let max = s.MaxConcurrency as number | undefined;
    if (s.MaxConcurrencyPath !== undefined) max = seconds(select(s.MaxConcurrencyPath as string, this.input(th), this.ctx(chain), this.vars(chain)), "MaxConcurrencyPath");
    if (jn && isExpression(s.MaxConcurrency)) max = seconds(await evaluate(s.MaxConcurrency, this.bindings(chain, {})), "MaxConcurrency");
    if (fan.dist?.maxConcurrency !== undefined) max = fan.dist.maxConcurrency;
    const cap = fan.dist ? DISTRIBUTED_CONCURRENCY : INLINE_CONCURRENCY;
    const limit = !max ? cap : Math.min(max, cap);
    let items = this.parsedItems.get(fan.items!);
    if (!items) this.parsedItems.set(fan.items!, (items = JSON.parse(fan.items!) as Json[]));
    if ((fan.next >= fan.total && !fan.retry?.length) || th.kids!.length >= limit) return;
    let eff = this.parsedItems.get(fan.effective!) as Json | undefined;
    if (eff === undefined) this.parsedItems.set(fan.effective!, (eff = JSON.parse(fan.effective!) as Json) as Json[]);
    const selector = (s.ItemSelector ?? s.Parameters) as Json | undefined;
    const p = (s.ItemProcessor ?? s.Iterator) as { StartAt: string };
    const select1 = async (index: number): Promise<Json> => {
      const item = { Index: index, Value: items[index] };
      if (selector === undefined) return items[index];
      // ItemSelector sees the Map's effective input and $$.Map.Item.Index/Value (developer guide, "ItemSelector").
      if (jn) return (await evaluateTemplate(selector, this.bindings(chain, {}, { Map: { Item: item } }))) ?? null;
      return applyTemplate(selector, eff, this.ctx(chain, { Map: { Item: item } }), this.vars(chain));
    };
    while ((fan.retry?.length || fan.next < fan.total) && th.kids!.length < limit) {
      const index = fan.retry?.length ? fan.retry.shift()! : fan.next++;
      if (fan.dist) {
        let input: Json;
        const b = fan.dist.batches;
        if (b) {
          const end = index + 1 < b.length ? b[index + 1] : items.length;
          const batch: Json[] = [];
          for (let i = b[index]; i < end; i++) batch.push(await select1(i));
          input = fan.dist.batchInput === undefined ? { Items: batch } : { BatchInput: JSON.parse(fan.dist.batchInput) as Json, Items: batch };
        } else input = await select1(index);
        const text = JSON.stringify(input);
        const token = newTaskToken();
        this.openTasks.push({ token, input: text, createdAt: this.now });
        th.kids!.push({
          state: th.state, stateInput: text, phase: "invoke", dueAt: this.now, enteredEventId: 0, enteredAt: this.now, index, child: true,
          task: { token, resource: fan.dist.definition, resourceType: "mapRun", resourceName: fan.dist.childMachineArn, pattern: "sync:2", parameters: "{}", scheduledAt: this.now, timeoutSeconds: DEFAULT_TASK_TIMEOUT },
        });
        continue;
      }
      const input = await select1(index);
      const started = this.emit(th, "MapIterationStarted", "mapIterationStartedEventDetails", { name: th.state, index });
      th.kids!.push({ state: p.StartAt, stateInput: JSON.stringify(input), phase: "enter", dueAt: this.now, enteredEventId: 0, enteredAt: this.now, last: started, index });
    }
  }

  /** After a redrive: the branches or iterations that failed or were aborted start again; the others keep their results. */
  async refill(chain: Thread[], scope: Scope): Promise<void> {
    const th = chain[chain.length - 1];
    const s = scope.States[th.state];
    const fan = th.fan!;
    th.phase = "children";
    th.kids ??= [];
    if (fan.kind === "map") await this.fillMap(chain, scope);
    else {
      const branches = s.Branches as { StartAt: string }[];
      const started = this.emit(th, "ParallelStateStarted");
      for (const i of fan.retry ?? []) {
        th.kids!.push({ state: branches[i].StartAt, stateInput: fan.effective ?? "{}", phase: "enter", dueAt: this.now, enteredEventId: 0, enteredAt: this.now, last: started, index: i });
      }
      fan.retry = undefined;
    }
    if (th.kids!.length > 0 || fan.next < fan.total) return;
    // Nothing to run again (the state failed after its branches): it completes with the results it has.
    this.emit(th, fan.kind === "map" ? "MapStateSucceeded" : "ParallelStateSucceeded");
    return this.complete(chain, scope, fan.results.map((r) => JSON.parse(r!) as Json));
  }

  /** After a step: a finished branch or iteration reports to its parent, which may finish in turn. */
  bubble(chain: Thread[]) {
    for (let i = chain.length - 1; i > 0 && !this.finished; i--) {
      const kid = chain[i];
      if (kid.phase !== "done") break;
      const parentChain = chain.slice(0, i);
      const parent = chain[i - 1];
      if (parent.phase !== "children") break;
      this.pending.push(() => this.kidDone(parentChain, kid));
      break;
    }
  }

  pending: (() => Promise<void>)[] = [];

  async kidDone(chain: Thread[], kid: Thread): Promise<void> {
    const th = chain[chain.length - 1];
    const scope = this.scopes(chain)[chain.length - 1];
    const s = scope.States[th.state];
    const fan = th.fan!;
    th.kids = th.kids!.filter((k) => k !== kid);
    try {
      if (fan.kind === "parallel") {
        if (!kid.end!.ok) {
          this.abortKids(th, "parallel");
          this.emit(th, "ParallelStateFailed");
          throw new StateFailure(kid.end!.error ?? "States.BranchFailed", kid.end!.cause);
        }
        fan.results[kid.index!] = kid.end!.output!;
        if (th.kids.length > 0) return;
        this.emit(th, "ParallelStateSucceeded");
        return await this.complete(chain, scope, fan.results.map((r) => JSON.parse(r!) as Json));
      }
      if (kid.end!.ok) {
        if (!fan.dist) this.emit(th, "MapIterationSucceeded", "mapIterationSucceededEventDetails", { name: th.state, index: kid.index });
        fan.results[kid.index!] = kid.end!.output!;
      } else {
        if (!fan.dist) this.emit(th, "MapIterationFailed", "mapIterationFailedEventDetails", { name: th.state, index: kid.index });
        fan.failed++;
        fan.failedIdx = [...(fan.failedIdx ?? []), kid.index!];
        const errorOutput: Record<string, Json> = { Error: kid.end!.error ?? null, Cause: kid.end!.cause ?? null };
        fan.results[kid.index!] = JSON.stringify(errorOutput);
        const tolerated = await this.tolerated(chain, s);
        if (!tolerated || fan.failed > tolerated.count || (fan.failed * 100) / fan.total > tolerated.percentage) {
          this.abortKids(th, "map");
          // A distributed Map's run fails with States.ExceedToleratedFailureThreshold whatever failed in it (developer guide,
          // "Setting failure thresholds for Distributed Map states": the threshold is 0 unless set).
          if (fan.dist) {
            this.endMapRun(th, "FAILED", "States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
            this.emit(th, "MapStateFailed");
            throw new StateFailure("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
          }
          this.emit(th, "MapStateFailed");
          // Beyond a declared tolerance the Map fails with States.ExceedToleratedFailureThreshold (developer guide,
          // "Setting failure thresholds"); without one, with the iteration's own error.
          if (tolerated) throw new StateFailure("States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded");
          throw new StateFailure(kid.end!.error ?? "States.TaskFailed", kid.end!.cause);
        }
      }
      await this.fillMap(chain, scope);
      if (th.kids.length > 0 || fan.next < fan.total || fan.retry?.length) return;
      this.endMapRun(th, "SUCCEEDED");
      this.emit(th, "MapStateSucceeded");
      return await this.complete(chain, scope, fan.results.map((r) => JSON.parse(r!) as Json));
    } catch (e) {
      await this.fail(chain, scope, e);
    } finally {
      // A parent that ended reports to its own parent.
      if (th.phase === "done" && chain.length > 1) this.pending.push(() => this.kidDone(chain.slice(0, -1), th));
    }
  }

  async tolerated(chain: Thread[], s: State): Promise<{ count: number; percentage: number } | undefined> {
    const th = chain[chain.length - 1];
    const d = th.fan?.dist;
    if (d && (d.toleratedFailureCount !== undefined || d.toleratedFailurePercentage !== undefined)) {
      return { count: d.toleratedFailureCount ?? Number.POSITIVE_INFINITY, percentage: d.toleratedFailurePercentage ?? 100 };
    }
    const has = ["ToleratedFailureCount", "ToleratedFailurePercentage", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"].some((k) => k in s);
    if (!has) return undefined;
    const input = this.input(th);
    const read = async (k: string): Promise<number | undefined> => {
      if (s[`${k}Path`] !== undefined) return seconds(select(s[`${k}Path`] as string, input, this.ctx(chain), this.vars(chain)), `${k}Path`);
      const v = s[k];
      if (isExpression(v)) return seconds(await evaluate(v, this.bindings(chain, {})), k);
      return v as number | undefined;
    };
    return { count: (await read("ToleratedFailureCount")) ?? Number.POSITIVE_INFINITY, percentage: (await read("ToleratedFailurePercentage")) ?? 100 };
  }

  /** Stops the other branches or iterations of a failing Parallel or Map; their open tasks are closed. */
  abortKids(th: Thread, kind: "parallel" | "map") {
    for (const k of th.kids ?? []) {
      for (const t of openTokens(k)) this.closeTasks.push(t);
      this.abortChildren.push(...childExecutions(k));
      if (kind === "map" && !k.child) this.emit(th, "MapIterationAborted", "mapIterationAbortedEventDetails", { name: th.state, index: k.index });
    }
    th.kids = [];
  }

  async waitUntil(chain: Thread[], scope: Scope, s: State): Promise<number> {
    const th = chain[chain.length - 1];
    const now = this.now;
    let until: number;
    if (this.isJsonata(scope, s)) {
      const b = this.bindings(chain, {});
      if (s.Seconds !== undefined) {
        const v = isExpression(s.Seconds) ? await evaluate(s.Seconds, b) : s.Seconds;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new QueryError(`The Seconds field must evaluate to a non-negative integer, but was: ${JSON.stringify(v)}`);
        until = now + v * 1000;
      } else {
        const v = isExpression(s.Timestamp) ? await evaluate(s.Timestamp, b) : s.Timestamp;
        const t = typeof v === "string" ? parseTimestamp(v) : undefined;
        if (t === undefined) throw new QueryError(`The Timestamp field must evaluate to an RFC3339 timestamp, but was: ${JSON.stringify(v)}`);
        until = t;
      }
    } else {
      const input = this.effective(chain, scope);
      until = waitUntilPath(s, input, this.ctx(chain), now, this.vars(chain));
    }
    // A Wait may last at most 2^31 - 1 seconds (LocalStack snapshot test_timestamp_too_far_in_future_boundary).
    if (until - now > MAX_WAIT_MS) throw new PathError("Wait state delay is too long.");
    void th;
    return until;
  }

  /** Due time of a thread: its own, or the earliest of its branches'. */
  refreshDue(t: Thread): number | undefined {
    if (t.phase === "done") return undefined;
    if (t.phase === "children") {
      let min: number | undefined;
      for (const k of t.kids ?? []) {
        const d = this.refreshDue(k);
        if (d !== undefined && (min === undefined || d < min)) min = d;
      }
      t.dueAt = min;
    }
    return t.dueAt;
  }
}

function outcomeRow(token: string, o: TaskOutcome, now: number): TaskRecord {
  const base = { token, executionArn: "", input: "", createdAt: now };
  if (o.type === "succeeded") return { ...base, status: "succeeded", output: JSON.stringify(o.output ?? null) };
  if (o.type === "failed") return { ...base, status: "failed", error: o.error, cause: o.cause };
  return { ...base, status: "started" };
}

/** The row a task's outcome is persisted as (the runner writes it before the step that records it). */
export const taskOutcomeRow = outcomeRow;

function asString(v: Json | undefined, field: string): string {
  if (typeof v !== "string") throw new QueryError(`The ${field} field must evaluate to a string, but was: ${JSON.stringify(v)}`);
  return v;
}

function seconds(v: Json | undefined, field: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new StateFailure("States.Runtime", `The ${field} field must be a positive integer, but was: ${JSON.stringify(v)}`);
  return v;
}

function stringAt(path: string, input: Json, ctx: Context, vars: Vars): string {
  const v = valueOf(path, input, ctx, vars);
  if (typeof v !== "string") throw new PathError(`The value at path '${path}' must be a string, but was: ${JSON.stringify(v)}`);
  return v;
}

/** A Wait may last at most 2^31 - 1 seconds: 24855 days succeed, 24856 fail (LocalStack snapshot test_timestamp_too_far_in_future_boundary). */
const MAX_WAIT_MS = 2_147_483_647_000;

/** When a JSONPath Wait ends (Seconds, Timestamp, SecondsPath, TimestampPath); runtime errors worded as AWS's (LocalStack test_wait snapshots). */
function waitUntilPath(s: State, input: Json, ctx: Context, now: number, vars: Vars): number {
  if (typeof s.Seconds === "number") return now + s.Seconds * 1000;
  if (typeof s.Timestamp === "string") return parseTimestamp(s.Timestamp)!;
  if (typeof s.SecondsPath === "string") {
    const path = s.SecondsPath;
    let v: Json;
    try {
      v = select(path, input, ctx, vars);
    } catch {
      throw new PathError(`The SecondsPath parameter does not reference an input value: ${path}`);
    }
    if (typeof v !== "number" || !Number.isInteger(v)) throw new PathError(`The SecondsPath parameter cannot be parsed as a long value: ${path} == ${show(v)}`);
    if (v < 0) throw new PathError(`The SecondsPath parameter references a negative value: ${path} == ${v}`);
    return now + v * 1000;
  }
  const path = s.TimestampPath as string;
  let v: Json;
  try {
    v = select(path, input, ctx, vars);
  } catch {
    throw new PathError(`The TimestampPath parameter does not reference an input value: ${path}`);
  }
  const t = typeof v === "string" ? parseTimestamp(v) : undefined;
  if (t === undefined) throw new PathError(`The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${show(v)}`);
  return t;
}

const show = (v: Json) => (typeof v === "string" ? v : JSON.stringify(v));

/** Advances one thread by one step at `now`. `lastEventId` is the id of the newest event so far. */
export async function step(def: Definition, x: ExecutionInfo, pos: ExecutionPosition, lastEventId: number, now: number, io: StepIO = {}): Promise<StepResult> {
  const root = cloneThread(pos as Thread);
  const r = new Stepper(def, x, root, lastEventId, now, io);
  const maxSteps = io.chain?.steps ?? 1;
  const maxEvents = io.chain?.events ?? Number.POSITIVE_INFINITY;
  let steps = 0;
  for (;;) {
    await r.run();
    while (r.pending.length > 0 && !r.finished) await r.pending.shift()!();
    steps++;
    if (!r.finished && root.phase === "done") r.endExecution(root, root.end!.ok ? "SUCCEEDED" : "FAILED", root.end!.output, root.end!.error, root.end!.cause);
    r.refreshDue(root);
    // Chained steps (io.chain): only while nothing outside the execution was touched and it stays due now.
    if (r.finished || steps >= maxSteps || r.lastEventId - lastEventId >= maxEvents || !r.pure() || root.dueAt === undefined || root.dueAt > now || hasOpenTokens(root)) break;
  }
  // Built member by member: object spread here (of the result and of the position) cost more than the step itself.
  const f = r.finished;
  if (f) root.dueAt = undefined;
  return {
    events: r.events, lastEventId: r.lastEventId, entered: r.entered, steps, openTasks: r.openTasks, closeTasks: r.closeTasks, timedOutTasks: r.timedOutTasks,
    activities: r.activities, openMapRuns: r.openMapRuns, closeMapRuns: r.closeMapRuns, abortChildren: r.abortChildren,
    status: f ? f.status : "RUNNING", output: f?.output, error: f?.error, cause: f?.cause, position: root,
  };
}

/**
 * A copy of a position that a step may change without touching the caller's: every thread, its task, retry counts
 * and fan-out (their arrays) are copied; JSON values and strings, which a step replaces but never mutates, are shared.
 */
export function cloneThread(t: Thread): Thread {
  const c: Thread = { ...t };
  if (t.task) c.task = { ...t.task };
  if (t.retries) c.retries = t.retries.slice();
  if (t.end) c.end = { ...t.end };
  if (t.fan) {
    const f = t.fan;
    c.fan = { ...f, results: f.results.slice() };
    if (f.failedIdx) c.fan.failedIdx = f.failedIdx.slice();
    if (f.retry) c.fan.retry = f.retry.slice();
    if (f.dist) c.fan.dist = f.dist.batches ? { ...f.dist, batches: f.dist.batches.slice() } : { ...f.dist };
  }
  if (t.kids) c.kids = t.kids.map(cloneThread);
  return c;
}

/**
 * The position a RedriveExecution continues from (developer guide, "Redriving executions": the execution continues
 * from the unsuccessful step; an inline Map or Parallel reruns only the iterations and branches that failed or were
 * aborted). Threads caught mid-state re-enter that state; a Parallel or Map whose branches were cut short starts
 * the missing ones again and keeps the results it has.
 */
export function redrivePosition(pos: ExecutionPosition, now: number): Thread {
  const root = structuredClone(pos) as Thread;
  const visit = (t: Thread) => {
    t.retries = undefined;
    t.retryCount = undefined;
    if (t.fan && (t.phase === "children" || t.kids !== undefined)) {
      // A distributed Map's running children were aborted with the execution: their iterations start new children.
      t.kids = (t.kids ?? []).filter((k) => !k.child);
      for (const k of t.kids) visit(k);
      t.kids = t.kids.filter((k) => k.phase !== "done");
      const live = new Set(t.kids.map((k) => k.index));
      const failed = new Set(t.fan.failedIdx ?? []);
      const limit = t.fan.kind === "map" ? t.fan.next : t.fan.total;
      const again: number[] = [];
      for (let i = 0; i < limit; i++) if (!live.has(i) && (t.fan.results[i] === null || failed.has(i))) again.push(i);
      for (const i of again) t.fan.results[i] = null;
      t.fan.failed = 0;
      t.fan.failedIdx = undefined;
      t.fan.retry = again;
      t.phase = again.length > 0 || t.kids.length === 0 ? "refill" : "children";
      t.dueAt = now;
      return;
    }
    t.phase = "enter";
    t.task = undefined;
    t.kids = undefined;
    t.fan = undefined;
    t.dueAt = now;
  };
  visit(root);
  return root;
}

/**
 * Runs an execution to its end in memory, without a store (EXPRESS executions, tests): steps until it ends, Waits and
 * retries skipped ahead by `clock`. Pending tasks cannot complete here and end the run with States.TaskFailed.
 */
export async function runInMemory(def: Definition, x: ExecutionInfo, invoke: StepIO["invoke"], start = Date.now(), maxSteps = 25_000): Promise<StepResult & { history: NewEvent[] }> {
  let pos: ExecutionPosition = startPosition(def, x.input, start);
  let last = 1;
  let now = start;
  const history: NewEvent[] = [];
  const io: StepIO = {
    invoke: async (call) => {
      const o = invoke ? await invoke(call, "") : { type: "failed" as const, error: "States.TaskFailed", cause: `No resource handler is configured for '${call.resource}'.` };
      return o.type === "pending" ? { type: "failed", error: "States.TaskFailed", cause: "Callback and .sync tasks cannot complete in an in-memory run." } : o;
    },
  };
  for (let i = 0; i < maxSteps; i++) {
    const r = await step(def, x, pos, last, now, io);
    history.push(...r.events);
    last += r.events.length;
    if (r.status !== "RUNNING") return { ...r, history };
    pos = r.position;
    if (pos.dueAt === undefined) break;
    now = Math.max(now, pos.dueAt);
  }
  return { events: [], lastEventId: last, entered: 0, steps: 0, openTasks: [], closeTasks: [], timedOutTasks: [], activities: [], openMapRuns: [], closeMapRuns: [], abortChildren: [], position: pos as Thread, status: "FAILED", error: "States.Runtime", cause: "The in-memory run did not finish.", history };
}
