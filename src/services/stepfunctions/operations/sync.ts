// StartSyncExecution (EXPRESS machines, answered when the execution ends), and what StartExecution shares with it:
// the ARN a start names (a machine, a version, an alias, and a mock-config test case after '#'), and EXPRESS runs.
// StartSyncExecution is modelled with the host prefix "sync-"; Mailroom does not route by Host, so requests arrive
// the same with the prefix (clients that keep it) and without (disableHostPrefix / inject_host_prefix=False).
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { validName } from "../domain/arns.ts";
import type { Definition } from "../domain/definition.ts";
import { hasTestCase, splitTestCase } from "../domain/mock-config.ts";
import type { SfnEnv } from "../env.ts";
import { invalidInput, invalidName, sfnError, validation } from "../errors.ts";
import type { StateMachineRecord } from "../store.ts";
import { MAX_RUNNING_EXPRESS } from "../jobs/express.ts";
import { parseAliasArn, pickVersion, resolveAlias } from "./aliases.ts";
import { resolveMachine } from "./state-machines.ts";
import { parseVersionArn, resolveVersion } from "./versions.ts";

type In = Record<string, unknown>;

export interface StartTarget {
  /** The machine as the execution runs it (a version's definition and role when started through one). */
  machine: StateMachineRecord;
  versionArn?: string;
  aliasArn?: string;
  testCase?: string;
}

/**
 * Machines read for StartSyncExecution, kept up to 1 s (this node's own updates and deletes drop them at once):
 * "executions started immediately after calling UpdateStateMachine might use the previous state machine definition
 * and roleArn" (UpdateStateMachine API reference). STANDARD starts always read the store.
 */
const MACHINE_TTL_MS = 1000;
const machineCache = new WeakMap<SfnEnv, Map<string, { m: StateMachineRecord; at: number }>>();

export function forgetMachine(env: SfnEnv, arn: string): void {
  machineCache.get(env)?.delete(arn);
}

async function cachedMachine(env: SfnEnv, ctx: RequestContext, arn: string): Promise<StateMachineRecord> {
  let cache = machineCache.get(env);
  if (!cache) machineCache.set(env, (cache = new Map()));
  const now = env.clock.now();
  const hit = cache.get(arn);
  if (hit && now - hit.at < MACHINE_TTL_MS && hit.m.account === ctx.accountId && hit.m.region === ctx.region) return hit.m;
  const m = await resolveMachine(env, ctx, arn);
  if (cache.size >= 1024) cache.clear();
  cache.set(arn, { m, at: now });
  return m;
}

/** The machine, version or alias a StartExecution/StartSyncExecution names. */
export async function resolveStartTarget(env: SfnEnv, ctx: RequestContext, arnIn: unknown, cached = false): Promise<StartTarget> {
  const { arn, testCase } = splitTestCase(String(arnIn));
  let target: StartTarget;
  if (parseVersionArn(arn)) {
    const v = await resolveVersion(env, ctx, arn);
    const m = await resolveMachine(env, ctx, v.machineArn);
    target = { machine: { ...m, definition: v.definition, roleArn: v.roleArn, type: v.type, revisionId: v.revisionId }, versionArn: v.arn };
  } else if (parseAliasArn(arn)) {
    const a = await resolveAlias(env, ctx, arn);
    const v = await resolveVersion(env, ctx, pickVersion(a));
    const m = await resolveMachine(env, ctx, a.machineArn);
    target = { machine: { ...m, definition: v.definition, roleArn: v.roleArn, type: v.type, revisionId: v.revisionId }, versionArn: v.arn, aliasArn: a.arn };
  } else {
    target = { machine: cached ? await cachedMachine(env, ctx, arn) : await resolveMachine(env, ctx, arn) };
  }
  if (testCase !== undefined) {
    // Step Functions Local answers an unknown test case with a validation error naming it.
    if (!env.mock || !hasTestCase(env.mock, target.machine.name, testCase)) throw validation(`Test case ${testCase} not found for state machine ${target.machine.name} in the mock config.`);
    target.testCase = testCase;
  }
  return target;
}

