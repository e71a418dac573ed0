// Registries: CreateRegistry, DescribeRegistry, UpdateRegistry, DeleteRegistry, ListRegistries. Every account also has
// the AWS-managed aws.events and discovered-schemas registries (user guide, "Schema registries"), which callers
// cannot create, change or delete.
import type { RequestContext } from "../../types.ts";
import { decodeToken, encodeToken, limitOf, scopeOf, type SchemasEnv } from "../env.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import { AWS_EVENTS_REGISTRY, BUILT_IN, checkRegistryName, DISCOVERED_REGISTRY, registryArn } from "../domain/names.ts";
import type { RegistryRecord, Scope } from "../store.ts";
import { checkDescription, checkTags } from "../domain/checks.ts";

type Input = Record<string, unknown>;

const BUILT_IN_DESCRIPTIONS: Record<string, string> = {
  [AWS_EVENTS_REGISTRY]: "Schemas for AWS services that publish events to EventBridge",
  [DISCOVERED_REGISTRY]: "Schemas discovered from events on event buses with schema discovery started",
};

function builtinRecord(scope: Scope, name: string): RegistryRecord {
  return { ...scope, name, description: BUILT_IN_DESCRIPTIONS[name], tags: {} };
}

const out = (r: RegistryRecord) => ({ Description: r.description, RegistryArn: registryArn(r, r.name), RegistryName: r.name, Tags: r.tags });

export const registryNotFound = (name: string) => notFound(`Registry with name '${name}' does not exist.`);

/** The registry, built-in or the caller's, or NotFoundException. */
export async function findRegistry(env: SchemasEnv, scope: Scope, name: string): Promise<RegistryRecord> {
  if (BUILT_IN.has(name)) return builtinRecord(scope, name);
  const r = await env.store.getRegistry(scope, name);
  if (!r) throw registryNotFound(name);
  return r;
}

function refuseBuiltIn(name: string): void {
  // AWS-managed registries are read-only to callers (user guide, "Schema registries").
  if (BUILT_IN.has(name)) throw forbidden(`Registry '${name}' is managed by AWS and cannot be modified.`);
}

export async function createRegistry(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const name = String(input.RegistryName);
  checkRegistryName(name);
  checkDescription(input.Description);
  const tags = checkTags(input.Tags);
  if (BUILT_IN.has(name)) throw conflict(`Registry with name '${name}' already exists.`);
  const rec: RegistryRecord = { ...scopeOf(ctx), name, description: input.Description as string | undefined, tags };
  if (!(await env.store.createRegistry(rec))) throw conflict(`Registry with name '${name}' already exists.`);
  return out(rec);
}

export async function describeRegistry(env: SchemasEnv, ctx: RequestContext, input: Input) {
  return out(await findRegistry(env, scopeOf(ctx), String(input.RegistryName)));
}

export async function updateRegistry(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const name = String(input.RegistryName);
  checkDescription(input.Description);
  await findRegistry(env, scopeOf(ctx), name);
  refuseBuiltIn(name);
  const r = await env.store.updateRegistry(scopeOf(ctx), name, input.Description as string | undefined);
  if (!r) throw registryNotFound(name);
  return out(r);
}

export async function deleteRegistry(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const name = String(input.RegistryName);
  await findRegistry(env, scopeOf(ctx), name);
  refuseBuiltIn(name);
  if (!(await env.store.deleteRegistry(scopeOf(ctx), name))) throw registryNotFound(name);
  return {};
}

export async function listRegistries(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const limit = limitOf(input.Limit);
  const prefix = (input.RegistryNamePrefix as string | undefined) ?? "";
  const scope = input.Scope as string | undefined;
  // Scope: "LOCAL" (the account's registries) or "AWS" (AWS-managed ones) (API reference, ListRegistries).
  if (scope !== undefined && scope !== "LOCAL" && scope !== "AWS") throw badRequest("Scope must be LOCAL or AWS.");
  const after = decodeToken(input.NextToken);
  const s = scopeOf(ctx);
  const builtins = scope === "LOCAL" ? [] : [...BUILT_IN].filter((n) => n.startsWith(prefix) && n > after).map((n) => builtinRecord(s, n));
  const own = scope === "AWS" ? { items: [] as RegistryRecord[] } : await env.store.listRegistries(s, prefix, after, limit);
  const merged = [...builtins, ...own.items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items = merged.slice(0, limit);
  const more = merged.length > limit || own.next !== undefined;
  return {
    Registries: items.map((r) => ({ RegistryArn: registryArn(r, r.name), RegistryName: r.name, Tags: r.tags })),
    NextToken: more && items.length > 0 ? encodeToken(items[items.length - 1].name) : undefined,
  };
}
