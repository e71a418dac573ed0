// Schemas and their versions: CreateSchema, DescribeSchema, UpdateSchema, DeleteSchema, DeleteSchemaVersion,
// ListSchemas, ListSchemaVersions, SearchSchemas, ExportSchema, and GetDiscoveredSchema (inference from sample events).
// Content is checked on write against its Type (domain/content.ts); versions count up from 1.
import type { RequestContext } from "../../types.ts";
import { builtinSchema, builtinSchemas } from "../domain/builtin.ts";
import { checkDescription, checkTags } from "../domain/checks.ts";
import { checkContent, MAX_CONTENT, type SchemaType, toJsonSchemaDraft4 } from "../domain/content.ts";
import { contentFingerprint, inferOpenApi, mergeInferred } from "../domain/infer.ts";
import { AWS_EVENTS_REGISTRY, checkSchemaName, DISCOVERED_REGISTRY, schemaArn } from "../domain/names.ts";
import { decodeToken, encodeToken, limitOf, scopeOf, type SchemasEnv } from "../env.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import type { SchemaKey, SchemaRecord, VersionRecord } from "../store.ts";
import { findRegistry } from "./registries.ts";

type Input = Record<string, unknown>;

const TYPES = new Set(["OpenApi3", "JSONSchemaDraft4"]);

function checkType(v: unknown): SchemaType {
  if (typeof v !== "string" || !TYPES.has(v)) throw badRequest("Type must be one of OpenApi3, JSONSchemaDraft4.");
  return v as SchemaType;
}

/** The content checked against its type and the model's 1-100,000 characters (CreateSchemaRequest Content). */
function checkedContent(type: SchemaType, content: unknown): { text: string; fingerprint: string } {
  if (typeof content !== "string" || content.length < 1) throw badRequest("Content is required.");
  if (content.length > MAX_CONTENT) throw badRequest(`Content must be at most ${MAX_CONTENT} characters long.`);
  const r = checkContent(type, content);
  if ("error" in r) throw badRequest(`Invalid ${type} schema content: ${r.error}`);
  return { text: content, fingerprint: contentFingerprint(r.doc) };
}

export const schemaNotFound = (registry: string, name: string) => notFound(`Schema with name '${name}' does not exist in registry '${registry}'.`);

function keyOf(ctx: RequestContext, input: Input): SchemaKey {
  return { ...scopeOf(ctx), registry: String(input.RegistryName), name: String(input.SchemaName) };
}

/** SchemaVersion: a version number as a string ("1", "2", …). */
export function versionOf(v: unknown): number | undefined {
  if (v === undefined || v === "") return undefined;
  const s = String(v);
  if (!/^[1-9][0-9]{0,9}$/.test(s)) throw badRequest(`Invalid SchemaVersion '${s.slice(0, 20)}'.`);
  return Number(s);
}

/** The schema and the version asked for (the newest by default), built-in or stored; NotFoundException otherwise. */
export async function findVersion(env: SchemasEnv, key: SchemaKey, version: number | undefined): Promise<{ schema: SchemaRecord; version: VersionRecord }> {
  await findRegistry(env, key, key.registry);
  if (key.registry === AWS_EVENTS_REGISTRY) {
    const b = builtinSchema(key, key.name);
    if (!b) throw schemaNotFound(key.registry, key.name);
    if (version !== undefined && version !== 1) throw notFound(`Schema version '${version}' of schema '${key.name}' does not exist.`);
    return b;
  }
  const schema = await env.store.getSchema(key);
  if (!schema) throw schemaNotFound(key.registry, key.name);
  const v = await env.store.getVersion(key, version ?? schema.latest);
  if (!v) throw notFound(`Schema version '${version}' of schema '${key.name}' does not exist.`);
  return { schema, version: v };
}

function refuseAwsEvents(registry: string): void {
  // The aws.events registry is AWS-managed and read-only (user guide, "Schema registries").
  if (registry === AWS_EVENTS_REGISTRY) throw forbidden(`Registry '${registry}' is managed by AWS and cannot be modified.`);
}

const versionOut = (s: SchemaRecord, v: VersionRecord) => ({
  Description: s.description, LastModified: new Date(s.lastModified), SchemaArn: schemaArn(s, s.registry, s.name), SchemaName: s.name,
  SchemaVersion: String(v.version), Tags: s.tags, Type: v.type, VersionCreatedDate: new Date(v.createdAt),
});