/** Input text checked as StartExecution checks it (at most 256 KiB, JSON). */
export function checkInput(input: In, parseProblem: (text: string, e: unknown) => string): string {
  const text = input.input === undefined ? "{}" : String(input.input);
  if (text.length > 262_144) throw validation("1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144");
  try {
    JSON.parse(text);
  } catch (e) {
    throw invalidInput(parseProblem(text, e));
  }
  return text;
}

/** arn:aws:states:<region>:<account>:express:<machine>:<execution>:<id> (EXPRESS executions' ARNs). */
const expressArn = (m: StateMachineRecord, name: string) => `arn:aws:states:${m.region}:${m.account}:express:${m.name}:${name}:${randomUUID()}`;

/** Parsed definitions by their text (EXPRESS starts parse nothing twice); a small bounded cache. */
const parsed = new Map<string, Definition>();
function definitionOf(text: string): Definition {
  let d = parsed.get(text);
  if (!d) {
    d = JSON.parse(text) as Definition;
    if (parsed.size >= 256) parsed.delete(parsed.keys().next().value!);
    parsed.set(text, d);
  }
  return d;
}

/** Starts an EXPRESS execution in memory; the promise settles when it ends. */
export function runExpress(env: SfnEnv, t: StartTarget, name: string, text: string) {
  if (!env.express) throw sfnError("StateMachineTypeNotSupported", "EXPRESS state machines are not available");
  // Too many EXPRESS executions at once: throttled as AWS throttles its APIs ("Rate exceeded").
  if (env.express.running() >= MAX_RUNNING_EXPRESS) throw sfnError("ThrottlingException", "Rate exceeded");
  const m = t.machine;
  const arn = expressArn(m, name);
  const startDate = env.clock.now();
  if (t.testCase !== undefined) env.tasks?.useTestCase(arn, m.name, t.testCase);
  const def = definitionOf(m.definition);
  const done = env.express.run(def, { arn, name, input: text, roleArn: m.roleArn, startDate, machineArn: m.arn, machineName: m.name }, m.region, m.account);
  const metrics = env.metrics;
  if (metrics) {
    metrics.startedOne(m.arn);
    done.then((r) => metrics.ended(m.arn, r.status, r.stopDate - startDate), () => metrics.ended(m.arn, "FAILED", env.clock.now() - startDate));
  }
  return { arn, startDate, done };
}

const defaultProblem = (_t: string, e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Runs an EXPRESS execution to its end and answers its outcome (StartSyncExecution API reference); a STANDARD
 * machine answers StateMachineTypeNotSupported. A failed execution is still a 200 with status FAILED.
 */
export async function startSyncExecution(env: SfnEnv, ctx: RequestContext, input: In) {
  const t = await resolveStartTarget(env, ctx, input.stateMachineArn, true);
  if (t.machine.type !== "EXPRESS") throw sfnError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
  const name = input.name === undefined ? randomUUID() : String(input.name);
  if (!validName(name)) throw invalidName(name);
  const text = checkInput(input, defaultProblem);
  const { arn, startDate, done } = runExpress(env, t, name, text);
  const r = await done;
  const out: Record<string, unknown> = {
    executionArn: arn, stateMachineArn: t.versionArn ?? t.machine.arn, name, startDate: new Date(startDate), stopDate: new Date(r.stopDate), status: r.status,
    input: text, inputDetails: { included: true },
    // Billing as AWS reports it for Express: duration rounded up to 100 ms, memory 64 MB (Step Functions pricing, Express Workflows).
    billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((r.stopDate - startDate) / 100) * 100) },
  };
  if (r.output !== undefined) {
    out.output = r.output;
    out.outputDetails = { included: true };
  }
  if (r.error !== undefined) out.error = r.error;
  if (r.cause !== undefined) out.cause = r.cause;
  return out;
}
