// Optional OpenTelemetry tracing without an OpenTelemetry package: one SERVER span per API request, batched and
// posted as OTLP/HTTP JSON (https://opentelemetry.io/docs/specs/otlp/#otlphttp) to
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces". A request carrying a W3C
// traceparent joins that trace; else one carrying an AWS X-Ray header (X-Amzn-Trace-Id: Root=1-<8 hex>-<24 hex>;Parent=<16 hex>) joins that trace: X-Ray trace ids are
// 128 bits like W3C's (X-Ray developer guide, "Tracing header"). Export failures are logged and the spans dropped;
// the buffer is bounded so a collector that is down never holds memory.
import { randomBytes } from "node:crypto";
import type { Logger } from "./log.ts";

export interface SpanInput {
  service?: string;
  operation?: string;
  requestId: string;
  status: number;
  errorCode?: string;
  startedAt: number;
  latencyMs: number;
  traceHeader?: string;
  traceparent?: string;
}

export interface Tracer {
  record(span: SpanInput): void;
  /** Sends what is buffered (on close; tests). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Spans sent in one export at most, spans held at most (beyond it new ones are dropped), and the export interval. */
export const OTLP_BATCH = 512;
export const OTLP_MAX_BUFFERED = 4096;
export const OTLP_INTERVAL_MS = 1000;

/** The traces URL from the OpenTelemetry exporter variables (OTLP exporter configuration spec). */
export function tracesUrl(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!endpoint) return undefined;
  return `${endpoint.replace(/\/+$/, "")}/v1/traces`;
}

/** Trace id and parent span id of a W3C traceparent header (version 00; all-zero ids are invalid: W3C Trace Context). */
export function parseTraceparent(header: string | undefined): { traceId: string; parentSpanId: string } | undefined {
  const m = header ? /^\s*([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\s*$/.exec(header) : null;
  if (!m || m[1] === "ff" || /^0+$/.test(m[2]) || /^0+$/.test(m[3])) return undefined;
  return { traceId: m[2], parentSpanId: m[3] };
}

/** Trace id and parent span id of an X-Ray trace header, when it has a well-formed Root. */
export function parseTraceHeader(header: string | undefined): { traceId: string; parentSpanId?: string } | undefined {
  if (!header) return undefined;
  const root = /(?:^|;)\s*Root=1-([0-9a-f]{8})-([0-9a-f]{24})\s*(?:;|$)/i.exec(header);
  if (!root) return undefined;
  const parent = /(?:^|;)\s*Parent=([0-9a-f]{16})\s*(?:;|$)/i.exec(header);
  return { traceId: (root[1] + root[2]).toLowerCase(), parentSpanId: parent?.[1].toLowerCase() };
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

export function createTracer(url: string, opts: { serviceName?: string; version: string; log: Logger; fetch?: typeof fetch }): Tracer {
  const send = opts.fetch ?? fetch;
  let buffer: object[] = [];
  let dropped = 0;
  let draining: Promise<void> | undefined;
  let closing = false;
  const timer = setInterval(() => void flush(), OTLP_INTERVAL_MS);
  timer.unref();

  function toSpan(s: SpanInput): object {
    // A W3C traceparent (OpenTelemetry clients) first, else an X-Ray header.
    const parent = parseTraceparent(s.traceparent) ?? parseTraceHeader(s.traceHeader);
    const start = BigInt(Math.round(s.startedAt * 1e6));
    const end = start + BigInt(Math.round(s.latencyMs * 1e6));
    const attributes = [
      str("rpc.system", "aws-api"), str("aws.request_id", s.requestId), int("http.response.status_code", s.status),
    ];
    if (s.service) attributes.push(str("rpc.service", s.service));
    if (s.operation) attributes.push(str("rpc.method", s.operation));
    if (s.errorCode) attributes.push(str("aws.error_code", s.errorCode));
    return {
      traceId: parent?.traceId ?? randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      ...(parent?.parentSpanId ? { parentSpanId: parent.parentSpanId } : {}),
      name: s.service && s.operation ? `${s.service}.${s.operation}` : "request",
      kind: 2, // SPAN_KIND_SERVER
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: end.toString(),
      attributes,
      // STATUS_CODE_ERROR for server faults only (OpenTelemetry semantic conventions: 4xx is not a server span error).
      status: s.status >= 500 ? { code: 2, message: s.errorCode ?? "" } : { code: 0 },
    };
  }

  async function exportBatch(spans: object[]): Promise<boolean> {
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [str("service.name", opts.serviceName ?? "mailroom"), str("service.version", opts.version)] },
        scopeSpans: [{ scope: { name: "mailroom", version: opts.version }, spans }],
      }],
    });
    try {
      const res = await send(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) opts.log.warn("OTLP export refused", { url, status: res.status, spans: spans.length });
      return res.ok;
    } catch (e) {
      opts.log.warn("OTLP export failed", { url, error: e instanceof Error ? e.message : String(e), spans: spans.length });
      return false;
    }
  }

  function flush(): Promise<void> {
    if (dropped > 0) {
      opts.log.warn("OTLP spans dropped: the buffer was full", { dropped });
      dropped = 0;
    }
    if (buffer.length === 0) return draining ?? Promise.resolve();
    // One drain at a time, exporting batch after batch in order until the buffer is empty (its first await comes
    // before its finally, so `draining` is set before it is cleared). Closing, a failed export drops the rest.
    draining ??= (async () => {
      try {
        while (buffer.length > 0) {
          const batch = buffer.slice(0, OTLP_BATCH);
          buffer = buffer.slice(OTLP_BATCH);
          const ok = await exportBatch(batch);
          if (!ok && closing && buffer.length > 0) {
            opts.log.warn("OTLP spans dropped at close: the collector does not answer", { dropped: buffer.length });
            buffer = [];
          }
        }
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  }

  return {
    record(s) {
      if (buffer.length >= OTLP_MAX_BUFFERED) {
        dropped++;
        return;
      }
      buffer.push(toSpan(s));
      if (buffer.length >= OTLP_BATCH) void flush();
    },
    flush,
    async close() {
      closing = true;
      clearInterval(timer);
      await flush();
    },
  };
}
