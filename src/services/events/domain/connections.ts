// Connections and API destinations (EventBridge user guide, "API destinations"; API reference CreateConnection,
// CreateApiDestination): the stored documents, what Describe shows of them (secrets are write-only: never returned),
// and the HTTP requests an invocation and an OAuth client-credentials token fetch make. Pure.

export type AuthorizationType = "BASIC" | "API_KEY" | "OAUTH_CLIENT_CREDENTIALS";

export interface Parameter {
  Key?: string;
  Value?: string;
  IsValueSecret?: boolean;
}

export interface HttpParameterLists {
  HeaderParameters?: Parameter[];
  QueryStringParameters?: Parameter[];
  BodyParameters?: Parameter[];
}

export interface AuthParameters {
  BasicAuthParameters?: { Username?: string; Password?: string };
  ApiKeyAuthParameters?: { ApiKeyName?: string; ApiKeyValue?: string };
  OAuthParameters?: {
    ClientParameters?: { ClientID?: string; ClientSecret?: string };
    AuthorizationEndpoint?: string;
    HttpMethod?: string;
    OAuthHttpParameters?: HttpParameterLists;
  };
  InvocationHttpParameters?: HttpParameterLists;
}

export type ConnectionState = "AUTHORIZED" | "AUTHORIZING" | "DEAUTHORIZED" | "DEAUTHORIZING";

export interface ConnectionDoc {
  uuid: string;
  description?: string;
  authorizationType: AuthorizationType;
  auth: AuthParameters;
  state: ConnectionState;
  stateReason?: string;
  createdAt: number;
  modifiedAt: number;
  authorizedAt?: number;
}

export interface ApiDestinationDoc {
  uuid: string;
  description?: string;
  connectionArn: string;
  endpoint: string;
  method: string;
  rateLimit?: number;
  createdAt: number;
  modifiedAt: number;
}

/** Parameters without the values marked secret (IsValueSecret: "the value is secret and is never returned"). */
function visibleList(l: Parameter[] | undefined): Parameter[] | undefined {
  return l?.map((p) => (p.IsValueSecret ? { Key: p.Key, IsValueSecret: true } : p));
}

function visibleHttp(h: HttpParameterLists | undefined): HttpParameterLists | undefined {
  if (!h) return undefined;
  return { HeaderParameters: visibleList(h.HeaderParameters), QueryStringParameters: visibleList(h.QueryStringParameters), BodyParameters: visibleList(h.BodyParameters) };
}

/**
 * AuthParameters as DescribeConnection returns them: passwords, API key values and client secrets are never
 * returned (DescribeConnection API reference, ConnectionAuthResponseParameters: Username, ApiKeyName, ClientID only).
 */
export function visibleAuth(a: AuthParameters): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a.BasicAuthParameters) out.BasicAuthParameters = { Username: a.BasicAuthParameters.Username };
  if (a.ApiKeyAuthParameters) out.ApiKeyAuthParameters = { ApiKeyName: a.ApiKeyAuthParameters.ApiKeyName };
  if (a.OAuthParameters) {
    const o = a.OAuthParameters;
    out.OAuthParameters = {
      ClientParameters: o.ClientParameters ? { ClientID: o.ClientParameters.ClientID } : undefined,
      AuthorizationEndpoint: o.AuthorizationEndpoint, HttpMethod: o.HttpMethod, OAuthHttpParameters: visibleHttp(o.OAuthHttpParameters),
    };
  }
  out.InvocationHttpParameters = visibleHttp(a.InvocationHttpParameters) ?? {};
  return out;
}

