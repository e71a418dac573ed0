// One step of an execution, pure: from its stored position (about to enter a state, or waiting in one) to the
// history events it adds and the next position, or the end of the execution. The runner commits each step with its
// events, so an execution resumes after a restart at the step it reached. Event types and details as AWS names them
// (HistoryEvent in the API reference: PassStateEntered, WaitStateExited, ExecutionSucceeded, ...).
import type { ExecutionPosition, ExecutionStatus } from "../store.ts";
import { evaluateRule } from "./choice.ts";
import { parseTimestamp, type Definition, type Json, type State } from "./definition.ts";
import { applyInputPath, applyTemplate, PathError, placeResult, select } from "./paths.ts";

export interface NewEvent {
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
}

export interface StepResult {
  events: NewEvent[];
  status: ExecutionStatus;
  position: ExecutionPosition;
  output?: string;
  error?: string;
  cause?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const MAX_DATA = 262_144;

function contextObject(x: ExecutionInfo, state: string, enteredAt: number): Json {
  // Members as recorded on AWS (LocalStack snapshot test_context_object, "$$"): RedriveCount included.
  return {
    Execution: { Id: x.arn, Input: JSON.parse(x.input), StartTime: iso(x.startDate), Name: x.name, RoleArn: x.roleArn, RedriveCount: 0 },
    StateMachine: { Id: x.machineArn, Name: x.machineName },
    State: { Name: state, EnteredTime: iso(enteredAt) },
  };
}

const entered = (type: string, name: string, input: string): NewEvent => ({
  type: `${type}StateEntered`, detailsKey: "stateEnteredEventDetails", details: { name, input, inputDetails: { truncated: false } },
});
const exited = (type: string, name: string, output: string): NewEvent => ({
  type: `${type}StateExited`, detailsKey: "stateExitedEventDetails", details: { name, output, outputDetails: { truncated: false } },
});

/** When a machine-level TimeoutSeconds ends the execution (epoch ms), or undefined. */
export function deadlineOf(def: Definition, startDate: number): number | undefined {
  return def.TimeoutSeconds === undefined ? undefined : startDate + def.TimeoutSeconds * 1000;
}

/** The first position of an execution: entering StartAt with the execution's input, due now. */
export function startPosition(def: Definition, input: string, now: number): ExecutionPosition {
  return { state: def.StartAt, stateInput: input, phase: "enter", dueAt: now, enteredEventId: 0, enteredAt: now };
}

/** Ends the execution FAILED; a Fail state without Error or Cause leaves them out (recorded on AWS: test_state_fail_empty, "executionFailedEventDetails": {}). */
function failed(events: NewEvent[], pos: ExecutionPosition, error: string | undefined, cause: string | undefined): StepResult {
  const details: Record<string, unknown> = {};
  if (error !== undefined) details.error = error;
  if (cause !== undefined) details.cause = cause;
  events.push({ type: "ExecutionFailed", detailsKey: "executionFailedEventDetails", details });
  return { events, status: "FAILED", position: { ...pos, dueAt: undefined }, error, cause };
}

/** Advances one step at `now`. `lastEventId` is the id of the newest event so far (to name the entered event). */
export function step(def: Definition, x: ExecutionInfo, pos: ExecutionPosition, lastEventId: number, now: number): StepResult {
  const name = pos.state;
  const s: State = def.States[name];
  const type = s.Type as string;
  const events: NewEvent[] = [];
  let enteredEventId = pos.enteredEventId;
  let enteredAt = pos.enteredAt;
  if (pos.phase === "enter") {
    events.push(entered(type, name, pos.stateInput));
    enteredEventId = lastEventId + 1;
    enteredAt = now;
  }
  const here = { ...pos, enteredEventId, enteredAt };
  const ctx = contextObject(x, name, enteredAt);
  const input = JSON.parse(pos.stateInput) as Json;
  try {
    const effective = applyInputPath(s.InputPath, input, ctx);
    let output: Json;
    let next = s.Next as string | undefined;
    switch (type) {
      case "Pass": {
        // Parameters shape the effective input; Result, when given, is the result; ResultPath combines the result with
        // the state's raw input (States Language "Input and Output Processing": "the raw input's combination with or
        // replacement by the state's result").
        const shaped = s.Parameters !== undefined ? applyTemplate(s.Parameters, effective, ctx) : effective;
        const result = s.Result !== undefined ? s.Result : shaped;
        output = placeResult(s.ResultPath, input, result);
        break;
      }
      case "Wait": {
        if (pos.phase === "enter") {
          const until = waitUntil(s, effective, ctx, now);
          if (until > now) return { events, status: "RUNNING", position: { ...here, phase: "wait", dueAt: until } };
        }
        output = effective;
        break;
      }
      case "Choice": {
        const rule = (s.Choices as Record<string, Json>[]).find((r) => evaluateRule(r, effective, ctx));
        next = (rule?.Next ?? s.Default) as string | undefined;
        // No rule matched and no Default: States.NoChoiceMatched (States Language "Choice State").
        if (next === undefined) return failed(events, here, "States.NoChoiceMatched", `No Matches!`);
        output = effective;
        break;
      }
      case "Task":
        // The runner carries the task out (TaskResources) and completes it with completeTask.
        return { events, status: "RUNNING", position: { ...here, phase: "task", dueAt: now } };
      case "Succeed":
        output = effective;
        break;
      case "Fail": {
        const error = s.ErrorPath !== undefined ? stringAt(s.ErrorPath as string, input, ctx) : (s.Error as string | undefined);
        const cause = s.CausePath !== undefined ? stringAt(s.CausePath as string, input, ctx) : (s.Cause as string | undefined);
        return failed(events, here, error, cause);
      }
      default:
        throw new PathError(`State type ${type} is not supported`);
    }
    if (s.OutputPath !== undefined) output = s.OutputPath === null ? {} : select(s.OutputPath as string, output, ctx);
    const text = JSON.stringify(output);
    // A state's output is at most 256 KiB (Step Functions quotas, "Maximum input or output size for a task, state,
    // or execution"); beyond it the execution fails with States.DataLimitExceeded (States Language, error names).
    if (Buffer.byteLength(text) > MAX_DATA) {
      return failed(events, here, "States.DataLimitExceeded", `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
    }
    events.push(exited(type, name, text));
    if (type === "Succeed" || s.End === true) {
      events.push({ type: "ExecutionSucceeded", detailsKey: "executionSucceededEventDetails", details: { output: text, outputDetails: { truncated: false } } });
      return { events, status: "SUCCEEDED", position: { ...here, dueAt: undefined }, output: text };
    }
    return { events, status: "RUNNING", position: { state: next!, stateInput: text, phase: "enter", dueAt: now, enteredEventId: 0, enteredAt: now } };
  } catch (e) {
    // Whatever else goes wrong in a state's processing (a malformed value) fails the execution the same way rather
    // than leaving it running and retried forever.
    // Input/output processing failures fail the execution with States.Runtime, naming the state and its entered event.
    return failed(events, here, "States.Runtime", `An error occurred while executing the state '${name}' (entered at the event id #${enteredEventId}). ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The Task's effective parameters (InputPath, then Parameters with the context object). */
export function taskParameters(def: Definition, x: ExecutionInfo, pos: ExecutionPosition): Json {
  const s = def.States[pos.state];
  const ctx = contextObject(x, pos.state, pos.enteredAt);
  const input = JSON.parse(pos.stateInput) as Json;
  const effective = applyInputPath(s.InputPath, input, ctx);
  return s.Parameters !== undefined ? applyTemplate(s.Parameters, effective, ctx) : effective;
}

/**
 * Ends a Task with its outcome: TaskScheduled, TaskStarted and TaskSucceeded/TaskFailed events (HistoryEvent in the API
 * reference), then ResultSelector, ResultPath and OutputPath; a failed task fails the execution with its error and
 * cause (no Retry/Catch in this minimal path).
 */
export function completeTask(def: Definition, x: ExecutionInfo, pos: ExecutionPosition, outcome: { type: "succeeded"; output: Json } | { type: "failed"; error: string; cause?: string }, region: string, now: number): StepResult {
  const name = pos.state;
  const s = def.States[name];
  const resource = String(s.Resource);
  const m = /^arn:[\w-]+:states:::(?:aws-sdk:)?([\w-]+):(.+)$/.exec(resource);
  const resourceType = m ? (resource.includes(":aws-sdk:") ? `aws-sdk:${m[1]}` : m[1]) : resource.split(":")[2] ?? "";
  const resourceName = m ? m[2] : resource;
  const ctx = contextObject(x, name, pos.enteredAt);
  let parameters: string;
  try {
    parameters = JSON.stringify(taskParameters(def, x, pos));
  } catch {
    // Parameters that cannot be written out (nested too deep for the serializer) are left out of the event.
    parameters = "{}";
  }
  const events: NewEvent[] = [
    { type: "TaskScheduled", detailsKey: "taskScheduledEventDetails", details: { resourceType, resource: resourceName, region, parameters } },
    { type: "TaskStarted", detailsKey: "taskStartedEventDetails", details: { resourceType, resource: resourceName } },
  ];
  if (outcome.type === "failed") {
    const details: Record<string, unknown> = { resourceType, resource: resourceName, error: outcome.error };
    if (outcome.cause !== undefined) details.cause = outcome.cause;
    events.push({ type: "TaskFailed", detailsKey: "taskFailedEventDetails", details });
    return failed(events, pos, outcome.error, outcome.cause);
  }
  const resultText = JSON.stringify(outcome.output);
  events.push({ type: "TaskSucceeded", detailsKey: "taskSucceededEventDetails", details: { resourceType, resource: resourceName, output: resultText, outputDetails: { truncated: false } } });
  try {
    const input = JSON.parse(pos.stateInput) as Json;
    const result = s.ResultSelector !== undefined ? applyTemplate(s.ResultSelector, outcome.output, ctx) : outcome.output;
    let output = placeResult(s.ResultPath, input, result);
    if (s.OutputPath !== undefined) output = s.OutputPath === null ? {} : select(s.OutputPath as string, output, ctx);
    const text = JSON.stringify(output);
    if (Buffer.byteLength(text) > MAX_DATA) {
      return failed(events, pos, "States.DataLimitExceeded", `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`);
    }
    events.push(exited("Task", name, text));
    if (s.End === true) {
      events.push({ type: "ExecutionSucceeded", detailsKey: "executionSucceededEventDetails", details: { output: text, outputDetails: { truncated: false } } });
      return { events, status: "SUCCEEDED", position: { ...pos, dueAt: undefined }, output: text };
    }
    return { events, status: "RUNNING", position: { state: s.Next as string, stateInput: text, phase: "enter", dueAt: now, enteredEventId: 0, enteredAt: now } };
  } catch (e) {
    return failed(events, pos, "States.Runtime", `An error occurred while executing the state '${name}' (entered at the event id #${pos.enteredEventId}). ${e instanceof Error ? e.message : String(e)}`);
  }
}

function stringAt(path: string, input: Json, ctx: Json): string {
  const v = select(path, input, ctx);
  if (typeof v !== "string") throw new PathError(`The value at path '${path}' must be a string, but was: ${JSON.stringify(v)}`);
  return v;
}

/** A Wait may last at most 2^31 - 1 seconds: 24855 days succeed, 24856 fail (LocalStack snapshot test_timestamp_too_far_in_future_boundary). */
const MAX_WAIT_MS = 2_147_483_647_000;

/** When a Wait state ends (Seconds, Timestamp, SecondsPath, TimestampPath); runtime errors worded as AWS's (LocalStack test_wait snapshots). */
function waitUntil(s: State, input: Json, ctx: Json, now: number): number {
  let until: number;
  if (typeof s.Seconds === "number") until = now + s.Seconds * 1000;
  else if (typeof s.Timestamp === "string") until = parseTimestamp(s.Timestamp)!;
  else if (typeof s.SecondsPath === "string") {
    const path = s.SecondsPath;
    let v: Json;
    try {
      v = select(path, input, ctx);
    } catch {
      throw new PathError(`The SecondsPath parameter does not reference an input value: ${path}`);
    }
    if (typeof v !== "number" || !Number.isInteger(v)) throw new PathError(`The SecondsPath parameter cannot be parsed as a long value: ${path} == ${show(v)}`);
    if (v < 0) throw new PathError(`The SecondsPath parameter references a negative value: ${path} == ${v}`);
    until = now + v * 1000;
  } else {
    const path = s.TimestampPath as string;
    let v: Json;
    try {
      v = select(path, input, ctx);
    } catch {
      throw new PathError(`The TimestampPath parameter does not reference an input value: ${path}`);
    }
    const t = typeof v === "string" ? parseTimestamp(v) : undefined;
    if (t === undefined) throw new PathError(`The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${show(v)}`);
    until = t;
  }
  if (until - now > MAX_WAIT_MS) throw new PathError("Wait state delay is too long.");
  return until;
}

const show = (v: Json) => (typeof v === "string" ? v : JSON.stringify(v));
