// CreateStateMachine, DescribeStateMachine, ListStateMachines, DeleteStateMachine (STANDARD machines).
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { machineArn, parseMachineArn, validName } from "../domain/arns.ts";
import { checkDefinition as check, validateDefinition } from "../domain/definition.ts";
import { decodeToken, encodeToken, type SfnEnv } from "../env.ts";
import { invalidArn, invalidDefinition, invalidName, invalidToken, machineExists, machineNotFound, sfnError, validation } from "../errors.ts";
import type { StateMachineRecord } from "../store.ts";
import { mergeTags, readTags } from "./tags.ts";
import { checkDescription, describeVersion, parseVersionArn, publish } from "./publish.ts";

type In = Record<string, unknown>;

/** Definitions are at most 1 MiB (CreateStateMachine API reference, `definition`: "Length Constraints: Maximum length of 1048576"). */
const MAX_DEFINITION = 1_048_576;

/** The machine an ARN names, in the caller's account and region; InvalidArn or StateMachineDoesNotExist otherwise. */
export async function resolveMachine(env: SfnEnv, ctx: RequestContext, arn: unknown): Promise<StateMachineRecord> {
  const s = String(arn);
  const p = parseMachineArn(s);
  if (!p) throw invalidArn(s);
  const m = p.account === ctx.accountId && p.region === ctx.region ? await env.store.getStateMachine(s) : undefined;
  if (!m) throw machineNotFound(s);
  return m;
}

/** Parameters this version does not carry out are refused rather than stored and ignored. */
function refuseUnsupported(input: In) {
  const pending = (what: string) => validation(`${what} is not supported by this Mailroom version yet.`);
  if (input.encryptionConfiguration !== undefined) throw pending("encryptionConfiguration");
  // A version description needs publish (CreateStateMachine API reference, versionDescription: "only be set if publish is true").
  if (input.versionDescription !== undefined && input.publish !== true) throw validation("Version description can only be set when publish is true");
  checkDescription(input.versionDescription, "versionDescription");
}

/**
 * LoggingConfiguration as stored and returned: level ALL, ERROR, FATAL or OFF (default OFF), includeExecutionData,
 * at most one CloudWatch Logs destination, required for a level other than OFF (LoggingConfiguration in the API
 * reference; CreateStateMachine's InvalidLoggingConfiguration). Mailroom keeps it; it sends no logs anywhere.
 */
function readLogging(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const l = v as In;
  const level = (l.level as string | undefined) ?? "OFF";
  if (!["ALL", "ERROR", "FATAL", "OFF"].includes(level)) {
    throw validation(`1 validation error detected: Value '${level}' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]`);
  }
  const destinations = Array.isArray(l.destinations) ? (l.destinations as In[]) : [];
  if (destinations.length > 1) throw sfnError("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination.");
  if (level !== "OFF" && destinations.length === 0) throw sfnError("InvalidLoggingConfiguration", "Invalid Logging Configuration: Must specify exactly one Log Destination.");
  for (const d of destinations) {
    const arn = String((d.cloudWatchLogsLogGroup as In | undefined)?.logGroupArn ?? "");
    if (!/^arn:[\w-]+:logs:[^:]+:\d{12}:log-group:.+/.test(arn)) throw sfnError("InvalidLoggingConfiguration", `Invalid Logging Configuration: Log Destination not found: ${arn}`);
  }
  const out: In = { level, includeExecutionData: l.includeExecutionData === true };
  if (destinations.length > 0) out.destinations = destinations;
  return JSON.stringify(out);
}

function readTracing(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return JSON.stringify({ enabled: (v as In).enabled === true });
}

const DEFAULT_LOGGING = { level: "OFF", includeExecutionData: false };

