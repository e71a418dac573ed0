// CreateConnection, DescribeConnection, UpdateConnection, DeleteConnection, ListConnections, DeauthorizeConnection
// (EventBridge API reference; user guide, "Connections for API destination targets"). A connection holds the
// authorization an API destination's requests carry: Basic, API key, or OAuth client credentials. Secrets (password,
// API key value, client secret, parameters marked IsValueSecret) are write-only: stored, used, never returned.
import { randomUUID } from "node:crypto";
import { AwsError } from "../../../protocol/errors.ts";
import type { RequestContext } from "../../types.ts";
import { type AuthParameters, type AuthorizationType, type ConnectionDoc, type HttpParameterLists, mergeAuth, visibleAuth } from "../domain/connections.ts";
import { connectionArn } from "../domain/names.ts";
import { decodeToken, encodeToken, pageLimit, type EventsEnv } from "../env.ts";
import { constraint, limitExceeded, notSupported, validation } from "../errors.ts";

type Input = Record<string, unknown>;

/** Connections per account and region (EventBridge quotas, "Connections": 50). */
export const MAX_CONNECTIONS = 50;
const TYPES: AuthorizationType[] = ["BASIC", "OAUTH_CLIENT_CREDENTIALS", "API_KEY"];
const STATES = ["CREATING", "UPDATING", "DELETING", "AUTHORIZED", "DEAUTHORIZED", "AUTHORIZING", "DEAUTHORIZING", "ACTIVE", "FAILED_CONNECTIVITY"];
// AuthHeaderParameters: 1-512 printable characters without ":" (the model's pattern for user names, key names and values, client ids and secrets).
const AUTH_HEADER = /^[ \t]*[^\x00-\x1F:\x7F]+([ \t]+[^\x00-\x1F:\x7F]+)*[ \t]*$/;

