// TestState: one state run on its own against an input (API reference, TestState; developer guide, "Using TestState
// API to test a state"): the state's output and next state, or its error and what Retry/Catch would do with it
// (RETRIABLE, CAUGHT_ERROR), and at DEBUG/TRACE the data after each processing step (inspectionData). Pass, Wait
// (which does not wait), Choice, Succeed, Fail and Task (carried out through TaskResources, or mocked) in JSONPath and
// JSONata; Parallel and Map are refused by the operation. Uses the interpreter's own building blocks (paths,
// intrinsics, JSONata, Choice rules, error matching), so a state behaves here as it does in an execution.
import { evaluateRule } from "./choice.ts";
import { type Json, parseTimestamp, type State } from "./definition.ts";
import { IntrinsicError } from "./intrinsics.ts";
import { evaluate, evaluateTemplate, QueryError } from "./jsonata.ts";
import { applyInputPath, applyTemplate, PathError, placeResult, select, valueOf, type Vars } from "./paths.ts";
import { errorMatches, parseResource, StateFailure } from "./step.ts";
import type { TaskCall, TaskOutcome } from "./tasks.ts";

export interface TestStateRequest {
  name: string;
  state: State;
  queryLanguage: string;
  input: Json;
  variables: Vars;
  context: Record<string, Json>;
  /** A mocked task result or error (TestState `mock`). */
  mock?: { result?: Json; error?: string; cause?: string };
  /** How many times the state's matching Retrier already retried (stateConfiguration.retrierRetryCount). */
  retrierRetryCount: number;
  invoke?: (call: TaskCall) => Promise<TaskOutcome>;
  account: string;
  region: string;
}

export interface TestStateResult {
  status: "SUCCEEDED" | "FAILED" | "RETRIABLE" | "CAUGHT_ERROR";
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData: Record<string, unknown>;
}

const text = (v: Json | undefined) => JSON.stringify(v ?? null);

