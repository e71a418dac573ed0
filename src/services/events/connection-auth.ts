// What a connection gives a request (ADR 0018 decision 5, ADR 0028): its invocation parameters and its authorization,
// with OAuth client-credentials tokens fetched from the authorization endpoint and cached per node until they expire.
// API destination deliveries (jobs/api-destinations.ts) and other services' requests by connection ARN (Step
// Functions' HTTP Task, through EventsApi.connectionAuth) share it, so both authorize the same way and share tokens.
import type { Clock } from "../../engine/clock.ts";
import { authHeader, type ConnectionDoc, type HttpRequest, type Parameter, tokenRequest } from "./domain/connections.ts";
import { parseResourceArn } from "./domain/names.ts";
import type { EventsStore } from "./store.ts";
import { readBounded } from "../../util/bounded-body.ts";

/** A token without expires_in is kept this long. */
const DEFAULT_TOKEN_MS = 3_600_000;
/** EventBridge times API destination requests out after 5 seconds (user guide, "API destinations"); token requests too. */
export const TIMEOUT_MS = 5000;
/** Response bytes read at most (a token response is small; an endpoint's answer is not used). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type TokenCache = Map<string, { token: string; expiresAt: number }>;

export interface ConnectionAuthDeps {
  store: EventsStore;
  clock: Clock;
  tokens: TokenCache;
}

/** Reads at most `max` bytes of a response body (a body cut short: what arrived is what there is). */
export async function boundedText(res: Response, max = MAX_RESPONSE_BYTES): Promise<string> {
  return (await readBounded(res, max)).body.toString("utf8");
}

export async function send(r: HttpRequest): Promise<{ status: number; text: string; retryAfter: string | null } | { error: string; timeout: boolean }> {
  try {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await boundedText(res);
    return { status: res.status, text, retryAfter: res.headers.get("retry-after") };
  } catch (e) {
    const err = e as Error;
    return { error: err.message, timeout: err.name === "TimeoutError" || err.name === "AbortError" };
  }
}

export interface ConnectionKey {
  account: string;
  region: string;
  name: string;
}

/**
 * The connection's OAuth token: cached (keyed by the connection's id and modification time, so an update refetches)
 * or fetched with the client credentials. The first token authorizes an AUTHORIZING connection.
 */
export async function connectionToken(d: ConnectionAuthDeps, conn: ConnectionDoc, connKey: ConnectionKey, connText: string | undefined): Promise<string | { code: string; message: string; timeout?: boolean }> {
  const key = `${JSON.stringify(connKey)}#${conn.uuid}#${conn.modifiedAt}`;
  const now = d.clock.now();
  const hit = d.tokens.get(key);
  if (hit && hit.expiresAt > now) return hit.token;
  const req = tokenRequest(conn);
  if (!req) return { code: "NO_PERMISSIONS", message: "The connection has no OAuth authorization endpoint." };
  const res = await send(req);
  if ("error" in res) return { code: res.timeout ? "TIMEOUT" : "OAUTH_ERROR", message: `Failed to fetch the OAuth token: ${res.error}`, timeout: res.timeout };
  let parsed: { access_token?: unknown; expires_in?: unknown } = {};
  try {
    parsed = JSON.parse(res.text) as typeof parsed;
  } catch {
    parsed = {};
  }
  if (res.status < 200 || res.status >= 300 || typeof parsed.access_token !== "string") {
    return { code: "OAUTH_ERROR", message: `Failed to fetch the OAuth token: the authorization endpoint responded with HTTP status ${res.status}` };
  }
  const ttl = typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in * 1000 : DEFAULT_TOKEN_MS;
  if (d.tokens.size > 10_000) d.tokens.clear();
  d.tokens.set(key, { token: parsed.access_token, expiresAt: now + ttl });
  if (conn.state !== "AUTHORIZED") {
    // The first token authorizes the connection (CreateConnection answers AUTHORIZING for OAuth connections).
    // Only while the connection is still the one the token was fetched for (an update meanwhile wins).
    await d.store.saveDocument("connection", connKey, JSON.stringify({ ...conn, state: "AUTHORIZED", authorizedAt: now }), connText);
  }
  return parsed.access_token;
}

/** Drops the connection's cached tokens ("OAUTH tokens are refreshed when a 401 or 407 response is returned"). */
export function dropTokens(d: ConnectionAuthDeps, connUuid: string): void {
  for (const key of [...d.tokens.keys()]) if (key.includes(`#${connUuid}#`)) d.tokens.delete(key);
}

/** What a connection adds to a request: its invocation parameters and its authorization header. */
export interface ConnectionAuthorization {
  authorizationType: ConnectionDoc["authorizationType"];
  /** Header names in lower case: the connection's invocation headers, then its authorization (Basic, API key, Bearer). */
  headers: Record<string, string>;
  query: [string, string][];
  body: [string, string][];
  /** The request was refused as unauthorized (401, 407): drop the cached token so the next request fetches a new one. */
  unauthorized(): void;
}

/** Why a connection cannot authorize a request; `code` is the suffix of Step Functions' Events.ConnectionResource.<code> errors. */
export interface ConnectionAuthFailure {
  code: "ResourceNotFound" | "InvalidConnectionState" | "AccessDenied" | "AuthInProgress";
  message: string;
}

const pairs = (l: Parameter[] | undefined): [string, string][] => (l ?? []).filter((p) => p.Key !== undefined).map((p) => [p.Key as string, p.Value ?? ""]);

/**
 * The authorization a connection gives a request of another service in the caller's account and region (a connection
 * is used by its own account: Step Functions developer guide, "Call HTTPS APIs", the connection ARN of the task).
 */
export async function authorizeByConnection(d: ConnectionAuthDeps, connectionArn: string, caller: { account: string; region: string }): Promise<ConnectionAuthorization | ConnectionAuthFailure> {
  const c = parseResourceArn(connectionArn, "connection");
  if (!c) return { code: "ResourceNotFound", message: `Invalid connection ARN: ${connectionArn}` };
  if (c.account !== caller.account || c.region !== caller.region) {
    return { code: "AccessDenied", message: `The connection ${connectionArn} belongs to another account or region.` };
  }
  const key = { account: c.account, region: c.region, name: c.name };
  const text = await d.store.getDocument("connection", key);
  const conn = text ? (JSON.parse(text) as ConnectionDoc) : undefined;
  if (!conn || conn.uuid !== c.uuid) return { code: "ResourceNotFound", message: `Connection ${c.name} does not exist.` };
  if (conn.state === "DEAUTHORIZED" || conn.state === "DEAUTHORIZING") return { code: "InvalidConnectionState", message: `Connection ${c.name} is ${conn.state}.` };
  let bearer: string | undefined;
  if (conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS") {
    const t = await connectionToken(d, conn, key, text);
    if (typeof t !== "string") return { code: "InvalidConnectionState", message: t.message };
    bearer = t;
  }
  const inv = conn.auth.InvocationHttpParameters;
  const headers: Record<string, string> = {};
  for (const [k, v] of pairs(inv?.HeaderParameters)) headers[k.toLowerCase()] = v;
  const auth = authHeader(conn, bearer);
  if (auth) headers[auth[0]] = auth[1];
  return {
    authorizationType: conn.authorizationType, headers, query: pairs(inv?.QueryStringParameters), body: pairs(inv?.BodyParameters),
    unauthorized: () => dropTokens(d, conn.uuid),
  };
}
