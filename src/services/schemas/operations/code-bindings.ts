// Code bindings: PutCodeBinding starts generating a schema version's binding for a language (202, status
// CREATE_IN_PROGRESS; the job makes it CREATE_COMPLETE), DescribeCodeBinding reports it, GetCodeBindingSource
// downloads the zip (API reference, "Code binding source"; user guide, "Generating code bindings").
import type { RequestContext } from "../../types.ts";
import { GENERATED, LANGUAGES } from "../domain/codegen.ts";
import { scopeOf, type SchemasEnv } from "../env.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import type { CodeBindingRecord, SchemaKey } from "../store.ts";
import { findVersion, versionOf } from "./schemas.ts";

type Input = Record<string, unknown>;

function languageOf(v: unknown): string {
  const l = String(v);
  if (!(LANGUAGES as readonly string[]).includes(l)) throw badRequest(`Invalid language '${l.slice(0, 40)}': it must be one of ${LANGUAGES.join(", ")}.`);
  // Java8 and Go1 are AWS languages this version does not generate: refused, never accepted and left pending.
  if (!GENERATED.has(l)) throw badRequest(`Code bindings for ${l} are not supported by Mailroom yet; TypeScript3 and Python36 are.`);
  return l;
}

const out = (b: CodeBindingRecord) => ({
  CreationDate: new Date(b.createdAt), LastModified: new Date(b.lastModified), SchemaVersion: String(b.version), Status: b.status,
});

async function target(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key: SchemaKey = { ...scopeOf(ctx), registry: String(input.RegistryName), name: String(input.SchemaName) };
  const language = languageOf(input.Language);
  const { version } = await findVersion(env, key, versionOf(input.SchemaVersion));
  return { key, language, version: version.version };
}

export async function putCodeBinding(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const { key, language, version } = await target(env, ctx, input);
  const existing = await env.store.getCodeBinding(key, version, language);
  if (existing?.status === "CREATE_COMPLETE") {
    // A binding that exists is not made again (PutCodeBinding's ConflictException).
    throw conflict(`Code binding for schema '${key.name}' version '${version}' in language '${language}' already exists.`);
  }
  // In progress: the same answer again. Failed: generated anew.
  if (existing?.status === "CREATE_IN_PROGRESS") return out(existing);
  const now = env.clock.now();
  const rec: CodeBindingRecord = { ...key, version, language, status: "CREATE_IN_PROGRESS", createdAt: existing?.createdAt ?? now, lastModified: now };
  await env.store.putCodeBinding(rec);
  env.generateBinding?.({ ...key, version, language });
  return out(rec);
}

async function binding(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const { key, language, version } = await target(env, ctx, input);
  const b = await env.store.getCodeBinding(key, version, language);
  if (!b) throw notFound(`Code binding for schema '${key.name}' version '${version}' in language '${language}' does not exist.`);
  // A binding left in progress (its node stopped before generating it) is generated again here.
  if (b.status === "CREATE_IN_PROGRESS") env.generateBinding?.({ ...key, version, language });
  return b;
}

export async function describeCodeBinding(env: SchemasEnv, ctx: RequestContext, input: Input) {
  return out(await binding(env, ctx, input));
}

export async function getCodeBindingSource(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const b = await binding(env, ctx, input);
  if (b.status !== "CREATE_COMPLETE" || !b.source) throw notFound(`Code binding for schema '${b.name}' version '${b.version}' is not ready yet (status ${b.status}).`);
  return { Body: b.source };
}
