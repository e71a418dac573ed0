// CreateApiDestination, DescribeApiDestination, UpdateApiDestination, DeleteApiDestination, ListApiDestinations
// (EventBridge API reference; user guide, "API destinations"). An API destination is an HTTP endpoint, a method, a
// connection (its authorization) and an invocation rate limit; rules target it by its ARN.
import { randomUUID } from "node:crypto";
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import type { ApiDestinationDoc } from "../domain/connections.ts";
import { apiDestinationArn, parseResourceArn } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, type EventsEnv } from "../env.ts";
import { constraint, limitExceeded, validation } from "../errors.ts";
import { checkDescription, checkEndpoint, checkName } from "./connections.ts";

type Input = Record<string, unknown>;

/** API destinations per account and region (EventBridge quotas, "API destinations": 3,000). */
export const MAX_API_DESTINATIONS = 3000;
/** InvocationRateLimitPerSecond when none is given (user guide, "API destinations": default 300 per second). */
export const DEFAULT_RATE = 300;
const METHODS = ["POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"];

const key = (ctx: RequestContext, name: string) => ({ account: ctx.accountId, region: ctx.region, name });

function notFound(name: string): AwsError {
  // Recorded wording (LocalStack's events provider, as AWS answers DescribeApiDestination for a missing name).
  return new AwsError("ResourceNotFoundException", `Failed to describe the api-destination(s). An api-destination '${name}' does not exist.`);
}

async function load(env: EventsEnv, ctx: RequestContext, name: string): Promise<ApiDestinationDoc & { stored: string }> {
  const s = await env.store.getDocument("api-destination", key(ctx, name));
  if (!s) throw notFound(name);
  return { ...(JSON.parse(s) as ApiDestinationDoc), stored: s };
}

/** The connection must exist in the caller's account and region (CreateApiDestination: ResourceNotFoundException). */
async function checkConnection(env: EventsEnv, ctx: RequestContext, arn: unknown): Promise<string> {
  const s = String(arn ?? "");
  if (s.length > 1600) throw constraint(s, "connectionArn", "have length less than or equal to 1600");
  const c = parseResourceArn(s, "connection");
  if (!c) throw constraint(s, "connectionArn", "satisfy regular expression pattern: ^arn:aws([a-z]|\\-)*:events:([a-z]|\\d|\\-)*:([0-9]{12})?:connection\\/[\\.\\-_A-Za-z0-9]+\\/[\\-A-Za-z0-9]+$");
  const stored = c.account === ctx.accountId && c.region === ctx.region ? await env.store.getDocument("connection", key(ctx, c.name)) : undefined;
  if (!stored || (JSON.parse(stored) as { uuid: string }).uuid !== c.uuid) {
    throw new AwsError("ResourceNotFoundException", `Failed to describe the connection(s). Connection '${c.name}' does not exist.`);
  }
  return s;
}

function checkMethod(m: unknown): string {
  if (!METHODS.includes(String(m))) throw constraint(m, "httpMethod", `satisfy enum value set: [${METHODS.join(", ")}]`);
  return String(m);
}

function checkRate(r: unknown): number | undefined {
  if (r === undefined || r === null) return undefined;
  const n = Number(r);
  // InvocationRateLimitPerSecond: at least 1 (the model).
  if (!Number.isInteger(n)) throw validation(`1 validation error detected: Value '${String(r)}' at 'invocationRateLimitPerSecond' failed to satisfy constraint: Member must be of type integer`);
  if (n < 1) throw constraint(n, "invocationRateLimitPerSecond", "have value greater than or equal to 1");
  return n;
}

function view(ctx: RequestContext, name: string, d: ApiDestinationDoc) {
  return {
    ApiDestinationArn: apiDestinationArn(ctx.region, ctx.accountId, name, d.uuid), Name: name, Description: d.description, ApiDestinationState: "ACTIVE",
    ConnectionArn: d.connectionArn, InvocationEndpoint: d.endpoint, HttpMethod: d.method, InvocationRateLimitPerSecond: d.rateLimit ?? DEFAULT_RATE,
    CreationTime: new Date(d.createdAt), LastModifiedTime: new Date(d.modifiedAt),
  };
}

