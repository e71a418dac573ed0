// Tags of registries, schemas and discoverers (TagResource, UntagResource, ListTagsForResource), and the checks
// every operation taking Tags or a Description shares.
import type { RequestContext } from "../../types.ts";
import { scopeOf, type SchemasEnv } from "../env.ts";
import { badRequest, notFound } from "../errors.ts";
import { BUILT_IN, parseArn } from "../domain/names.ts";
import { checkTags } from "../domain/checks.ts";

type Input = Record<string, unknown>;

async function current(env: SchemasEnv, ctx: RequestContext, arn: string) {
  const p = parseArn(arn);
  const scope = scopeOf(ctx);
  const missing = () => notFound(`Resource '${arn}' does not exist.`);
  if (!p || p.account !== scope.account || p.region !== scope.region) {
    if (!p) throw badRequest(`Invalid ResourceArn '${arn.slice(0, 200)}'.`);
    throw missing();
  }
  if (p.kind === "registry") {
    if (BUILT_IN.has(p.registry)) throw badRequest(`Registry '${p.registry}' is managed by AWS and cannot be tagged.`);
    const r = await env.store.getRegistry(scope, p.registry);
    if (!r) throw missing();
    return { tags: r.tags, save: (t: Record<string, string>) => env.store.setRegistryTags(scope, p.registry, t) };
  }
  if (p.kind === "schema") {
    const key = { ...scope, registry: p.registry, name: p.name };
    const s = await env.store.getSchema(key);
    if (!s) throw missing();
    return { tags: s.tags, save: (t: Record<string, string>) => env.store.setSchemaTags(key, t) };
  }
  const d = await env.store.getDiscoverer(scope, p.id);
  if (!d) throw missing();
  return { tags: d.tags, save: async (t: Record<string, string>) => (await env.store.updateDiscoverer(scope, p.id, { tags: t })) !== undefined };
}

export async function tagResource(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const add = checkTags(input.Tags);
  const r = await current(env, ctx, String(input.ResourceArn));
  const merged = checkTags({ ...r.tags, ...add });
  if (!(await r.save(merged))) throw notFound(`Resource '${String(input.ResourceArn)}' does not exist.`);
  return {};
}

export async function untagResource(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const keys = (input.TagKeys as string[] | undefined) ?? [];
  const r = await current(env, ctx, String(input.ResourceArn));
  const left = { ...r.tags };
  for (const k of keys) delete left[k];
  if (!(await r.save(left))) throw notFound(`Resource '${String(input.ResourceArn)}' does not exist.`);
  return {};
}

export async function listTagsForResource(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const r = await current(env, ctx, String(input.ResourceArn));
  return { Tags: r.tags };
}
