// API destinations as a destination kind of the delivery engine (ADR 0011, ADR 0018). PutEvents writes an outbox row
// per matched API destination target (target = the destination's ARN; payload = the body and the target's
// HttpParameters; the target's retry policy and dead-letter queue on the row). At attempt time the destination and
// its connection are read afresh, so updates apply to pending retries; the destination's InvocationRateLimitPerSecond
// is the row's throttle (the engine puts a delivery over it back to the next second without using a retry).
// Outcomes (user guide, "API destinations", error codes): 2xx delivered; 429 and 5xx, timeouts (5 s) and connection
// errors retried; 1xx, 3xx and other 4xx not retried. OAuth tokens are fetched from the authorization endpoint with
// the client credentials and cached until they expire; a 401 or 407 drops the token ("OAUTH tokens are refreshed
// when a 401 or 407 response is returned") and the delivery is retried with a new one.
import type { DestinationKind, OutboxRow, Resolved } from "../../../delivery/types.ts";
import type { Clock } from "../../../engine/clock.ts";
import { type ApiDestinationDoc, type ConnectionDoc, type HttpRequest, invocationRequest, tokenRequest } from "../domain/connections.ts";
import { parseResourceArn, targetKind } from "../domain/names.ts";
import type { EventsStore, TargetSettings } from "../store.ts";

export const API_DESTINATION_KIND = "events.api-destination";

export interface ApiDestinationPayload {
  /** The event, or the target's Input / InputPath / InputTransformer output. */
  body: string;
  http?: TargetSettings["HttpParameters"];
  /** The rule's account (sender of dead-letter messages). */
  sender: string;
}

/** EventBridge times API destination requests out after 5 seconds (user guide, "API destinations"). */
const TIMEOUT_MS = 5000;
/** A token without expires_in is kept this long. */
const DEFAULT_TOKEN_MS = 3_600_000;

interface ApiResolved extends Resolved {
  dest?: ApiDestinationDoc;
  conn?: ConnectionDoc;
  connKey?: { account: string; region: string; name: string };
  /** The connection document as read (compare-and-set when marking it authorized). */
  connText?: string;
  missing?: { code: string; message: string };
}

export interface ApiDestinationDeps {
  store: EventsStore;
  clock: Clock;
  tokens: Map<string, { token: string; expiresAt: number }>;
}