export function checkName(name: unknown, path = "name"): string {
  const s = String(name ?? "");
  // ConnectionName and ApiDestinationName: 1-64 of [.\-_A-Za-z0-9] (the model).
  if (s.length < 1) throw constraint(s, path, "have length greater than or equal to 1");
  if (s.length > 64) throw constraint(s, path, "have length less than or equal to 64");
  if (!/^[.\-_A-Za-z0-9]+$/.test(s)) throw constraint(s, path, "satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
  return s;
}

export function checkDescription(d: unknown): string | undefined {
  if (d === undefined || d === null) return undefined;
  const s = String(d);
  if (s.length > 512) throw constraint(s, "description", "have length less than or equal to 512");
  return s;
}

function authValue(v: unknown, path: string): void {
  const s = String(v ?? "");
  if (s.length < 1) throw validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  if (s.length > 512) throw constraint("***", path, "have length less than or equal to 512");
  if (!AUTH_HEADER.test(s)) throw constraint("***", path, "satisfy regular expression pattern: ^[ \\t]*[^\\x00-\\x1F:\\x7F]+([ \\t]+[^\\x00-\\x1F:\\x7F]+)*[ \\t]*$");
}

/** Header, query and body parameter lists: at most 100 each (ConnectionHttpParameters), keys and values at most 512. */
function checkLists(h: HttpParameterLists | undefined, path: string): void {
  if (!h) return;
  for (const [name, l] of [["headerParameters", h.HeaderParameters], ["queryStringParameters", h.QueryStringParameters], ["bodyParameters", h.BodyParameters]] as const) {
    if (l === undefined) continue;
    if (l.length > 100) throw constraint("[...]", `${path}.${name}`, "have length less than or equal to 100");
    for (const p of l) {
      if ((p.Key ?? "").length > 512 || (p.Value ?? "").length > 512) throw constraint("***", `${path}.${name}`, "have keys and values of at most 512 characters");
      if (name === "headerParameters" && p.Key !== undefined && !/^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/.test(p.Key)) {
        throw constraint(p.Key, `${path}.${name}.member.key`, "satisfy regular expression pattern: ^[!#$%&'*+-.^_`|~0-9a-zA-Z]+$");
      }
    }
  }
}

/** The authorization parameters a type needs (CreateConnection API reference, CreateConnectionAuthRequestParameters). */
function checkAuth(type: AuthorizationType, a: AuthParameters, partial: boolean): void {
  const p = "authParameters";
  const want = { BASIC: "BasicAuthParameters", API_KEY: "ApiKeyAuthParameters", OAUTH_CLIENT_CREDENTIALS: "OAuthParameters" }[type];
  for (const other of ["BasicAuthParameters", "ApiKeyAuthParameters", "OAuthParameters"] as const) {
    if (other !== want && a[other] !== undefined) throw validation(`Parameter ${other} is not valid for AuthorizationType ${type}.`);
  }
  const given = a[want as keyof AuthParameters] as Record<string, unknown> | undefined;
  if (!given) {
    if (partial) return;
    throw validation(`Parameter(s) ${want} must be specified for AuthorizationType ${type}.`);
  }
  const need = (obj: Record<string, unknown> | undefined, key: string, path: string) => {
    if (obj?.[key] === undefined) {
      if (partial) return;
      throw validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    }
    authValue(obj[key], path);
  };
  if (type === "BASIC") {
    need(given, "Username", `${p}.basicAuthParameters.username`);
    need(given, "Password", `${p}.basicAuthParameters.password`);
  } else if (type === "API_KEY") {
    need(given, "ApiKeyName", `${p}.apiKeyAuthParameters.apiKeyName`);
    need(given, "ApiKeyValue", `${p}.apiKeyAuthParameters.apiKeyValue`);
  } else {
    const o = a.OAuthParameters ?? {};
    const cp = o.ClientParameters as Record<string, unknown> | undefined;
    if (!cp && !partial) throw validation(`1 validation error detected: Value null at '${p}.oAuthParameters.clientParameters' failed to satisfy constraint: Member must not be null`);
    if (cp) {
      need(cp, "ClientID", `${p}.oAuthParameters.clientParameters.clientID`);
      need(cp, "ClientSecret", `${p}.oAuthParameters.clientParameters.clientSecret`);
    }
    if (o.AuthorizationEndpoint !== undefined || !partial) checkEndpoint(o.AuthorizationEndpoint, `${p}.oAuthParameters.authorizationEndpoint`);
    if (o.HttpMethod !== undefined || !partial) {
      if (!["GET", "POST", "PUT"].includes(String(o.HttpMethod))) throw constraint(o.HttpMethod, `${p}.oAuthParameters.httpMethod`, "satisfy enum value set: [GET, POST, PUT]");
    }
    checkLists(o.OAuthHttpParameters, `${p}.oAuthParameters.oAuthHttpParameters`);
  }
  checkLists(a.InvocationHttpParameters, `${p}.invocationHttpParameters`);
}

/** An HTTP(S) URL of at most 2048 characters (HttpsEndpoint in the model). */
export function checkEndpoint(v: unknown, path: string): string {
  const s = String(v ?? "");
  if (s.length < 1) throw validation(`1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  if (s.length > 2048) throw constraint(s, path, "have length less than or equal to 2048");
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw validation(`Parameter ${path} is not valid. Reason: it is not a URL.`);
  }
  // AWS calls only public HTTPS endpoints; Mailroom also calls plain HTTP ones, for endpoints on the developer's machine.
  if (u.protocol !== "https:" && u.protocol !== "http:") throw validation(`Parameter ${path} is not valid. Reason: it must be an HTTPS endpoint.`);
  return s;
}

function notFound(name: string): AwsError {
  // Recorded wording (LocalStack's events provider, as AWS answers DescribeConnection for a missing name).
  return new AwsError("ResourceNotFoundException", `Failed to describe the connection(s). Connection '${name}' does not exist.`);
}

const key = (ctx: RequestContext, name: string) => ({ account: ctx.accountId, region: ctx.region, name });

async function load(env: EventsEnv, ctx: RequestContext, name: string): Promise<ConnectionDoc & { stored: string }> {
  const s = await env.store.getDocument("connection", key(ctx, name));
  if (!s) throw notFound(name);
  return { ...(JSON.parse(s) as ConnectionDoc), stored: s };
}

/** Saves a change only over the version it was made from: another change meanwhile answers ConcurrentModificationException (in the model's errors). */
async function save(env: EventsEnv, ctx: RequestContext, name: string, next: ConnectionDoc, from: string): Promise<void> {
  const { stored: _s, ...doc } = next as ConnectionDoc & { stored?: string };
  if (await env.store.saveDocument("connection", key(ctx, name), JSON.stringify(doc), from)) return;
  if (!(await env.store.getDocument("connection", key(ctx, name)))) throw notFound(name);
  throw new AwsError("ConcurrentModificationException", "There is concurrent modification on a resource.");
}

function times(c: ConnectionDoc) {
  return { CreationTime: new Date(c.createdAt), LastModifiedTime: new Date(c.modifiedAt), LastAuthorizedTime: c.authorizedAt === undefined ? undefined : new Date(c.authorizedAt) };
}

/** Basic and API key connections are authorized at once; OAuth ones when their first token is fetched (CreateConnection answers AUTHORIZING). */
const initialState = (type: AuthorizationType) => (type === "OAUTH_CLIENT_CREDENTIALS" ? "AUTHORIZING" : "AUTHORIZED");

export async function createConnection(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const description = checkDescription(input.Description);
  if (input.InvocationConnectivityParameters !== undefined) throw notSupported("InvocationConnectivityParameters (private APIs)");
  if (input.KmsKeyIdentifier !== undefined) throw notSupported("KmsKeyIdentifier");
  const type = input.AuthorizationType as AuthorizationType;
  if (!TYPES.includes(type)) throw constraint(type, "authorizationType", "satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]");
  const auth = (input.AuthParameters ?? {}) as AuthParameters;
  if ((auth as Record<string, unknown>).ConnectivityParameters !== undefined) throw notSupported("ConnectivityParameters (private APIs)");
  checkAuth(type, auth, false);
  const now = env.clock.now();
  const state = initialState(type);
  const doc: ConnectionDoc = { uuid: randomUUID(), description, authorizationType: type, auth, state, createdAt: now, modifiedAt: now, ...(state === "AUTHORIZED" ? { authorizedAt: now } : {}) };
  const r = await env.store.createDocument("connection", key(ctx, name), JSON.stringify(doc), MAX_CONNECTIONS);
  // Recorded wording (LocalStack's events provider): "Connection <name> already exists."
  if (r === "exists") throw new AwsError("ResourceAlreadyExistsException", `Connection ${name} already exists.`);
  if (r === "limit") throw limitExceeded();
  return { ConnectionArn: connectionArn(ctx.region, ctx.accountId, name, doc.uuid), ConnectionState: state, CreationTime: new Date(now), LastModifiedTime: new Date(now) };
}

export async function describeConnection(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const c = await load(env, ctx, name);
  const arn = connectionArn(ctx.region, ctx.accountId, name, c.uuid);
  return {
    ConnectionArn: arn, Name: name, Description: c.description, ConnectionState: c.state, StateReason: c.stateReason, AuthorizationType: c.authorizationType,
    // Where AWS keeps the secret (Secrets Manager, events!connection/<name>/<id>); Mailroom keeps it in its own database.
    SecretArn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:events!connection/${name}/${c.uuid}`,
    AuthParameters: c.state === "DEAUTHORIZED" ? undefined : visibleAuth(c.auth),
    ...times(c),
  };
}

export async function updateConnection(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const description = checkDescription(input.Description);
  if (input.InvocationConnectivityParameters !== undefined) throw notSupported("InvocationConnectivityParameters (private APIs)");
  if (input.KmsKeyIdentifier !== undefined) throw notSupported("KmsKeyIdentifier");
  const c = await load(env, ctx, name);
  const type = (input.AuthorizationType as AuthorizationType | undefined) ?? c.authorizationType;
  if (!TYPES.includes(type)) throw constraint(type, "authorizationType", "satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]");
  const update = (input.AuthParameters ?? {}) as AuthParameters;
  const changedType = type !== c.authorizationType;
  // A new type needs all of its parameters; the same type may change some (UpdateConnection API reference).
  checkAuth(type, update, !changedType);
  const auth = changedType ? update : mergeAuth(c.auth, update);
  const now = env.clock.now();
  const state = initialState(type);
  const next: ConnectionDoc = {
    ...c, description: description ?? c.description, authorizationType: type, auth, state, stateReason: undefined, modifiedAt: now,
    authorizedAt: state === "AUTHORIZED" ? now : c.authorizedAt,
  };
  await save(env, ctx, name, next, c.stored);
  return { ConnectionArn: connectionArn(ctx.region, ctx.accountId, name, c.uuid), ConnectionState: state, ...times(next) };
}

export async function deleteConnection(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const c = await load(env, ctx, name);
  if (!(await env.store.deleteDocument("connection", key(ctx, name)))) throw notFound(name);
  return { ConnectionArn: connectionArn(ctx.region, ctx.accountId, name, c.uuid), ConnectionState: "DELETING", ...times(c) };
}

/**
 * DeauthorizeConnection removes the connection's authorization parameters (user guide: "When you de-authorize a
 * connection, it removes all authorization parameters"); its API destinations' deliveries then fail until
 * UpdateConnection gives new ones.
 */
export async function deauthorizeConnection(env: EventsEnv, ctx: RequestContext, input: Input) {
  const name = checkName(input.Name);
  const c = await load(env, ctx, name);
  const now = env.clock.now();
  const next: ConnectionDoc = { ...c, auth: { InvocationHttpParameters: c.auth.InvocationHttpParameters }, state: "DEAUTHORIZED", modifiedAt: now };
  await save(env, ctx, name, next, c.stored);
  return { ConnectionArn: connectionArn(ctx.region, ctx.accountId, name, c.uuid), ConnectionState: "DEAUTHORIZING", ...times(next) };
}

export async function listConnections(env: EventsEnv, ctx: RequestContext, input: Input) {
  const prefix = input.NamePrefix === undefined ? "" : checkName(input.NamePrefix, "namePrefix");
  const state = input.ConnectionState as string | undefined;
  if (state !== undefined && !STATES.includes(state)) throw constraint(state, "connectionState", `satisfy enum value set: [${STATES.join(", ")}]`);
  const limit = pageLimit(input.Limit);
  let after = decodeToken(input.NextToken);
  const out: Record<string, unknown>[] = [];
  let more = false;
  // A state filter skips rows: read pages until the page is full (at most MAX_CONNECTIONS rows exist).
  for (;;) {
    const rows = await env.store.listDocuments("connection", ctx.accountId, ctx.region, prefix, after, 100);
    for (const [name, data] of rows) {
      const c = JSON.parse(data) as ConnectionDoc;
      after = name;
      if (state !== undefined && c.state !== state) continue;
      if (out.length === limit) {
        more = true;
        break;
      }
      out.push({
        ConnectionArn: connectionArn(ctx.region, ctx.accountId, name, c.uuid), Name: name, ConnectionState: c.state, StateReason: c.stateReason,
        AuthorizationType: c.authorizationType, ...times(c),
      });
    }
    if (more || rows.length < 100) break;
  }
  const res: Record<string, unknown> = { Connections: out };
  if (more) res.NextToken = encodeToken(out[out.length - 1].Name as string);
  return res;
}