export async function testState(r: TestStateRequest): Promise<TestStateResult> {
  const s = r.state;
  const jn = ((s.QueryLanguage as string | undefined) ?? r.queryLanguage) === "JSONata";
  const inspection: Record<string, unknown> = { input: text(r.input) };
  let vars: Vars = { ...r.variables };
  const ctx = r.context;
  const bindings = (extra: Record<string, unknown> = {}) => ({ ...vars, states: { input: r.input, context: ctx, ...extra } });
  const assign = async (assignField: Json | undefined, over: Json, extra: Record<string, unknown>) => {
    if (assignField === undefined) return;
    const out: Vars = {};
    for (const [k, v] of Object.entries(assignField as Record<string, Json>)) {
      if (jn) out[k] = (await evaluateTemplate(v, bindings(extra))) ?? null;
      else if (k.endsWith(".$")) out[k.slice(0, -2)] = valueOf(v as string, over, ctx, vars);
      else out[k] = applyTemplate(v, over, ctx, vars);
    }
    vars = { ...vars, ...out };
  };
  const done = (output: Json, next: string | undefined): TestStateResult => {
    inspection.variables = JSON.stringify(vars);
    return { status: "SUCCEEDED", output: text(output), nextState: next, inspectionData: inspection };
  };
  try {
    const effective = jn ? r.input : applyInputPath(s.InputPath, r.input, ctx, vars);
    if (!jn) inspection.afterInputPath = text(effective);
    switch (s.Type) {
      case "Pass":
      case "Wait":
      case "Succeed": {
        if (s.Type === "Wait") checkWait(s, jn, effective, ctx, vars, bindings);
        let result: Json = effective;
        if (s.Type === "Pass" && !jn) {
          if (s.Parameters !== undefined) inspection.afterParameters = text((result = applyTemplate(s.Parameters, effective, ctx, vars)));
          if (s.Result !== undefined) result = s.Result;
          inspection.result = text(result);
        }
        await assign(s.Assign, result, {});
        let out: Json;
        if (jn) out = s.Output === undefined ? r.input : ((await evaluateTemplate(s.Output, bindings())) ?? null);
        else {
          out = s.Type === "Pass" ? placeResult(s.ResultPath, r.input, result) : result;
          if (s.Type === "Pass") inspection.afterResultPath = text(out);
          out = outputPath(s, out, ctx, vars);
        }
        return done(out, s.Type === "Succeed" ? undefined : (s.Next as string | undefined));
      }
      case "Choice": {
        const rules = s.Choices as Record<string, Json>[];
        let rule: Record<string, Json> | undefined;
        for (const c of rules) {
          const ok = jn ? await evaluate(c.Condition as string, bindings()) : evaluateRule(c, effective, ctx, vars);
          if (jn && typeof ok !== "boolean") throw new QueryError(`The Condition '${String(c.Condition)}' returned a non-boolean value: ${JSON.stringify(ok)}`);
          if (ok) { rule = c; break; }
        }
        const next = (rule?.Next ?? s.Default) as string | undefined;
        if (next === undefined) throw new StateFailure("States.NoChoiceMatched", "No Matches!");
        await assign(rule?.Assign ?? s.Assign, effective, {});
        const o = (rule?.Output ?? s.Output) as Json | undefined;
        const out = jn ? (o === undefined ? r.input : ((await evaluateTemplate(o, bindings())) ?? null)) : outputPath(s, effective, ctx, vars);
        return done(out, next);
      }
      case "Fail": {
        const b = bindings();
        const error = jn ? (s.Error === undefined ? undefined : String(await evaluateTemplate(s.Error, b))) : s.ErrorPath !== undefined ? String(valueOf(s.ErrorPath as string, r.input, ctx, vars)) : (s.Error as string | undefined);
        const cause = jn ? (s.Cause === undefined ? undefined : String(await evaluateTemplate(s.Cause, b))) : s.CausePath !== undefined ? String(valueOf(s.CausePath as string, r.input, ctx, vars)) : (s.Cause as string | undefined);
        return { status: "FAILED", error, cause, inspectionData: inspection };
      }
      case "Task": {
        let params: Json;
        if (jn) inspection.afterArguments = text((params = s.Arguments === undefined ? {} : ((await evaluateTemplate(s.Arguments, bindings())) ?? null)));
        else inspection.afterParameters = text((params = s.Parameters !== undefined ? applyTemplate(s.Parameters, effective, ctx, vars) : effective));
        let result: Json;
        if (r.mock) {
          if (r.mock.error !== undefined) throw new StateFailure(r.mock.error, r.mock.cause);
          result = r.mock.result ?? null;
        } else {
          const p = parseResource(s.Resource as string);
          const o = r.invoke
            ? await r.invoke({
              resource: s.Resource as string, service: p.service, action: p.action, pattern: p.pattern, parameters: params, executionArn: String((ctx.Execution as Record<string, Json>)?.Id ?? ""),
              stateMachineArn: String((ctx.StateMachine as Record<string, Json>)?.Id ?? ""), stateName: r.name, account: r.account, region: r.region,
            })
            : { type: "failed" as const, error: "States.TaskFailed", cause: `The resource '${String(s.Resource)}' is not supported by this Mailroom version yet.` };
          if (o.type === "failed") throw new StateFailure(o.error, o.cause);
          if (o.type === "pending") throw new StateFailure("States.TaskFailed", "The task did not complete synchronously.");
          result = o.output;
        }
        inspection.result = text(result);
        let out: Json;
        if (jn) {
          await assign(s.Assign, result, { result });
          out = s.Output === undefined ? result : ((await evaluateTemplate(s.Output, bindings({ result }))) ?? null);
        } else {
          let selected = result;
          if (s.ResultSelector !== undefined) inspection.afterResultSelector = text((selected = applyTemplate(s.ResultSelector, result, ctx, vars)));
          await assign(s.Assign, selected, {});
          try {
            out = placeResult(s.ResultPath, r.input, selected);
          } catch (e) {
            if (e instanceof PathError) throw new StateFailure("States.ResultPathMatchFailure", e.message);
            throw e;
          }
          inspection.afterResultPath = text(out);
          out = outputPath(s, out, ctx, vars);
        }
        return done(out, s.Next as string | undefined);
      }
    }
    throw new PathError(`TestState does not run ${String(s.Type)} states.`);
  } catch (e) {
    return failure(r, s, jn, e, inspection, vars, bindings);
  }
}