/** Merges an UpdateConnection's AuthParameters into the stored ones: members not given keep their values (secrets included). */
export function mergeAuth(stored: AuthParameters, update: AuthParameters): AuthParameters {
  const out: AuthParameters = { ...stored };
  if (update.BasicAuthParameters) out.BasicAuthParameters = { ...stored.BasicAuthParameters, ...update.BasicAuthParameters };
  if (update.ApiKeyAuthParameters) out.ApiKeyAuthParameters = { ...stored.ApiKeyAuthParameters, ...update.ApiKeyAuthParameters };
  if (update.OAuthParameters) {
    const s = stored.OAuthParameters ?? {};
    const u = update.OAuthParameters;
    out.OAuthParameters = { ...s, ...u, ClientParameters: { ...s.ClientParameters, ...u.ClientParameters } };
  }
  if (update.InvocationHttpParameters) out.InvocationHttpParameters = update.InvocationHttpParameters;
  return out;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Headers EventBridge adds to every API destination request (user guide, "Headers included in requests to API destinations"). */
const DEFAULT_HEADERS: Record<string, string> = {
  "user-agent": "Amazon/EventBridge/ApiDestinations",
  "content-type": "application/json; charset=utf-8",
  range: "bytes=0-1048575",
  "accept-encoding": "gzip,deflate",
};

function addQuery(url: URL, l: Parameter[] | undefined): void {
  for (const p of l ?? []) if (p.Key !== undefined) url.searchParams.append(p.Key, p.Value ?? "");
}

function addHeaders(h: Record<string, string>, l: Parameter[] | undefined): void {
  for (const p of l ?? []) if (p.Key !== undefined) h[p.Key.toLowerCase()] = p.Value ?? "";
}

/** The endpoint with each "*" replaced by the next path parameter value (user guide, "API destinations": path parameters). */
export function fillPath(endpoint: string, values: string[] | undefined): string {
  let i = 0;
  let out = "";
  for (const c of endpoint) {
    if (c === "*" && values && i < values.length) out += encodeURIComponent(values[i++]);
    else out += c;
  }
  return out;
}

/**
 * The header a connection's authorization adds (lower-case name, value): Basic credentials, the API key, or the OAuth
 * token as a Bearer token (user guide, "Connections for API destination targets": authorization methods).
 */
export function authHeader(conn: ConnectionDoc, token: string | undefined): [string, string] | undefined {
  const a = conn.auth;
  if (conn.authorizationType === "BASIC" && a.BasicAuthParameters) {
    return ["authorization", `Basic ${Buffer.from(`${a.BasicAuthParameters.Username ?? ""}:${a.BasicAuthParameters.Password ?? ""}`).toString("base64")}`];
  }
  if (conn.authorizationType === "API_KEY" && a.ApiKeyAuthParameters?.ApiKeyName) return [a.ApiKeyAuthParameters.ApiKeyName.toLowerCase(), a.ApiKeyAuthParameters.ApiKeyValue ?? ""];
  if (conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS" && token !== undefined) return ["authorization", `Bearer ${token}`];
  return undefined;
}

/**
 * An invocation: the destination's method and endpoint, the connection's invocation parameters and authorization,
 * the target's HttpParameters, and the event (or its transformed input) as the body of methods that carry one.
 */
export function invocationRequest(
  dest: ApiDestinationDoc, conn: ConnectionDoc, body: string, http: { PathParameterValues?: string[]; HeaderParameters?: Record<string, string>; QueryStringParameters?: Record<string, string> } | undefined,
  token: string | undefined,
): HttpRequest {
  const url = new URL(fillPath(dest.endpoint, http?.PathParameterValues));
  const headers: Record<string, string> = { ...DEFAULT_HEADERS };
  const inv = conn.auth.InvocationHttpParameters;
  // The target's HttpParameters "are merged with any InvocationParameters specified on the Connection, with any values
  // from the Connection taking precedence" (API reference, HttpParameters).
  for (const [k, v] of Object.entries(http?.HeaderParameters ?? {})) headers[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(http?.QueryStringParameters ?? {})) url.searchParams.append(k, v);
  addHeaders(headers, inv?.HeaderParameters);
  for (const p of inv?.QueryStringParameters ?? []) if (p.Key !== undefined) url.searchParams.delete(p.Key);
  addQuery(url, inv?.QueryStringParameters);
  const auth = authHeader(conn, token);
  if (auth) headers[auth[0]] = auth[1];
  let out: string | undefined = body;
  // Connection body parameters join a JSON object body (CreateConnection API reference, InvocationHttpParameters BodyParameters).
  const extra = inv?.BodyParameters ?? [];
  if (extra.length > 0) {
    try {
      const doc = JSON.parse(body) as unknown;
      if (doc && typeof doc === "object" && !Array.isArray(doc)) {
        for (const p of extra) if (p.Key !== undefined) (doc as Record<string, unknown>)[p.Key] = p.Value ?? "";
        out = JSON.stringify(doc);
      }
    } catch {
      // A body that is not a JSON object is sent as it is.
    }
  }
  if (dest.method === "GET" || dest.method === "HEAD") out = undefined;
  return { method: dest.method, url: url.toString(), headers, body: out };
}

/**
 * The OAuth client-credentials token request: the client id and secret as HTTP Basic credentials (RFC 6749 §2.3.1,
 * §4.4), grant_type=client_credentials unless the connection's OAuthHttpParameters give one, and those parameters.
 */
export function tokenRequest(conn: ConnectionDoc): HttpRequest | undefined {
  const o = conn.auth.OAuthParameters;
  if (!o?.AuthorizationEndpoint) return undefined;
  const url = new URL(o.AuthorizationEndpoint);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", "user-agent": DEFAULT_HEADERS["user-agent"] };
  const c = o.ClientParameters ?? {};
  headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(c.ClientID ?? "")}:${encodeURIComponent(c.ClientSecret ?? "")}`).toString("base64")}`;
  addHeaders(headers, o.OAuthHttpParameters?.HeaderParameters);
  addQuery(url, o.OAuthHttpParameters?.QueryStringParameters);
  const form = new URLSearchParams();
  const bodyParams = o.OAuthHttpParameters?.BodyParameters ?? [];
  if (!bodyParams.some((p) => p.Key === "grant_type")) form.set("grant_type", "client_credentials");
  for (const p of bodyParams) if (p.Key !== undefined) form.append(p.Key, p.Value ?? "");
  const method = o.HttpMethod ?? "POST";
  if (method === "GET") {
    for (const [k, v] of form) url.searchParams.append(k, v);
    return { method, url: url.toString(), headers };
  }
  return { method, url: url.toString(), headers, body: form.toString() };
}