export async function createStateMachine(env: SfnEnv, ctx: RequestContext, input: In) {
  const name = String(input.name);
  if (!validName(name)) throw invalidName(name);
  const type = (input.type as string | undefined) ?? "STANDARD";
  if (type !== "STANDARD" && type !== "EXPRESS") throw validation(`1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`);
  const roleArn = String(input.roleArn);
  checkRoleArn(roleArn);
  const definition = String(input.definition);
  checkDefinition(definition, type);
  refuseUnsupported(input);
  const logging = readLogging(input.loggingConfiguration);
  const tracing = readTracing(input.tracingConfiguration);
  const arn = machineArn(ctx.region, ctx.accountId, name);
  const tags = mergeTags([], readTags(input.tags), arn);
  const record: StateMachineRecord = { arn, account: ctx.accountId, region: ctx.region, name, definition, roleArn, type, createdAt: env.clock.now(), tags };
  const { machine, created } = await env.store.createStateMachine(record);
  // Idempotent for the same name, definition, type and role; otherwise StateMachineAlreadyExists (CreateStateMachine API reference).
  if (!created && (machine.definition !== definition || machine.roleArn !== roleArn || machine.type !== type)) throw machineExists(arn);
  if (created && (logging !== undefined || tracing !== undefined)) await env.store.setMachineSettings(arn, { logging, tracing });
  const version = input.publish === true ? await publish(env, machine, input.versionDescription as string | undefined) : undefined;
  return { stateMachineArn: arn, creationDate: new Date(machine.createdAt), stateMachineVersionArn: version?.arn };
}

export async function describeStateMachine(env: SfnEnv, ctx: RequestContext, input: In) {
  if (input.includedData !== undefined && input.includedData !== "ALL_DATA") throw validation("includedData METADATA_ONLY is not supported by this Mailroom version yet.");
  // A version ARN describes that version (DescribeStateMachine API reference: "a state machine version ARN").
  if (parseVersionArn(String(input.stateMachineArn))) return describeVersion(env, ctx, String(input.stateMachineArn));
  const m = await resolveMachine(env, ctx, input.stateMachineArn);
  const settings = await env.store.getMachineSettings(m.arn);
  return {
    stateMachineArn: m.arn, name: m.name, status: "ACTIVE", definition: m.definition, roleArn: m.roleArn, type: m.type,
    creationDate: new Date(m.createdAt), loggingConfiguration: settings?.logging ? JSON.parse(settings.logging) : DEFAULT_LOGGING,
    tracingConfiguration: settings?.tracing ? JSON.parse(settings.tracing) : { enabled: false },
    // Present once the machine has been updated (recorded on AWS: test_create_update_state_machine_base_definition).
    revisionId: m.revisionId,
  };
}

/** A role ARN names an IAM role: arn:<partition>:iam::<account>:role/<name> (CreateStateMachine API reference, roleArn). */
function checkRoleArn(roleArn: string): void {
  if (!/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(roleArn)) throw invalidArn(roleArn);
}

/** InvalidDefinition with every diagnostic, for a machine of `type` (EXPRESS machines take request-response tasks only). */
export function checkDefinition(definition: string, type = "STANDARD"): void {
  if (definition.length > MAX_DEFINITION) throw validation(`1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DEFINITION}`);
  const checked = validateDefinition(definition, type);
  if ("problems" in checked) throw invalidDefinition(checked.problems.join(", "));
}

/**
 * Replaces the definition and/or role. Executions already started keep the revision they started on. A change makes
 * a new revisionId; an update that changes nothing keeps the current one (recorded on AWS:
 * test_create_update_state_machine_same_parameters). Nothing to update is MissingRequiredParameter (recorded:
 * test_create_update_state_machine_base_update_none).
 */
export async function updateStateMachine(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveMachine(env, ctx, input.stateMachineArn);
  if (input.definition === undefined && input.roleArn === undefined && input.loggingConfiguration === undefined && input.tracingConfiguration === undefined) {
    throw sfnError("MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified");
  }
  const definition = input.definition === undefined ? m.definition : String(input.definition);
  const roleArn = input.roleArn === undefined ? m.roleArn : String(input.roleArn);
  if (input.roleArn !== undefined) checkRoleArn(roleArn);
  if (input.definition !== undefined) checkDefinition(definition, m.type);
  refuseUnsupported(input);
  const logging = readLogging(input.loggingConfiguration);
  const tracing = readTracing(input.tracingConfiguration);
  if (logging !== undefined || tracing !== undefined) {
    const old = await env.store.getMachineSettings(m.arn);
    await env.store.setMachineSettings(m.arn, { logging: logging ?? old?.logging, tracing: tracing ?? old?.tracing });
  }
  const publishNow = async (current: StateMachineRecord) =>
    input.publish === true ? (await publish(env, current, input.versionDescription as string | undefined)).arn : undefined;
  if (definition === m.definition && roleArn === m.roleArn) {
    return { updateDate: new Date(m.updatedAt ?? m.createdAt), revisionId: m.revisionId, stateMachineVersionArn: await publishNow(m) };
  }
  const revisionId = randomUUID();
  const updatedAt = env.clock.now();
  if (!(await env.store.updateStateMachine(m.arn, { definition, roleArn, revisionId, updatedAt }))) throw machineNotFound(m.arn);
  env.onMachineChanged?.(m.arn);
  return { updateDate: new Date(updatedAt), revisionId, stateMachineVersionArn: await publishNow({ ...m, definition, roleArn, revisionId, updatedAt }) };
}

