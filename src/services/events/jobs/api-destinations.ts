// API destinations as a destination kind of the delivery engine (ADR 0011, ADR 0018). PutEvents writes an outbox row
// per matched API destination target (target = the destination's ARN; payload = the body and the target's
// HttpParameters; the target's retry policy and dead-letter queue on the row). At attempt time the destination and
// its connection are read afresh, so updates apply to pending retries; the destination's InvocationRateLimitPerSecond
// is the row's throttle (the engine puts a delivery over it back to the next second without using a retry).
// Outcomes (user guide, "API destinations", error codes): 2xx delivered; 429 and 5xx, timeouts (5 s) and connection
// errors retried; 1xx, 3xx and other 4xx not retried. OAuth tokens are fetched from the authorization endpoint with
// the client credentials and cached until they expire; a 401 or 407 drops the token ("OAUTH tokens are refreshed
// when a 401 or 407 response is returned") and the delivery is retried with a new one.
import type { RuleRef } from "../metrics.ts";
import type { DestinationKind, OutboxRow, Resolved } from "../../../delivery/types.ts";
import { type ConnectionAuthDeps, type ConnectionKey, connectionToken, dropTokens, send } from "../connection-auth.ts";
import { type ApiDestinationDoc, type ConnectionDoc, invocationRequest } from "../domain/connections.ts";
import { parseResourceArn, targetKind } from "../domain/names.ts";
import type { TargetSettings } from "../store.ts";

export const API_DESTINATION_KIND = "events.api-destination";

export interface ApiDestinationPayload {
  /** The event, or the target's Input / InputPath / InputTransformer output. */
  body: string;
  http?: TargetSettings["HttpParameters"];
  /** The rule's account (sender of dead-letter messages). */
  sender: string;  /** The rule whose target this is: its invocation is counted when the row settles (metrics.ts). */
  rule?: RuleRef;
}

interface ApiResolved extends Resolved {
  dest?: ApiDestinationDoc;
  conn?: ConnectionDoc;
  connKey?: ConnectionKey;
  /** The connection document as read (compare-and-set when marking it authorized). */
  connText?: string;
  missing?: { code: string; message: string };
}

export type ApiDestinationDeps = ConnectionAuthDeps;

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

type Found = { dest: ApiDestinationDoc; conn: ConnectionDoc; connKey: ConnectionKey; connText: string } | { missing: { code: string; message: string } };

/** The API destination an ARN names and its connection, read afresh, or why it cannot be invoked. */
async function lookup(d: ApiDestinationDeps, arn: string): Promise<Found> {
  const k = targetKind(arn);
  if (k.kind !== "api-destination") return { missing: { code: "NO_RESOURCE", message: "Not an API destination ARN." } };
  const stored = await d.store.getDocument("api-destination", { account: k.account, region: k.region, name: k.name });
  const dest = stored ? (JSON.parse(stored) as ApiDestinationDoc) : undefined;
  // A destination deleted (or deleted and created again) meanwhile is gone: not retried (user guide, DLQ: "a target resource that no longer exists").
  if (!dest || dest.uuid !== k.uuid) return { missing: { code: "NO_RESOURCE", message: `API destination ${k.name} does not exist.` } };
  const c = parseResourceArn(dest.connectionArn, "connection");
  const connKey = c && { account: c.account, region: c.region, name: c.name };
  const cs = connKey && (await d.store.getDocument("connection", connKey));
  const conn = cs ? (JSON.parse(cs) as ConnectionDoc) : undefined;
  if (!conn || !connKey || !cs || conn.uuid !== c?.uuid) return { missing: { code: "NO_RESOURCE", message: "The API destination's connection does not exist." } };
  if (conn.state === "DEAUTHORIZED") return { missing: { code: "NO_PERMISSIONS", message: "The API destination's connection is deauthorized." } };
  return { dest, conn, connKey, connText: cs };
}

/** What a synchronous invocation of an API destination answered: the endpoint's status and body, or why there was none. */
export type ApiDestinationAnswer = { status: number; body: string } | { code: string; error: string };

/**
 * Invokes an API destination of the caller's account and region once, synchronously, with its connection's
 * authorization (EventBridge Pipes' API destination enrichments and targets): no retries, no rate limit, no outbox.
 */
export async function invokeApiDestination(
  d: ApiDestinationDeps, arn: string, body: string, http: TargetSettings["HttpParameters"], caller: { account: string; region: string },
): Promise<ApiDestinationAnswer> {
  const k = targetKind(arn);
  if (k.kind === "api-destination" && (k.account !== caller.account || k.region !== caller.region)) {
    return { code: "NO_PERMISSIONS", error: `The API destination ${arn} belongs to another account or region.` };
  }
  const found = await lookup(d, arn);
  if ("missing" in found) return { code: found.missing.code, error: found.missing.message };
  let bearer: string | undefined;
  if (found.conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS") {
    const t = await connectionToken(d, found.conn, found.connKey, found.connText);
    if (typeof t !== "string") return { code: t.code, error: t.message };
    bearer = t;
  }
  const res = await send(invocationRequest(found.dest, found.conn, body, http, bearer));
  if ("error" in res) return { code: res.timeout ? "TIMEOUT" : "CONNECTION_ERROR", error: res.error };
  if (found.conn.authorizationType === "OAUTH_CLIENT_CREDENTIALS" && (res.status === 401 || res.status === 407)) dropTokens(d, found.conn.uuid);
  return { status: res.status, body: res.text };
}

export function apiDestinationKind(d: ApiDestinationDeps): DestinationKind {
  async function token(r: ApiResolved): Promise<string | { code: string; message: string }> {
    return connectionToken(d, r.conn as ConnectionDoc, r.connKey as ConnectionKey, r.connText);
  }

  return {
    async resolve(row: OutboxRow): Promise<ApiResolved> {
      const base: ApiResolved = { policy: row.policy, deadLetter: row.deadLetter, senderId: (JSON.parse(row.payload) as ApiDestinationPayload).sender };
      const found = await lookup(d, row.target);
      if ("missing" in found) return { ...base, missing: found.missing };
      const { dest } = found;
      const policy = row.policy && dest.rateLimit !== undefined ? { ...row.policy, maxPerSecond: dest.rateLimit } : row.policy;
      return { ...base, policy, ...found };
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
        dropTokens(d, conn.uuid);
        return { ok: false, code: String(s), message, deadLetterBody: p.body, ...wait };
      }
      if (s === 429) return { ok: false, code: "THROTTLING", message, deadLetterBody: p.body, ...wait };
      return { ok: false, code: String(s), message, retryable: s >= 500, deadLetterBody: p.body, ...wait };
    },
  };
}
