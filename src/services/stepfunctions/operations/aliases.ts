// CreateStateMachineAlias, DescribeStateMachineAlias, ListStateMachineAliases, UpdateStateMachineAlias,
// DeleteStateMachineAlias. An alias routes executions to one or two versions of its machine by weight (API reference,
// CreateStateMachineAlias: routingConfiguration of 1–2 RoutingConfigurationListItem whose weights add up to 100).
import { randomInt } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { decodeToken, encodeToken, type SfnEnv } from "../env.ts";
import { invalidArn, invalidName, invalidToken, sfnError, validation } from "../errors.ts";
import type { AliasRecord, RoutingEntry } from "../store.ts";
import { pageSize, resolveMachine } from "./state-machines.ts";
import { checkDescription, parseVersionArn } from "./versions.ts";

type In = Record<string, unknown>;

/** Aliases per state machine (Step Functions quotas, "Maximum number of aliases per state machine": 100). */
const MAX_ALIASES = 100;

/** arn:…:stateMachine:<name>:<alias> (the alias name holds a non-digit, so it is never a version number). */
export function parseAliasArn(arn: string): { machineArn: string; alias: string } | undefined {
  const m = /^(arn:[\w-]+:states:[^:]+:\d{12}:stateMachine:[^:]+):([A-Za-z0-9_.-]+)$/.exec(arn);
  return m && !/^\d+$/.test(m[2]) ? { machineArn: m[1], alias: m[2] } : undefined;
}

/** Alias names: 1–80 characters of letters, digits, '-', '_' and '.', not only digits (CreateStateMachineAlias API reference, `name`). */
const validAliasName = (n: string) => n.length >= 1 && n.length <= 80 && /^(?=.*[a-zA-Z_.-])[a-zA-Z0-9_.-]+$/.test(n);

const notFound = (arn: string) => sfnError("ResourceNotFound", `Resource not found: '${arn}'`);

/** 1 or 2 versions of the machine, each at most once, weights 0–100 adding up to 100 (RoutingConfigurationListItem). */
function checkRoutingLength(v: unknown): void {
  if (!Array.isArray(v) || v.length < 1 || v.length > 2) {
    throw validation(`1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2 and greater than or equal to 1`);
  }
}

function readRouting(v: unknown, machineArn: string): RoutingEntry[] {
  checkRoutingLength(v);
  const entries = (v as Record<string, unknown>[]).map((e: Record<string, unknown>) => ({ stateMachineVersionArn: String(e.stateMachineVersionArn), weight: Number(e.weight) }));
  for (const e of entries) {
    const p = parseVersionArn(e.stateMachineVersionArn);
    if (!p) throw invalidArn(e.stateMachineVersionArn);
    if (p.machineArn !== machineArn) throw validation(`Routing configuration must contain state machine version ARNs of the state machine '${machineArn}'`);
    if (!Number.isInteger(e.weight) || e.weight < 0 || e.weight > 100) {
      throw validation(`1 validation error detected: Value '${e.weight}' at 'routingConfiguration.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100`);
    }
  }
  if (entries.length === 2 && entries[0].stateMachineVersionArn === entries[1].stateMachineVersionArn) throw validation("Routing configuration must contain distinct state machine version ARNs");
  if (entries.reduce((s, e) => s + e.weight, 0) !== 100) throw validation("Sum of routing configuration weights must be equal to 100");
  return entries;
}

const sameRouting = (a: RoutingEntry[], b: RoutingEntry[]) => JSON.stringify(a) === JSON.stringify(b);

