// The HTTP Task (arn:aws:states:::http:invoke; Step Functions developer guide, "Call HTTPS APIs in Step Functions
// workflows"): Parameters ApiEndpoint, Method, Authentication.ConnectionArn (an EventBridge connection, required),
// Headers, QueryParameters, RequestBody and Transform; the connection's invocation parameters and authorization are
// merged in through EventBridge's api (EventsApi.connectionAuth, the code API destinations use, OAuth tokens cached).
// The result is { Headers, ResponseBody, StatusCode, StatusText }; a non-2xx answer fails the task with
// States.Http.StatusCode.<code>, a socket error or timeout with States.Http.Socket, a connection that cannot authorize
// with Events.ConnectionResource.<reason>. Answers are read up to Step Functions' 256 KiB payload quota and wait at
// most 60 seconds. Plain http:// endpoints are called too (local endpoints), where AWS calls HTTPS only.
import type { Json } from "../domain/definition.ts";
import type { TaskCall, TaskOutcome } from "../domain/tasks.ts";
import { readBounded } from "../../../util/bounded-body.ts";

/** What EventBridge's api gives a request by connection ARN (services/events/index.ts EventsApi.connectionAuth). */
export type ConnectionAuth = (connectionArn: string, caller: { account: string; region: string }) => Promise<
  | { headers: Record<string, string>; query: [string, string][]; body: [string, string][]; unauthorized(): void }
  | { code: string; message: string }
>;

export interface HttpTaskLimits {
  /** How long the request may take (default 60 s). */
  timeoutMs: number;
  /** Response body bytes at most (default 256 KiB, Step Functions' payload quota). */
  maxResponseBytes: number;
}

/** Step Functions' payload quota: 256 KiB (quotas, "Maximum input or output size for a task, state, or execution"). */
export const MAX_RESPONSE_BYTES = 262_144;
/** The HTTP Task waits at most 60 seconds for an answer (developer guide, "Call HTTPS APIs": HTTP Task timeout). */
export const HTTP_TIMEOUT_MS = 60_000;

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const ARRAY_FORMATS = ["INDICES", "REPEAT", "COMMAS", "BRACKETS"];
/**
 * Headers a task may not set (developer guide, "Call HTTPS APIs", Headers: the same reserved headers as EventBridge
 * API destinations, plus the x-amz, x-amzn and x-forwarded prefixes); authorization comes from the connection, and
 * content-length is Mailroom's to compute. User-Agent and Range are replaced by Step Functions' own (below).
 */
const RESERVED = new Set([
  "a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization", "cache-control", "connection", "content-encoding",
  "content-length", "content-md5", "date", "expect", "forwarded", "from", "host", "http2-settings", "if-match", "if-modified-since",
  "if-none-match", "if-range", "if-unmodified-since", "max-forwards", "origin", "pragma", "proxy-authorization", "referer",
  "server", "te", "trailer", "transfer-encoding", "upgrade", "via", "warning",
]);
const RESERVED_PREFIX = /^(x-amz-|x-amzn-|x-forwarded-)/i;
/** Answers the HTTP Task does not take (developer guide, "Unsupported HTTP Task responses": binary media). */
const BINARY = /^(image|audio|video)\/|^application\/octet-stream$/i;

