// StartExecution, DescribeExecution, ListExecutions, StopExecution, GetExecutionHistory.
import { createHash, randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { executionArn, parseExecutionArn, parseMachineArn, validName } from "../domain/arns.ts";
import { parseDefinition } from "../domain/definition.ts";
import { childCompletion } from "../domain/child.ts";
import { abortExecution, firstSteps } from "../jobs/runner.ts";
import { mapRunsOf, redrivePosition, startPosition, type Thread, updateMapRunLimits } from "../domain/step.ts";
import { decodeToken, encodeToken, type SfnEnv } from "../env.ts";
import { executionExists, executionNotFound, invalidArn, invalidInput, invalidName, invalidToken, sfnError, validation } from "../errors.ts";
import type { ExecutionRecord, ExecutionStatus, HistoryEventRecord } from "../store.ts";
import { checkTokenLength, pageSize, resolveMachine } from "./state-machines.ts";
import type { MapRunRecord, StateMachineRecord } from "../store.ts";
import { resolveStartTarget, runExpress } from "./sync.ts";

type In = Record<string, unknown>;

/** Execution input and output are at most 256 KiB (Step Functions service quotas: "Maximum input or output size"). */
const MAX_INPUT = 262_144;
// In the order AWS lists them in its enum error (LocalStack snapshot test_state_machine_status_filter).
const STATUSES = new Set(["SUCCEEDED", "TIMED_OUT", "PENDING_REDRIVE", "ABORTED", "FAILED", "RUNNING"]);

/**
 * Why an input is not JSON, in the words AWS's parser uses where they are recorded (LocalStack snapshot
 * test_invalid_start_execution_input): an empty input, a bare word, a single-quoted member name; otherwise node's.
 */
function parseProblem(text: string, e: unknown): string {
  const t = text.trim();
  if (t === "") return "Invalid execution input.";
  const word = /^[A-Za-z_]\w*/.exec(t);
  if (word && !["true", "false", "null"].includes(word[0])) {
    return `Unrecognized token '${word[0]}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`;
  }
  if (/^\{\s*'/.test(t)) return "Unexpected character (''' (code 39)): was expecting double-quote to start field name";
  return e instanceof Error ? e.message : String(e);
}

async function resolveExecution(env: SfnEnv, ctx: RequestContext, arn: unknown): Promise<ExecutionRecord> {
  const s = String(arn);
  const p = parseExecutionArn(s);
  if (!p) throw invalidArn(s);
  const x = p.account === ctx.accountId && p.region === ctx.region ? await env.store.getExecution(s) : undefined;
  if (!x) throw executionNotFound(s);
  return x;
}

export async function startExecution(env: SfnEnv, ctx: RequestContext, input: In, parentToken?: string) {
  // A version or alias ARN, and a mock-config test case after '#', are resolved by operations/sync.ts.
  const target = await resolveStartTarget(env, ctx, input.stateMachineArn);
  const m = target.machine;
  // A `.sync` child without a Name gets one that follows from its parent's task token (UUID-shaped, as AWS's default
  // names are), so a task invoked again after a crash finds the child it started instead of starting a second one.
  const name = input.name !== undefined ? String(input.name) : parentToken !== undefined ? tokenName(parentToken) : randomUUID();
  if (!validName(name)) throw invalidName(name);
  if (input.traceHeader !== undefined) throw validation("traceHeader (X-Ray tracing) is not supported by this Mailroom version yet.");
  const text = input.input === undefined ? "{}" : String(input.input);
  // The input member is at most 262144 characters (StartExecution API reference, `input`: "Length Constraints: Maximum length of 262144").
  if (text.length > MAX_INPUT) throw validation(`1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT}`);
  try {
    JSON.parse(text);
  } catch (e) {
    throw invalidInput(parseProblem(text, e));
  }
  if (m.type === "EXPRESS") {
    // EXPRESS executions run in memory and are not kept (no DescribeExecution or history, as on AWS).
    const { arn, startDate, done } = runExpress(env, target, name, text);
    // A `.sync` parent's task ends with the child's DescribeExecution shape as a STANDARD child's does.
    void done.then(async (r) => {
      if (parentToken === undefined) return;
      const child = { arn, machineArn: m.arn, name, input: text, startDate } as ExecutionRecord;
      await env.store.completeTask(parentToken, childCompletion(child, r.status, r), env.clock.now());
      env.wake();
    }).catch(() => undefined);
    return { executionArn: arn, startDate: new Date(startDate) };
  }
  const arn = executionArn(parseMachineArn(m.arn)!, name);
  if (target.versionArn) await env.store.setExecutionSource(arn, { versionArn: target.versionArn, aliasArn: target.aliasArn });
  if (target.testCase !== undefined) env.tasks?.useTestCase(arn, m.name, target.testCase);
  return launchExecution(env, m, name, text, parentToken);
}

function tokenName(token: string): string {
  const h = createHash("sha256").update(token).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Starts an execution of a machine (StartExecution; a `.sync` Task's child execution with `parentToken`, whose task
 * the child completes when it ends: the runner does so in the transaction of the child's last step, and
 * StopExecution in the abort's). Answers as StartExecution does.
 */
export async function launchExecution(env: SfnEnv, m: StateMachineRecord, name: string, text: string, parentToken?: string) {
  const now = env.clock.now();
  const arn = executionArn(parseMachineArn(m.arn)!, name);
  const def = parseDefinition(m.definition);
  let record: ExecutionRecord = {
    arn, machineArn: m.arn, name, status: "RUNNING", input: text, startDate: now, definition: m.definition, roleArn: m.roleArn, machineUpdatedAt: m.updatedAt ?? m.createdAt, machineRevisionId: m.revisionId,
    position: startPosition(def, text, now), lastEventId: 1, version: 0,
  };
  if (parentToken !== undefined) record.parentToken = parentToken;
  const started: HistoryEventRecord = {
    id: 1, previousEventId: 0, timestamp: now, type: "ExecutionStarted", detailsKey: "executionStartedEventDetails",
    details: { input: text, inputDetails: { truncated: false }, roleArn: m.roleArn },
  };
  let events = [started];
  // Steps that touch nothing outside the execution commit with its start (jobs/runner.ts firstSteps); a .sync child
  // (parentToken) always starts plain, so its end completes the parent in the runner as before.
  if (parentToken === undefined) {
    try {
      const first = await firstSteps(record, def, now);
      if (first) {
        record = first.record;
        events = [started, ...first.events];
      }
    } catch {
      // Whatever went wrong is the runner's to meet and record, at the execution's first step.
    }
  }
  const { execution, created } = await env.store.startExecution(record, events);
  if (!created) {
    // The same name and input as a RUNNING execution answers that execution; otherwise ExecutionAlreadyExists
    // (StartExecution API reference: "Idempotent" for running executions with the same name and input).
    if (execution.status !== "RUNNING" || execution.input !== text) throw executionExists(arn);
    return { executionArn: arn, startDate: new Date(execution.startDate) };
  }
  env.metrics?.startedOne(m.arn);
  if (record.status !== "RUNNING") env.metrics?.ended(m.arn, record.status, (record.stopDate ?? now) - record.startDate);
  else env.wake();
  return { executionArn: arn, startDate: new Date(now) };
}

export async function describeExecution(env: SfnEnv, ctx: RequestContext, input: In) {
  const x = await resolveExecution(env, ctx, input.executionArn);
  if (input.includedData !== undefined && input.includedData !== "ALL_DATA") throw validation("includedData METADATA_ONLY is not supported by this Mailroom version yet.");
  return {
    executionArn: x.arn, stateMachineArn: x.machineArn, name: x.name, status: x.status, startDate: new Date(x.startDate),
    stopDate: x.stopDate === undefined ? undefined : new Date(x.stopDate), input: x.input, inputDetails: { included: true },
    output: x.output, outputDetails: x.output === undefined ? undefined : { included: true }, error: x.error, cause: x.cause,
    // Redrive fields as AWS answers them (LocalStack snapshot test_describe_execution: redriveCount 0, NOT_REDRIVABLE,
    // "Execution is SUCCEEDED and cannot be redriven").
    ...redriveFields(x, env.clock.now()),
    ...(await sourceOf(env, x.arn)),
  };
}

/** The machine's LoggingConfiguration and TracingConfiguration as stored (OFF and disabled when never set). */
async function settingsOf(env: SfnEnv, machineArn: string) {
  const s = await env.store.getMachineSettings(machineArn);
  return {
    loggingConfiguration: s?.logging ? JSON.parse(s.logging) : { level: "OFF", includeExecutionData: false },
    tracingConfiguration: s?.tracing ? JSON.parse(s.tracing) : { enabled: false },
  };
}

/** stateMachineVersionArn / stateMachineAliasArn of an execution started through them (DescribeExecution API reference). */
async function sourceOf(env: SfnEnv, arn: string) {
  const src = await env.store.getExecutionSource(arn);
  const out: Record<string, string> = {};
  if (src?.versionArn) out.stateMachineVersionArn = src.versionArn;
  if (src?.aliasArn) out.stateMachineAliasArn = src.aliasArn;
  return out;
}

export async function listExecutions(env: SfnEnv, ctx: RequestContext, input: In) {
  // Either a state machine or a map run, not both (ListExecutions API reference).
  if (input.mapRunArn !== undefined && input.stateMachineArn !== undefined) throw validation("Only one of StateMachine ARN or MapRun ARN can be provided");
  // redriveFilter: REDRIVEN or NOT_REDRIVEN (ListExecutions API reference, ExecutionRedriveFilter).
  const redriveFilter = input.redriveFilter as string | undefined;
  if (redriveFilter !== undefined && redriveFilter !== "REDRIVEN" && redriveFilter !== "NOT_REDRIVEN") {
    throw validation(`1 validation error detected: Value '${redriveFilter}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]`);
  }
  // Either a state machine or a map run must be named (ListExecutions API reference).
  if (input.stateMachineArn === undefined && input.mapRunArn === undefined) throw validation("Must provide a StateMachine ARN or MapRun ARN");
  // A map run's executions are those of the machine its children run.
  const m = input.mapRunArn !== undefined ? { arn: (await resolveMapRun(env, ctx, input.mapRunArn)).childMachineArn, type: "STANDARD" } : await resolveMachine(env, ctx, input.stateMachineArn);
  // EXPRESS executions are not kept: ListExecutions does not list them (StateMachineTypeNotSupported, API reference).
  if (m.type === "EXPRESS") throw sfnError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
  const status = input.statusFilter as string | undefined;
  if (status !== undefined && !STATUSES.has(status)) {
    throw validation(`1 validation error detected: Value '${status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${[...STATUSES].join(", ")}]`);
  }
  checkTokenLength(input.nextToken, 3096);
  const limit = pageSize(input.maxResults);
  const token = decodeToken(input.nextToken);
  if (input.nextToken !== undefined && token === undefined) throw invalidToken(String(input.nextToken));
  let after: { startDate: number; arn: string } | undefined;
  if (token !== undefined) {
    const i = token.indexOf(" ");
    after = { startDate: Number(token.slice(0, i)), arn: token.slice(i + 1) };
    if (i < 0 || !Number.isFinite(after.startDate)) throw invalidToken(String(input.nextToken));
  }
  const rows = await env.store.listExecutions(m.arn, status as ExecutionStatus | undefined, after, limit + 1, redriveFilter === undefined ? undefined : redriveFilter === "REDRIVEN");
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    executions: page.map((x) => ({
      executionArn: x.arn, stateMachineArn: x.machineArn, name: x.name, status: x.status, startDate: new Date(x.startDate),
      stopDate: x.stopDate === undefined ? undefined : new Date(x.stopDate),
      // Items carry redriveCount (recorded on AWS: LocalStack snapshot test_list_executions_pagination).
      redriveCount: x.redriveCount ?? 0, redriveDate: x.redriveDate === undefined ? undefined : new Date(x.redriveDate),
    })),
    nextToken: rows.length > limit ? encodeToken(`${last.startDate} ${last.arn}`) : undefined,
  };
}

export async function stopExecution(env: SfnEnv, ctx: RequestContext, input: In) {
  const x = await resolveExecution(env, ctx, input.executionArn);
  if (x.status !== "RUNNING") {
    // Stopping an execution that has already ended changes nothing; its stop date is answered.
    return { stopDate: new Date(x.stopDate ?? env.clock.now()) };
  }
  // ExecutionAborted names no previous event (LocalStack snapshot test_stop_execution: "previousEventId": 0); a .sync
  // parent's task is completed and a distributed Map's children are stopped too (jobs/runner.ts abortExecution).
  const now = env.clock.now();
  const done = await abortExecution(env.store, x.arn, now, input.error === undefined ? undefined : String(input.error), input.cause === undefined ? undefined : String(input.cause), env.metrics);
  if (x.parentToken) env.wake();
  return { stopDate: new Date(done?.stopDate ?? now) };
}

export async function getExecutionHistory(env: SfnEnv, ctx: RequestContext, input: In) {
  const x = await resolveExecution(env, ctx, input.executionArn);
  checkTokenLength(input.nextToken, 1024);
  const limit = pageSize(input.maxResults);
  const reverse = input.reverseOrder === true;
  const withData = input.includeExecutionData !== false;
  const token = decodeToken(input.nextToken);
  const start = token === undefined ? 0 : Number(token);
  if (input.nextToken !== undefined && (token === undefined || !Number.isInteger(start) || start < 0)) throw invalidToken(String(input.nextToken));
  let events = await env.store.history(x.arn);
  if (reverse) events = events.reverse();
  const page = events.slice(start, start + limit);
  return {
    events: page.map((e) => {
      const out: Record<string, unknown> = { timestamp: new Date(e.timestamp), type: e.type, id: e.id, previousEventId: e.previousEventId };
      if (e.detailsKey) {
        const d = { ...e.details };
        // includeExecutionData false leaves input and output out of the events (GetExecutionHistory API reference).
        if (!withData) for (const k of ["input", "output", "inputDetails", "outputDetails", "parameters", "assignedVariables", "assignedVariablesDetails"]) delete d[k];
        out[e.detailsKey] = d;
      }
      return out;
    }),
    nextToken: start + limit < events.length ? encodeToken(String(start + limit)) : undefined,
  };
}

/** The machine as the execution runs it: the definition and role it started with (kept even if the machine was deleted since). */
export async function describeStateMachineForExecution(env: SfnEnv, ctx: RequestContext, input: In) {
  const x = await resolveExecution(env, ctx, input.executionArn);
  if (input.includedData !== undefined && input.includedData !== "ALL_DATA") throw validation("includedData METADATA_ONLY is not supported by this Mailroom version yet.");
  // Members as recorded on AWS (LocalStack snapshot test_describe_state_machine_for_execution); updateDate is the
  // creation date of a machine never updated (API reference, updateDate), else the update the execution started on.
  return {
    stateMachineArn: x.machineArn, name: parseMachineArn(x.machineArn)!.name, definition: x.definition, roleArn: x.roleArn,
    updateDate: new Date(x.machineUpdatedAt), revisionId: x.machineRevisionId, ...(await settingsOf(env, x.machineArn)),
  };
}

/** Executions may be redriven within 14 days of their end, at most 1,000 times (developer guide, "Redriving executions"). */
const REDRIVE_PERIOD_MS = 14 * 86_400_000;
const MAX_REDRIVES = 1000;

/** Why an execution cannot be redriven now (the redriveStatusReason wordings the API reference lists), or undefined. */
function notRedrivable(x: ExecutionRecord, now: number): string | undefined {
  if (x.status === "RUNNING" || x.status === "SUCCEEDED") return `Execution is ${x.status} and cannot be redriven`;
  if (x.lastEventId >= 25_000) return "Execution history event limit exceeded";
  if (x.stopDate !== undefined && now - x.stopDate > REDRIVE_PERIOD_MS) return "Execution redrivable period exceeded";
  if ((x.redriveCount ?? 0) >= MAX_REDRIVES) return "Execution has been redriven the maximum number of times";
  return undefined;
}

function redriveFields(x: ExecutionRecord, now: number) {
  const why = notRedrivable(x, now);
  return {
    redriveCount: x.redriveCount ?? 0, redriveDate: x.redriveDate === undefined ? undefined : new Date(x.redriveDate),
    redriveStatus: why ? "NOT_REDRIVABLE" : "REDRIVABLE", redriveStatusReason: why,
  };
}

/**
 * RedriveExecution: a FAILED, ABORTED or TIMED_OUT execution continues from the step that did not succeed, on the
 * definition it started with (ExecutionRedriven event, redriveCount + 1). A repeated request with the same
 * clientToken while the redrive runs answers that redrive (API reference, clientToken: idempotency).
 */
export async function redriveExecution(env: SfnEnv, ctx: RequestContext, input: In) {
  if (typeof input.clientToken === "string" && (input.clientToken.length < 1 || input.clientToken.length > 64)) {
    throw validation("1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 64");
  }
  for (;;) {
    const x = await resolveExecution(env, ctx, input.executionArn);
    const now = env.clock.now();
    if (x.status === "RUNNING" && input.clientToken !== undefined && x.redriveDate !== undefined) return { redriveDate: new Date(x.redriveDate) };
    const why = notRedrivable(x, now);
    if (why) throw sfnError("ExecutionNotRedrivable", `Execution Not Redrivable: '${why}'`);
    const count = (x.redriveCount ?? 0) + 1;
    const event: HistoryEventRecord = {
      id: x.lastEventId + 1, previousEventId: x.lastEventId, timestamp: now, type: "ExecutionRedriven", detailsKey: "executionRedrivenEventDetails", details: { redriveCount: count },
    };
    const position = { ...redrivePosition(x.position, now), dueAt: now };
    const ok = await env.store.advance(x.arn, x.version, { status: "RUNNING", position, lastEventId: x.lastEventId + 1, redrive: { count, date: now, mapRuns: mapRunsOf(position) } }, [event]);
    if (ok) {
      env.wake();
      return { redriveDate: new Date(now) };
    }
  }
}

/** arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id> (developer guide, distributed Map). */
function parseMapRunArn(arn: string): { region: string; account: string } | undefined {
  const p = arn.split(":");
  if (p.length !== 8 || p[0] !== "arn" || p[2] !== "states" || p[5] !== "mapRun" || !/^\d{12}$/.test(p[4]) || !p[6].includes("/") || p[7] === "") return undefined;
  return { region: p[3], account: p[4] };
}

async function resolveMapRun(env: SfnEnv, ctx: RequestContext, arn: unknown): Promise<MapRunRecord> {
  const s = String(arn);
  const p = parseMapRunArn(s);
  if (!p) throw invalidArn(s);
  const run = p.account === ctx.accountId && p.region === ctx.region ? await env.store.getMapRun(s) : undefined;
  if (!run) throw sfnError("ResourceNotFound", `Resource not found: '${s}'`);
  return run;
}

/** DescribeMapRun: the run, and its items' and child executions' counts by status (one child per item or batch). */
export async function describeMapRun(env: SfnEnv, ctx: RequestContext, input: In) {
  const run = await resolveMapRun(env, ctx, input.mapRunArn);
  const c = await env.store.statusCounts(run.childMachineArn);
  const started = Object.values(c).reduce((a, b) => a + (b ?? 0), 0);
  const counts = {
    pending: Math.max(0, run.total - started), running: c.RUNNING ?? 0, succeeded: c.SUCCEEDED ?? 0, failed: c.FAILED ?? 0, timedOut: c.TIMED_OUT ?? 0,
    aborted: c.ABORTED ?? 0, total: run.total, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0,
  };
  return {
    mapRunArn: run.arn, executionArn: run.executionArn, status: run.status, startDate: new Date(run.startDate),
    stopDate: run.stopDate === undefined ? undefined : new Date(run.stopDate), maxConcurrency: run.maxConcurrency,
    toleratedFailurePercentage: run.toleratedFailurePercentage, toleratedFailureCount: run.toleratedFailureCount,
    itemCounts: counts, executionCounts: counts, redriveCount: 0,
  };
}

/** ListMapRuns: an execution's distributed Map runs. */
export async function listMapRuns(env: SfnEnv, ctx: RequestContext, input: In) {
  const x = await resolveExecution(env, ctx, input.executionArn);
  checkTokenLength(input.nextToken, 1024);
  const limit = pageSize(input.maxResults);
  const after = decodeToken(input.nextToken);
  if (after === undefined && input.nextToken !== undefined) throw invalidToken(String(input.nextToken));
  const rows = await env.store.listMapRuns(x.arn, after ?? "", limit + 1);
  const page = rows.slice(0, limit);
  return {
    mapRuns: page.map((r) => ({
      executionArn: r.executionArn, mapRunArn: r.arn, stateMachineArn: x.machineArn, startDate: new Date(r.startDate),
      stopDate: r.stopDate === undefined ? undefined : new Date(r.stopDate),
    })),
    nextToken: rows.length > limit ? encodeToken(page[page.length - 1].arn) : undefined,
  };
}

/**
 * UpdateMapRun: a running map run's MaxConcurrency and tolerated failures (API reference); the Map takes them from
 * its next step (the execution is made due now). A run that has ended changes nothing.
 */
export async function updateMapRun(env: SfnEnv, ctx: RequestContext, input: In) {
  const run = await resolveMapRun(env, ctx, input.mapRunArn);
  const u = {
    maxConcurrency: input.maxConcurrency === undefined ? undefined : Number(input.maxConcurrency),
    toleratedFailureCount: input.toleratedFailureCount === undefined ? undefined : Number(input.toleratedFailureCount),
    toleratedFailurePercentage: input.toleratedFailurePercentage === undefined ? undefined : Number(input.toleratedFailurePercentage),
  };
  // maxConcurrency 0 or more, toleratedFailureCount 0 or more, toleratedFailurePercentage 0–100 (API reference).
  if (u.maxConcurrency === undefined && u.toleratedFailureCount === undefined && u.toleratedFailurePercentage === undefined) {
    throw validation("At least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage must be specified");
  }
  if (u.maxConcurrency !== undefined && !(Number.isInteger(u.maxConcurrency) && u.maxConcurrency >= 0)) throw validation("1 validation error detected: Value at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0");
  if (u.toleratedFailureCount !== undefined && !(Number.isInteger(u.toleratedFailureCount) && u.toleratedFailureCount >= 0)) throw validation("1 validation error detected: Value at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0");
  if (u.toleratedFailurePercentage !== undefined && !(u.toleratedFailurePercentage >= 0 && u.toleratedFailurePercentage <= 100)) throw validation("1 validation error detected: Value at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100");
  for (let attempt = 0; attempt < 100; attempt++) {
    const x = await env.store.getExecution(run.executionArn);
    if (!x || x.status !== "RUNNING") return {};
    const position = structuredClone(x.position) as Thread;
    const now = env.clock.now();
    if (!updateMapRunLimits(position, run.arn, u, now)) return {};
    const ok = await env.store.advance(x.arn, x.version, { status: "RUNNING", position: { ...position, dueAt: now }, lastEventId: x.lastEventId, updateMapRun: { arn: run.arn, ...u } }, []);
    if (ok) {
      env.wake();
      return {};
    }
  }
  return {};
}