/** maxResults 0–1000, 0 meaning the default of 100 (ListStateMachines API reference). */
export function pageSize(v: unknown): number {
  const n = v === undefined ? 0 : Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw validation(`1 validation error detected: Value '${String(v)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  return n === 0 ? 100 : n;
}

/**
 * nextToken is at most 1024 characters (PageToken), 3096 for ListExecutions: longer ones are a ValidationException
 * (LocalStack snapshots test_list_sms_pagination, test_list_executions_pagination).
 */
export function checkTokenLength(token: unknown, max: number): void {
  if (typeof token === "string" && token.length > max) {
    throw validation(`1 validation error detected: Value '${token}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
}

export async function listStateMachines(env: SfnEnv, ctx: RequestContext, input: In) {
  checkTokenLength(input.nextToken, 1024);
  const limit = pageSize(input.maxResults);
  const after = decodeToken(input.nextToken);
  if (after === undefined && input.nextToken !== undefined) throw invalidToken(String(input.nextToken));
  const rows = await env.store.listStateMachines(ctx.accountId, ctx.region, after ?? "", limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: new Date(m.createdAt) })),
    nextToken: rows.length > limit ? encodeToken(page[page.length - 1].arn) : undefined,
  };
}

export async function deleteStateMachine(env: SfnEnv, ctx: RequestContext, input: In) {
  const arn = String(input.stateMachineArn);
  const p = parseMachineArn(arn);
  if (!p) throw invalidArn(arn);
  // Deleting a machine that does not exist succeeds (DeleteStateMachine is idempotent). Its executions keep the
  // definition they started with and run to their end, as on AWS ("executions ... continue to run").
  if (p.account === ctx.accountId && p.region === ctx.region) {
    await env.store.deleteStateMachine(arn);
    env.onMachineChanged?.(arn);
    // Its versions and aliases go with it (DeleteStateMachine API reference).
    await env.store.deleteMachineExtras(arn);
  }
  return {};
}

/**
 * ValidateStateMachineDefinition: the diagnostics CreateStateMachine would report, as a list (API reference:
 * result OK or FAIL, diagnostics with severity, code, message and location; maxResults 0–100, default 100).
 */
export async function validateStateMachineDefinition(_env: SfnEnv, _ctx: RequestContext, input: In) {
  const definition = String(input.definition);
  if (definition.length > MAX_DEFINITION) throw validation(`1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to ${MAX_DEFINITION}`);
  if (input.type !== undefined && input.type !== "STANDARD" && input.type !== "EXPRESS") {
    throw validation(`1 validation error detected: Value '${String(input.type)}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`);
  }
  if (input.severity !== undefined && input.severity !== "ERROR" && input.severity !== "WARNING") {
    throw validation(`1 validation error detected: Value '${String(input.severity)}' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]`);
  }
  const max = input.maxResults === undefined || input.maxResults === 0 ? 100 : Number(input.maxResults);
  if (!Number.isInteger(max) || max < 0 || max > 100) throw validation(`1 validation error detected: Value '${String(input.maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100`);
  const { diagnostics } = check(definition, (input.type as string | undefined) ?? "STANDARD");
  return {
    result: diagnostics.length === 0 ? "OK" : "FAIL",
    diagnostics: diagnostics.slice(0, max).map((d) => ({ severity: "ERROR", code: d.code, message: d.message, location: d.location || undefined })),
    truncated: diagnostics.length > max,
  };
}