const short = (ctx: RequestContext, name: string, d: ApiDestinationDoc) => ({
  ApiDestinationArn: apiDestinationArn(ctx.region, ctx.accountId, name, d.uuid), ApiDestinationState: "ACTIVE",
  CreationTime: new Date(d.createdAt), LastModifiedTime: new Date(d.modifiedAt),
});

export async function createApiDestination(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const description = checkDescription(input.Description);
  const endpoint = checkEndpoint(input.InvocationEndpoint, "invocationEndpoint");
  const method = checkMethod(input.HttpMethod);
  const rateLimit = checkRate(input.InvocationRateLimitPerSecond) ?? DEFAULT_RATE;
  const connectionArn = await checkConnection(env, ctx, input.ConnectionArn);
  const now = env.clock.now();
  const doc: ApiDestinationDoc = { uuid: randomUUID(), description, connectionArn, endpoint, method, rateLimit, createdAt: now, modifiedAt: now };
  const r = await env.store.createDocument("api-destination", key(ctx, name), JSON.stringify(doc), MAX_API_DESTINATIONS);
  if (r === "exists") throw new AwsError("ResourceAlreadyExistsException", `An api-destination '${name}' already exists.`);
  if (r === "limit") throw limitExceeded();
  return short(ctx, name, doc);
}

export async function describeApiDestination(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const { stored: _s, ...d } = await load(env, ctx, name);
  return view(ctx, name, d);
}

export async function updateApiDestination(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const d = await load(env, ctx, name);
  // Only the members given change (UpdateApiDestination API reference).
  const { stored, ...current } = d;
  const next: ApiDestinationDoc = {
    ...current,
    description: input.Description === undefined ? d.description : checkDescription(input.Description),
    endpoint: input.InvocationEndpoint === undefined ? d.endpoint : checkEndpoint(input.InvocationEndpoint, "invocationEndpoint"),
    method: input.HttpMethod === undefined ? d.method : checkMethod(input.HttpMethod),
    rateLimit: checkRate(input.InvocationRateLimitPerSecond) ?? d.rateLimit,
    connectionArn: input.ConnectionArn === undefined ? d.connectionArn : await checkConnection(env, ctx, input.ConnectionArn),
    modifiedAt: env.clock.now(),
  };
  // Only over the version read: another change meanwhile answers ConcurrentModificationException (in the model's errors).
  if (!(await env.store.saveDocument("api-destination", key(ctx, name), JSON.stringify(next), stored))) {
    if (!(await env.store.getDocument("api-destination", key(ctx, name)))) throw notFound(name);
    throw new AwsError("ConcurrentModificationException", "There is concurrent modification on a resource.");
  }
  return short(ctx, name, next);
}

export async function deleteApiDestination(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  if (!(await env.store.deleteDocument("api-destination", key(ctx, name)))) throw notFound(name);
  return {};
}

export async function listApiDestinations(env: EventsEnv, ctx: RequestContext, input: Input) {
  const prefix = input.NamePrefix === undefined ? "" : checkName(input.NamePrefix, "namePrefix");
  const connection = input.ConnectionArn as string | undefined;
  const limit = pageLimit(input.Limit);
  let after = decodeToken(input.NextToken);
  const out: Record<string, unknown>[] = [];
  let more = false;
  // A ConnectionArn filter skips rows: read pages until the page is full.
  for (;;) {
    const rows = await env.store.listDocuments("api-destination", ctx.accountId, ctx.region, prefix, after, 100);
    for (const [name, data] of rows) {
      const d = JSON.parse(data) as ApiDestinationDoc;
      after = name;
      if (connection !== undefined && d.connectionArn !== connection) continue;
      if (out.length === limit) {
        more = true;
        break;
      }
      const { Description: _d, ...entry } = view(ctx, name, d);
      out.push(entry);
    }
    if (more || rows.length < 100) break;
  }
  const res: Record<string, unknown> = { ApiDestinations: out };
  if (more) res.NextToken = encodeToken(out[out.length - 1].Name as string);
  return res;
}
