// Resource policies of registries (PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy): stored with a
// revision id; a put naming a RevisionId that is not the current one fails (PreconditionFailedException).
import { randomUUID } from "node:crypto";
import type { RequestContext } from "../../types.ts";
import { BUILT_IN } from "../domain/names.ts";
import { scopeOf, type SchemasEnv } from "../env.ts";
import { badRequest, forbidden, notFound, preconditionFailed } from "../errors.ts";
import { findRegistry } from "./registries.ts";

type Input = Record<string, unknown>;

/** The policy document text: the SDK sends the jsonvalue member as a JSON string (or, parsed, an object). */
function policyText(v: unknown): string {
  const text = typeof v === "string" ? v : JSON.stringify(v);
  if (text === undefined || text.length === 0) throw badRequest("Policy is required.");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw badRequest("Policy must be a JSON policy document.");
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw badRequest("Policy must be a JSON policy document.");
  const stmts = (doc as Record<string, unknown>).Statement;
  if (stmts === undefined || (typeof stmts !== "object")) throw badRequest("Policy must have a Statement.");
  return text;
}

async function registryOf(env: SchemasEnv, ctx: RequestContext, input: Input): Promise<string> {
  const name = input.RegistryName === undefined ? "" : String(input.RegistryName);
  if (name !== "") await findRegistry(env, scopeOf(ctx), name);
  return name;
}

export async function putResourcePolicy(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const text = policyText(input.Policy);
  // Policy documents: at most 10,240 characters, as EventBridge's bus policies (user guide, EventBridge quotas).
  if (text.length > 10_240) throw badRequest("Policy must be at most 10240 characters long.");
  const registry = await registryOf(env, ctx, input);
  if (BUILT_IN.has(registry)) throw forbidden(`Registry '${registry}' is managed by AWS and cannot be modified.`);
  const p = await env.store.putPolicy({ ...scopeOf(ctx), registry, policy: text }, input.RevisionId as string | undefined, randomUUID());
  if (!p) throw preconditionFailed("The RevisionId given is not the policy's current revision.");
  return { Policy: p.policy, RevisionId: p.revision };
}

export async function getResourcePolicy(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const registry = await registryOf(env, ctx, input);
  const p = await env.store.getPolicy(scopeOf(ctx), registry);
  if (!p) throw notFound("Resource policy does not exist.");
  return { Policy: p.policy, RevisionId: p.revision };
}

export async function deleteResourcePolicy(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const registry = await registryOf(env, ctx, input);
  if (!(await env.store.deletePolicy(scopeOf(ctx), registry))) throw notFound("Resource policy does not exist.");
  return {};
}