export async function createSchema(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key = keyOf(ctx, input);
  checkSchemaName(key.name);
  const type = checkType(input.Type);
  checkDescription(input.Description);
  const tags = checkTags(input.Tags);
  const { text, fingerprint } = checkedContent(type, input.Content);
  await findRegistry(env, key, key.registry);
  refuseAwsEvents(key.registry);
  const r = await env.store.addVersion(key, { type, content: text, fingerprint, description: input.Description as string | undefined, tags }, "create", env.clock.now());
  if (r.outcome === "exists") throw conflict(`Schema with name '${key.name}' already exists in registry '${key.registry}'.`);
  if (r.outcome !== "added") throw schemaNotFound(key.registry, key.name);
  return versionOut(r.schema, r.version);
}

export async function describeSchema(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const { schema, version } = await findVersion(env, keyOf(ctx, input), versionOf(input.SchemaVersion));
  return { ...versionOut(schema, version), Content: version.content };
}

export async function updateSchema(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key = keyOf(ctx, input);
  checkDescription(input.Description);
  // ClientTokenId: 0-36 characters (UpdateSchemaRequest); retries are harmless anyway: unchanged content adds no version.
  if (input.ClientTokenId !== undefined && String(input.ClientTokenId).length > 36) throw badRequest("ClientTokenId must be at most 36 characters long.");
  refuseAwsEvents(key.registry);
  const { schema, version } = await findVersion(env, key, undefined);
  const type = input.Type === undefined ? (schema.type as SchemaType) : checkType(input.Type);
  if (input.Content === undefined) {
    if (type !== schema.type) throw badRequest("Content is required when Type changes.");
    if (input.Description === undefined) throw badRequest("Nothing to update: give Content or Description.");
    const s = await env.store.setSchemaDescription(key, input.Description as string, env.clock.now());
    if (!s) throw schemaNotFound(key.registry, key.name);
    return versionOut(s, version);
  }
  const { text, fingerprint } = checkedContent(type, input.Content);
  if (fingerprint === version.fingerprint && type === version.type) {
    // The same schema again: no new version (only the description, if given).
    const s = input.Description === undefined ? schema : await env.store.setSchemaDescription(key, input.Description as string, env.clock.now());
    if (!s) throw schemaNotFound(key.registry, key.name);
    return versionOut(s, version);
  }
  const r = await env.store.addVersion(key, { type, content: text, fingerprint, description: input.Description as string | undefined }, "update", env.clock.now());
  if (r.outcome !== "added") throw schemaNotFound(key.registry, key.name);
  return versionOut(r.schema, r.version);
}

export async function deleteSchema(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key = keyOf(ctx, input);
  await findRegistry(env, key, key.registry);
  refuseAwsEvents(key.registry);
  if (!(await env.store.deleteSchema(key))) throw schemaNotFound(key.registry, key.name);
  if (key.registry === DISCOVERED_REGISTRY) env.discoveredDeleted?.();
  return {};
}

export async function deleteSchemaVersion(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key = keyOf(ctx, input);
  const n = versionOf(input.SchemaVersion);
  if (n === undefined) throw badRequest("SchemaVersion is required.");
  await findRegistry(env, key, key.registry);
  refuseAwsEvents(key.registry);
  if (!(await env.store.getSchema(key))) throw schemaNotFound(key.registry, key.name);
  const r = await env.store.deleteVersion(key, n);
  if (r === "missing") throw notFound(`Schema version '${n}' of schema '${key.name}' does not exist.`);
  // The newest version stays (DeleteSchema removes a schema with all its versions).
  if (r === "latest") throw badRequest(`Schema version '${n}' is the latest version of schema '${key.name}' and cannot be deleted; delete the schema instead.`);
  if (key.registry === DISCOVERED_REGISTRY) env.discoveredDeleted?.();
  return {};
}

export async function listSchemas(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const scope = scopeOf(ctx);
  const registry = String(input.RegistryName);
  const limit = limitOf(input.Limit);
  const after = decodeToken(input.NextToken);
  const prefix = (input.SchemaNamePrefix as string | undefined) ?? "";
  await findRegistry(env, scope, registry);
  let items: SchemaRecord[];
  let next: string | undefined;
  if (registry === AWS_EVENTS_REGISTRY) {
    const all = builtinSchemas(scope).map((b) => b.schema).filter((s) => s.name.startsWith(prefix) && s.name > after);
    items = all.slice(0, limit);
    next = all.length > limit ? items[items.length - 1].name : undefined;
  } else {
    const page = await env.store.listSchemas(scope, registry, prefix, after, limit);
    items = page.items;
    next = page.next;
  }
  return {
    Schemas: items.map((s) => ({ LastModified: new Date(s.lastModified), SchemaArn: schemaArn(s, s.registry, s.name), SchemaName: s.name, Tags: s.tags, VersionCount: s.versionCount })),
    NextToken: encodeToken(next),
  };
}