export async function createStateMachineAlias(env: SfnEnv, ctx: RequestContext, input: In) {
  const name = String(input.name);
  if (!validAliasName(name)) throw invalidName(name);
  const description = checkDescription(input.description);
  checkRoutingLength(input.routingConfiguration);
  const first = (input.routingConfiguration as Record<string, unknown>[])[0];
  const versionArn = String(first?.stateMachineVersionArn ?? "");
  const pv = parseVersionArn(versionArn);
  if (!pv) throw invalidArn(versionArn);
  const m = await resolveMachine(env, ctx, pv.machineArn);
  const routing = readRouting(input.routingConfiguration, m.arn);
  const now = env.clock.now();
  const alias: AliasRecord = { arn: `${m.arn}:${name}`, machineArn: m.arn, name, description, routing, createdAt: now, updatedAt: now };
  const r = await env.store.createAlias(alias, MAX_ALIASES);
  if (r === "missing-version") throw sfnError("ResourceNotFound", `Resource not found: one of the routed versions of '${m.arn}' does not exist`);
  if (r === "limit") throw sfnError("ServiceQuotaExceededException", `The maximum number of aliases (${MAX_ALIASES}) for state machine '${m.arn}' has been reached.`);
  // The same name with the same settings answers the existing alias; other settings are a ConflictException (API reference: idempotent).
  if (!r.created && (r.alias.description !== description || !sameRouting(r.alias.routing, routing))) {
    throw sfnError("ConflictException", `Failed to create alias because an alias with the same name and a different routing configuration already exists: '${alias.arn}'`);
  }
  return { stateMachineAliasArn: r.alias.arn, creationDate: new Date(r.alias.createdAt) };
}

async function resolveAlias(env: SfnEnv, ctx: RequestContext, arnIn: unknown): Promise<AliasRecord> {
  const arn = String(arnIn);
  if (!parseAliasArn(arn)) throw invalidArn(arn);
  const [, , , region, account] = arn.split(":");
  const a = region === ctx.region && account === ctx.accountId ? await env.store.getAlias(arn) : undefined;
  if (!a) throw notFound(arn);
  return a;
}

export async function describeStateMachineAlias(env: SfnEnv, ctx: RequestContext, input: In) {
  const a = await resolveAlias(env, ctx, input.stateMachineAliasArn);
  return {
    stateMachineAliasArn: a.arn, name: a.name, description: a.description, routingConfiguration: a.routing,
    creationDate: new Date(a.createdAt), updateDate: new Date(a.updatedAt),
  };
}

export async function listStateMachineAliases(env: SfnEnv, ctx: RequestContext, input: In) {
  const m = await resolveMachine(env, ctx, input.stateMachineArn);
  const limit = pageSize(input.maxResults);
  const after = decodeToken(input.nextToken);
  if (input.nextToken !== undefined && after === undefined) throw invalidToken(String(input.nextToken));
  const rows = await env.store.listAliases(m.arn, after ?? "", limit + 1);
  const page = rows.slice(0, limit);
  return {
    stateMachineAliases: page.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: new Date(a.createdAt) })),
    nextToken: rows.length > limit ? encodeToken(page[page.length - 1].arn) : undefined,
  };
}

export async function updateStateMachineAlias(env: SfnEnv, ctx: RequestContext, input: In) {
  const a = await resolveAlias(env, ctx, input.stateMachineAliasArn);
  // Something must change (UpdateStateMachineAlias API reference: description or routingConfiguration).
  if (input.description === undefined && input.routingConfiguration === undefined) {
    throw validation("Either the description or the RoutingConfiguration must be specified");
  }
  const description = checkDescription(input.description);
  const routing = input.routingConfiguration === undefined ? undefined : readRouting(input.routingConfiguration, a.machineArn);
  const now = env.clock.now();
  const r = await env.store.updateAlias(a.arn, { description, routing, updatedAt: now });
  if (r === false) throw notFound(a.arn);
  if (r === "missing-version") throw sfnError("ResourceNotFound", `Resource not found: one of the routed versions of '${a.machineArn}' does not exist`);
  return { updateDate: new Date(now) };
}

export async function deleteStateMachineAlias(env: SfnEnv, ctx: RequestContext, input: In) {
  const a = await resolveAlias(env, ctx, input.stateMachineAliasArn);
  await env.store.deleteAlias(a.arn);
  return {};
}

/** The version an execution started on the alias runs: one of its routes, drawn by weight. */
export function pickVersion(a: AliasRecord, draw: number = randomInt(100)): string {
  let acc = 0;
  for (const r of a.routing) {
    acc += r.weight;
    if (draw < acc) return r.stateMachineVersionArn;
  }
  return a.routing[a.routing.length - 1].stateMachineVersionArn;
}

export { resolveAlias };