/** Response bytes read at most (a token response is small; an endpoint's answer is not used). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Reads at most MAX_RESPONSE_BYTES of a response body, so an endpoint cannot make the node buffer without limit. */
async function boundedText(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
      if (n > MAX_RESPONSE_BYTES) {
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch {
    // A body cut short: what arrived is what there is.
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8");
}

/**
 * A Retry-After header in ms (delta seconds or an HTTP date, RFC 9110 §10.2.3); negative when the seconds are
 * negative ("If Retry-After value is negative, EventBridge stops retrying"); undefined when absent or unreadable.
 */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^-?\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

async function send(r: HttpRequest): Promise<{ status: number; text: string; retryAfter: string | null } | { error: string; timeout: boolean }> {
  try {
    const res = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await boundedText(res);
    return { status: res.status, text, retryAfter: res.headers.get("retry-after") };
  } catch (e) {
    const err = e as Error;
    return { error: err.message, timeout: err.name === "TimeoutError" || err.name === "AbortError" };
  }
}

export function apiDestinationKind(d: ApiDestinationDeps): DestinationKind {
  async function token(r: ApiResolved): Promise<string | { code: string; message: string }> {
    const conn = r.conn as ConnectionDoc;
    const key = `${JSON.stringify(r.connKey)}#${conn.uuid}#${conn.modifiedAt}`;
    const now = d.clock.now();
    const hit = d.tokens.get(key);
    if (hit && hit.expiresAt > now) return hit.token;
    const req = tokenRequest(conn);
    if (!req) return { code: "NO_PERMISSIONS", message: "The connection has no OAuth authorization endpoint." };
    const res = await send(req);
    if ("error" in res) return { code: res.timeout ? "TIMEOUT" : "OAUTH_ERROR", message: `Failed to fetch the OAuth token: ${res.error}` };
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
    if (conn.state !== "AUTHORIZED" && r.connKey) {
      // The first token authorizes the connection (CreateConnection answers AUTHORIZING for OAuth connections).
      // Only while the connection is still the one the token was fetched for (an update meanwhile wins).
      await d.store.saveDocument("connection", r.connKey, JSON.stringify({ ...conn, state: "AUTHORIZED", authorizedAt: now }), r.connText);
    }
    return parsed.access_token;
  }

  return {
    async resolve(row: OutboxRow): Promise<ApiResolved> {
      const base: ApiResolved = { policy: row.policy, deadLetter: row.deadLetter, senderId: (JSON.parse(row.payload) as ApiDestinationPayload).sender };
      const k = targetKind(row.target);
      if (k.kind !== "api-destination") return { ...base, missing: { code: "NO_RESOURCE", message: "Not an API destination ARN." } };
      const stored = await d.store.getDocument("api-destination", { account: k.account, region: k.region, name: k.name });
      const dest = stored ? (JSON.parse(stored) as ApiDestinationDoc) : undefined;
      // A destination deleted (or deleted and created again) meanwhile is gone: not retried (user guide, DLQ: "a target resource that no longer exists").
      if (!dest || dest.uuid !== k.uuid) return { ...base, missing: { code: "NO_RESOURCE", message: `API destination ${k.name} does not exist.` } };
      const c = parseResourceArn(dest.connectionArn, "connection");
      const connKey = c && { account: c.account, region: c.region, name: c.name };
      const cs = connKey && (await d.store.getDocument("connection", connKey));
      const conn = cs ? (JSON.parse(cs) as ConnectionDoc) : undefined;
      if (!conn || conn.uuid !== c?.uuid) return { ...base, missing: { code: "NO_RESOURCE", message: "The API destination's connection does not exist." } };
      if (conn.state === "DEAUTHORIZED") return { ...base, missing: { code: "NO_PERMISSIONS", message: "The API destination's connection is deauthorized." } };
      const policy = row.policy && dest.rateLimit !== undefined ? { ...row.policy, maxPerSecond: dest.rateLimit } : row.policy;
      return { ...base, policy, dest, conn, connKey, connText: cs };
    },
    async attempt(row, resolved) {
      const r = resolved as ApiResolved;
      const p = JSON.parse(row.payload) as ApiDestinationPayload;
      if (r.missing) return { ok: false, retryable: false, code: r.missing.code, message: r.missing.message, deadLetterBody: p.body };
      const conn = r.conn as ConnectionDoc;
      let bearer: string | undefined;
      if (conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS") {
        const t = await token(r);
        if (typeof t !== "string") return { ok: false, code: t.code, message: t.message, deadLetterBody: p.body };
        bearer = t;
      }
      const res = await send(invocationRequest(r.dest as ApiDestinationDoc, conn, p.body, p.http, bearer));
      if ("error" in res) {
        return res.timeout
          ? { ok: false, code: "TIMEOUT", message: "The API destination endpoint did not respond within 5 seconds.", deadLetterBody: p.body }
          : { ok: false, code: "CONNECTION_ERROR", message: res.error, deadLetterBody: p.body };
      }
      const s = res.status;
      if (s >= 200 && s < 300) return { ok: true };
      const message = `The API destination endpoint responded with HTTP status ${s}.`;
      // Retry-After: the more conservative of it and the retry policy; a negative one stops the retries (user guide,
      // "API destination error codes").
      const after = retryAfterMs(res.retryAfter, d.clock.now());
      if (after !== undefined && after < 0) return { ok: false, code: s === 429 ? "THROTTLING" : String(s), message, retryable: false, deadLetterBody: p.body };
      const wait = after === undefined ? {} : { retryAfterMs: after };
      if (conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS" && (s === 401 || s === 407)) {
        for (const key of [...d.tokens.keys()]) if (key.includes(`#${conn.uuid}#`)) d.tokens.delete(key);
        return { ok: false, code: String(s), message, deadLetterBody: p.body, ...wait };
      }
      if (s === 429) return { ok: false, code: "THROTTLING", message, deadLetterBody: p.body, ...wait };
      return { ok: false, code: String(s), message, retryable: s >= 500, deadLetterBody: p.body, ...wait };
    },
  };
}