export async function listSchemaVersions(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key = keyOf(ctx, input);
  const limit = limitOf(input.Limit);
  const token = decodeToken(input.NextToken);
  const after = token === "" ? 0 : Number(token);
  const { schema } = await findVersion(env, key, undefined);
  let items: VersionRecord[];
  let next: string | undefined;
  if (key.registry === AWS_EVENTS_REGISTRY) {
    items = [builtinSchema(key, key.name)!.version].filter((v) => v.version > after);
  } else {
    const page = await env.store.listVersions(key, Number.isFinite(after) ? after : 0, limit);
    items = page.items;
    next = page.next;
  }
  return {
    SchemaVersions: items.map((v) => ({ SchemaArn: schemaArn(schema, schema.registry, schema.name), SchemaName: schema.name, SchemaVersion: String(v.version), Type: v.type })),
    NextToken: encodeToken(next),
  };
}

export async function searchSchemas(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const scope = scopeOf(ctx);
  const registry = String(input.RegistryName);
  const keywords = String(input.Keywords ?? "");
  if (keywords.length < 1) throw badRequest("Keywords is required.");
  const limit = limitOf(input.Limit);
  const after = decodeToken(input.NextToken);
  await findRegistry(env, scope, registry);
  let items: (SchemaRecord & { versions: { version: number; type: string; createdAt: number }[] })[];
  let next: string | undefined;
  if (registry === AWS_EVENTS_REGISTRY) {
    const k = keywords.toLowerCase();
    items = builtinSchemas(scope)
      .filter((b) => b.schema.name.toLowerCase().includes(k) && b.schema.name > after)
      .map((b) => ({ ...b.schema, versions: [{ version: 1, type: b.version.type, createdAt: b.version.createdAt }] }))
      .slice(0, limit);
  } else {
    const page = await env.store.searchSchemas(scope, registry, keywords, after, limit);
    items = page.items;
    next = page.next;
  }
  return {
    Schemas: items.map((s) => ({
      RegistryName: s.registry, SchemaArn: schemaArn(s, s.registry, s.name), SchemaName: s.name,
      SchemaVersions: s.versions.map((v) => ({ CreatedDate: new Date(v.createdAt), SchemaVersion: String(v.version), Type: v.type })),
    })),
    NextToken: encodeToken(next),
  };
}

export async function exportSchema(env: SchemasEnv, ctx: RequestContext, input: Input) {
  const key = keyOf(ctx, input);
  // ExportSchema's Type: the format to export to; JSONSchemaDraft4 is the one other format (API reference, ExportSchema).
  if (input.Type !== "JSONSchemaDraft4") throw badRequest("Type must be JSONSchemaDraft4.");
  const { schema, version } = await findVersion(env, key, versionOf(input.SchemaVersion));
  const doc = JSON.parse(version.content) as Record<string, unknown>;
  return {
    Content: JSON.stringify(toJsonSchemaDraft4(version.type as SchemaType, doc)), SchemaArn: schemaArn(schema, schema.registry, schema.name),
    SchemaName: schema.name, SchemaVersion: String(version.version), Type: "JSONSchemaDraft4",
  };
}

/** GetDiscoveredSchema: the schema inferred from 1-10 sample events of one type, merged (API reference, Discover). */
export async function getDiscoveredSchema(_env: SchemasEnv, _ctx: RequestContext, input: Input) {
  const type = checkType(input.Type);
  const events = (input.Events as unknown[] | undefined) ?? [];
  if (events.length < 1 || events.length > 10) throw badRequest("Events must hold 1 to 10 events.");
  const parsed = events.map((e) => {
    if (typeof e !== "string" || e.length < 1 || e.length > 100_000) throw badRequest("Each event must be 1 to 100,000 characters of JSON.");
    let v: unknown;
    try {
      v = JSON.parse(e);
    } catch {
      throw badRequest("Each event must be a JSON object.");
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw badRequest("Each event must be a JSON object.");
    return v as Record<string, unknown>;
  });
  const doc = parsed.map((e) => inferOpenApi(e)).reduce((a, b) => mergeInferred(a, b));
  return { Content: JSON.stringify(type === "OpenApi3" ? doc : toJsonSchemaDraft4("OpenApi3", doc)) };
}
