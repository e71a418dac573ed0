// The generic HTTP destination kind ("http"): the row's payload is the whole request (method, URL, headers, body), so
// any caller (EventBridge API destinations, Scheduler's universal targets, Pipes) plugs in without code of its own.
// Which statuses count as success and which failures are retried is data on the request as well: by default 2xx
// succeed, 429, 5xx, timeouts and connection errors are retried and other statuses fail at once (the caller's policy
// decides how often). EventBridge API destinations time requests out after 5 seconds and retry them (AWS knowledge
// center, "invoke my EventBridge API destination target"); that is the default timeout here.
import type { DestinationKind } from "./engine.ts";

export const HTTP_KIND = "http";

export interface HttpRequestPayload {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Statuses (besides connection errors and timeouts) that are retried; default 429 and 500-599. */
  retryStatuses?: number[];
}

export function httpPayload(r: HttpRequestPayload): string {
  return JSON.stringify(r);
}

export function httpDestination(): DestinationKind {
  return {
    async attempt(row) {
      const r = JSON.parse(row.payload) as HttpRequestPayload;
      try {
        const res = await fetch(r.url, {
          method: r.method ?? "POST", headers: r.headers, body: r.body, redirect: "manual", signal: AbortSignal.timeout(r.timeoutMs ?? 5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) return { ok: true };
        const retryable = r.retryStatuses ? r.retryStatuses.includes(res.status) : res.status === 429 || res.status >= 500;
        return { ok: false, code: String(res.status), message: `Endpoint responded with HTTP status ${res.status}`, retryable, deadLetterBody: r.body ?? "" };
      } catch (e) {
        return { ok: false, code: "ConnectionError", message: (e as Error).message, deadLetterBody: r.body ?? "" };
      }
    },
  };
}