const runtime = (cause: string): TaskOutcome => ({ type: "failed", error: "States.Runtime", cause });
const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: Json): string => (typeof v === "string" ? v : v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/**
 * A JSON object as application/x-www-form-urlencoded (developer guide, "Applying URL-encoding on request body"):
 * nested objects as key[sub]=v, arrays by ArrayFormat: INDICES a[0]=x&a[1]=y (the default), REPEAT a=x&a=y, COMMAS
 * a=x,y, BRACKETS a[]=x&a[]=y.
 */
export function urlEncode(body: Record<string, Json>, arrayFormat = "INDICES"): string {
  const out: string[] = [];
  const add = (k: string, v: string) => out.push(`${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  const walk = (key: string, v: Json, depth: number) => {
    // A bound of Mailroom's: deeper bodies are refused, not recursed into (a task's input may nest without limit).
    if (depth > 32) throw new RangeError("RequestBody nests too deeply to be URL-encoded (at most 32 levels).");
    if (Array.isArray(v)) {
      if (arrayFormat === "COMMAS") add(key, v.map(scalar).join(","));
      else v.forEach((x, i) => walk(arrayFormat === "REPEAT" ? key : arrayFormat === "BRACKETS" ? `${key}[]` : `${key}[${i}]`, x, depth + 1));
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) walk(`${key}[${k}]`, x, depth + 1);
    } else add(key, scalar(v));
  };
  for (const [k, v] of Object.entries(body)) walk(k, v, 0);
  return out.join("&");
}

/** The request body as sent, and its content type (a type the task set is kept, except for URL-encoded bodies). */
function encodeBody(value: Json, urlEncoded: boolean, arrayFormat: string, headers: Record<string, string>): string {
  if (urlEncoded) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    return urlEncode(value as Record<string, Json>, arrayFormat);
  }
  if (typeof value === "string") {
    headers["content-type"] ??= "text/plain; charset=UTF-8";
    return value;
  }
  headers["content-type"] ??= "application/json; charset=UTF-8";
  // JSON.stringify throws a RangeError on input nested past the stack: the caller fails the task with it.
  return JSON.stringify(value);
}

/** The body up to `max` bytes, or undefined past it (the node never buffers an endpoint's answer without limit). */
async function boundedBody(res: Response, max: number): Promise<Buffer | undefined> {
  const r = await readBounded(res, max);
  if (r.error !== undefined) throw r.error;
  return r.truncated ? undefined : r.body;
}

export async function invokeHttp(connectionAuth: ConnectionAuth | undefined, call: TaskCall, limits: Partial<HttpTaskLimits> = {}): Promise<TaskOutcome> {
  const timeoutMs = limits.timeoutMs ?? HTTP_TIMEOUT_MS;
  const maxBytes = limits.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  // The HTTP Task is request-response only (developer guide, "Call HTTPS APIs": no .sync or .waitForTaskToken).
  if (call.pattern !== "request-response") return runtime(`The resource provided ${call.resource} is not recognized: the HTTP Task supports request-response only.`);
  const p = call.parameters;
  if (!isObject(p)) return runtime("The HTTP Task's parameters must be a JSON object.");
  if (typeof p.ApiEndpoint !== "string") return runtime("The HTTP Task needs ApiEndpoint, a URL.");
  let url: URL;
  try {
    url = new URL(p.ApiEndpoint);
  } catch {
    return runtime(`ApiEndpoint ${p.ApiEndpoint} is not a valid URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return runtime(`ApiEndpoint ${p.ApiEndpoint} is not an http(s) URL.`);
  const method = typeof p.Method === "string" ? p.Method.toUpperCase() : "";
  if (!METHODS.includes(method)) return runtime(`Method must be one of ${METHODS.join(", ")}.`);
  const arn = isObject(p.Authentication) ? p.Authentication.ConnectionArn : undefined;
  if (typeof arn !== "string") return runtime("The HTTP Task needs Authentication.ConnectionArn, an EventBridge connection ARN.");
  const headers: Record<string, string> = {};
  if (p.Headers !== undefined) {
    if (!isObject(p.Headers)) return runtime("Headers must be a JSON object.");
    for (const [k, v] of Object.entries(p.Headers)) {
      if (!/^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/.test(k)) return runtime(`Header name ${JSON.stringify(k)} is not valid.`);
      if (RESERVED.has(k.toLowerCase()) || RESERVED_PREFIX.test(k)) return runtime(`The header ${k} is not allowed in an HTTP Task.`);
      const value = scalar(v);
      if (/[\r\n\0]/.test(value)) return runtime(`The value of header ${k} is not valid.`);
      headers[k.toLowerCase()] = value;
    }
  }
  if (p.QueryParameters !== undefined) {
    if (!isObject(p.QueryParameters)) return runtime("QueryParameters must be a JSON object.");
    for (const [k, v] of Object.entries(p.QueryParameters)) {
      if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, scalar(x));
      else url.searchParams.append(k, scalar(v));
    }
  }
  let urlEncoded = false;
  let arrayFormat = "INDICES";
  if (p.Transform !== undefined) {
    if (!isObject(p.Transform)) return runtime("Transform must be a JSON object.");
    const enc = p.Transform.RequestBodyEncoding ?? "NONE";
    if (enc !== "NONE" && enc !== "URL_ENCODED") return runtime("Transform.RequestBodyEncoding must be NONE or URL_ENCODED.");
    urlEncoded = enc === "URL_ENCODED";
    const opts = p.Transform.RequestEncodingOptions;
    if (opts !== undefined) {
      const f = isObject(opts) ? opts.ArrayFormat ?? "INDICES" : undefined;
      if (typeof f !== "string" || !ARRAY_FORMATS.includes(f)) return runtime(`Transform.RequestEncodingOptions.ArrayFormat must be one of ${ARRAY_FORMATS.join(", ")}.`);
      arrayFormat = f;
    }
  }
  if (p.RequestBody !== undefined && (method === "GET" || method === "HEAD")) return runtime(`RequestBody is not supported with the ${method} method.`);
  if (urlEncoded && p.RequestBody !== undefined && !isObject(p.RequestBody)) return runtime("URL_ENCODED needs RequestBody to be a JSON object.");

  // The connection: its invocation parameters and authorization join the request; where a key is in both, the
  // connection's value is used (developer guide, "Merging EventBridge connection and HTTP Task definition data"; the same
  // rule as API destinations: "any values from the Connection taking precedence", EventBridge API reference, HttpParameters).
  if (!connectionAuth) return runtime("EventBridge is not running: the HTTP Task's connection cannot be read.");
  const auth = await connectionAuth(arn, { account: call.account, region: call.region });
  if ("code" in auth) return { type: "failed", error: `Events.ConnectionResource.${auth.code}`, cause: auth.message };
  for (const [k, v] of Object.entries(auth.headers)) headers[k.toLowerCase()] = v;
  for (const [k, v] of auth.query) {
    url.searchParams.delete(k);
    url.searchParams.append(k, v);
  }
  let body: string | undefined;
  let bodyValue = p.RequestBody;
  if (auth.body.length > 0 && (bodyValue === undefined || isObject(bodyValue)) && method !== "GET" && method !== "HEAD") {
    bodyValue = { ...(bodyValue ?? {}) };
    for (const [k, v] of auth.body) bodyValue[k] = v;
  }
  if (bodyValue !== undefined) {
    try {
      body = encodeBody(bodyValue, urlEncoded, arrayFormat, headers);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return runtime(`RequestBody cannot be encoded: ${e.message}`);
    }
  }
  // Headers Step Functions adds to every HTTP Task request (developer guide, "Call HTTPS APIs": User-Agent and Range).
  headers["user-agent"] = `Amazon|StepFunctions|HttpInvoke|${call.region}`;
  headers.range = `bytes=0-${maxBytes}`;

  let res: Response;
  let raw: Buffer | undefined;
  try {
    res = await fetch(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    raw = await boundedBody(res, maxBytes);
  } catch (e) {
    const err = e as Error;
    const timeout = err.name === "TimeoutError" || err.name === "AbortError";
    return { type: "failed", error: "States.Http.Socket", cause: timeout ? `The HTTP endpoint did not answer within ${timeoutMs / 1000} seconds.` : `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ""}` };
  }
  if (raw === undefined) return { type: "failed", error: "States.DataLimitExceeded", cause: `The HTTP response body is larger than ${maxBytes} bytes.` };
  const contentType = res.headers.get("content-type") ?? "";
  if (BINARY.test(contentType.split(";")[0].trim())) return runtime(`The HTTP response's content type ${contentType} is not supported by the HTTP Task.`);
  const text = raw.toString("utf8");
  let responseBody: Json = text;
  if (/^application\/([\w.+-]+\+)?json\b/i.test(contentType) && text.trim() !== "") {
    try {
      responseBody = JSON.parse(text) as Json;
    } catch {
      responseBody = text;
    }
  }
  const outHeaders: Record<string, Json> = {};
  res.headers.forEach((v, k) => {
    if (k !== "set-cookie") outHeaders[k] = [v];
  });
  const cookies = res.headers.getSetCookie();
  if (cookies.length > 0) outHeaders["set-cookie"] = cookies;
  const output: Record<string, Json> = { Headers: outHeaders, ResponseBody: responseBody, StatusCode: res.status, StatusText: res.statusText };
  if (res.status >= 200 && res.status < 300) return { type: "succeeded", output };
  // An OAuth token refused: the next call fetches a new one (as API destinations do on 401 and 407).
  if (res.status === 401 || res.status === 407) auth.unauthorized();
  return { type: "failed", error: `States.Http.StatusCode.${res.status}`, cause: JSON.stringify(output) };
}