function outputPath(s: State, out: Json, ctx: Json, vars: Vars): Json {
  if (s.OutputPath === undefined) return out;
  return s.OutputPath === null ? {} : select(s.OutputPath as string, out, ctx, vars);
}

function checkWait(s: State, jn: boolean, effective: Json, ctx: Json, vars: Vars, bindings: () => Record<string, unknown>): void {
  // The Wait's duration is checked as the execution would (a bad SecondsPath fails here too); TestState does not wait.
  void bindings;
  if (jn) return;
  if (typeof s.SecondsPath === "string") {
    const v = select(s.SecondsPath, effective, ctx, vars);
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new PathError(`The SecondsPath parameter cannot be parsed as a long value: ${s.SecondsPath} == ${JSON.stringify(v)}`);
  }
  if (typeof s.TimestampPath === "string") {
    const v = select(s.TimestampPath, effective, ctx, vars);
    if (typeof v !== "string" || parseTimestamp(v) === undefined) throw new PathError(`The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${s.TimestampPath} == ${JSON.stringify(v)}`);
  }
}

async function failure(
  r: TestStateRequest, s: State, jn: boolean, e: unknown, inspection: Record<string, unknown>, vars: Vars, bindings: (extra?: Record<string, unknown>) => Record<string, unknown>,
): Promise<TestStateResult> {
  let error: string;
  let cause: string | undefined;
  if (e instanceof StateFailure) { error = e.error; cause = e.causeText; }
  else if (e instanceof IntrinsicError) { error = "States.IntrinsicFailure"; cause = e.message; }
  else if (e instanceof QueryError) { error = "States.QueryEvaluationError"; cause = e.message; }
  else { error = "States.Runtime"; cause = e instanceof Error ? e.message : String(e); }
  if (error !== "States.Runtime" && Array.isArray(s.Retry)) {
    const i = s.Retry.findIndex((x) => errorMatches((x as Record<string, Json>).ErrorEquals, error));
    const retrier = s.Retry[i] as Record<string, Json> | undefined;
    if (retrier && r.retrierRetryCount < ((retrier.MaxAttempts as number | undefined) ?? 3)) {
      const interval = ((retrier.IntervalSeconds as number | undefined) ?? 1) * Math.pow((retrier.BackoffRate as number | undefined) ?? 2, r.retrierRetryCount);
      inspection.errorDetails = { retryIndex: i, retryBackoffIntervalSeconds: Math.round(Math.min(interval, (retrier.MaxDelaySeconds as number | undefined) ?? Infinity)) };
      return { status: "RETRIABLE", error, cause, inspectionData: inspection };
    }
  }
  if (error !== "States.Runtime" && Array.isArray(s.Catch)) {
    const i = s.Catch.findIndex((x) => errorMatches((x as Record<string, Json>).ErrorEquals, error));
    const c = s.Catch[i] as Record<string, Json> | undefined;
    if (c) {
      const errorOutput: Record<string, Json> = { Error: error };
      if (cause !== undefined) errorOutput.Cause = cause;
      let out: Json;
      if (jn) out = c.Output === undefined ? errorOutput : ((await evaluateTemplate(c.Output, bindings({ errorOutput }))) ?? null);
      else out = placeResult((c.ResultPath as Json | undefined) ?? "$", r.input, errorOutput);
      inspection.errorDetails = { catchIndex: i };
      inspection.variables = JSON.stringify(vars);
      return { status: "CAUGHT_ERROR", error, cause, output: text(out), nextState: c.Next as string, inspectionData: inspection };
    }
  }
  return { status: "FAILED", error, cause, inspectionData: inspection };
}
