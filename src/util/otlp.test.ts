// The OTLP exporter without a network: trace headers parsed strictly (malformed ones start a new trace), a collector
// that never answers holds at most OTLP_MAX_BUFFERED spans and costs warnings, not memory, and batches stay in order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTracer, OTLP_BATCH, OTLP_MAX_BUFFERED, parseTraceHeader, parseTraceparent, tracesUrl } from "./otlp.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const span = (i: number) => ({ requestId: `r${i}`, status: 200, startedAt: Date.now(), latencyMs: 1, service: "sqs", operation: "SendMessage" });

test("trace headers: X-Ray and W3C forms, malformed ones ignored", () => {
  assert.deepEqual(parseTraceHeader("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"),
    { traceId: "5759e988bd862e3fe1be46a994272793", parentSpanId: "53995c3f42cd8ad8" });
  assert.deepEqual(parseTraceHeader("Root=1-5759e988-bd862e3fe1be46a994272793"), { traceId: "5759e988bd862e3fe1be46a994272793", parentSpanId: undefined });
  for (const bad of ["", "Root=2-5759e988-bd862e3fe1be46a994272793", "Root=1-5759e98-bd862e3fe1be46a994272793", "x".repeat(100_000), `Root=1-${"a".repeat(50_000)}`]) {
    assert.equal(parseTraceHeader(bad), undefined, bad.slice(0, 40));
  }
  assert.deepEqual(parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), { traceId: "0af7651916cd43dd8448eb211c80319c", parentSpanId: "b7ad6b7169203331" });
  for (const bad of ["ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "00-00000000000000000000000000000000-b7ad6b7169203331-01",
    "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b71692033-01", "-".repeat(100_000)]) {
    assert.equal(parseTraceparent(bad), undefined, bad.slice(0, 40));
  }
});

test("the traces URL: the signal-specific variable wins, else <endpoint>/v1/traces", () => {
  assert.equal(tracesUrl("http://c:4318/", {}), "http://c:4318/v1/traces");
  assert.equal(tracesUrl("http://c:4318", { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://d/x" }), "http://d/x");
  assert.equal(tracesUrl(undefined, {}), undefined);
});

test("a collector that never answers: at most OTLP_MAX_BUFFERED spans wait, the rest are dropped with a warning", async () => {
  const warnings: string[] = [];
  const posted: number[] = [];
  const never = ((_url: string, init: { body: string; signal: AbortSignal }) => {
    posted.push(JSON.parse(init.body).resourceSpans[0].scopeSpans[0].spans.length);
    return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted"))));
  }) as unknown as typeof fetch;
  const tracer = createTracer("http://collector/v1/traces", { version: "t", log: { ...silent, warn: (m: string) => warnings.push(m) }, fetch: never });
  for (let i = 0; i < OTLP_MAX_BUFFERED * 3; i++) tracer.record(span(i));
  await new Promise((r) => setTimeout(r, 20));
  // The first batch went out at OTLP_BATCH spans and hangs; the buffer holds at most OTLP_MAX_BUFFERED behind it.
  assert.deepEqual(posted, [OTLP_BATCH]);
  void tracer.close();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(warnings.includes("OTLP spans dropped: the buffer was full"), warnings.join());
});

test("batches go out in order, OTLP_BATCH spans at most each", async () => {
  const sizes: number[] = [];
  const ids: string[] = [];
  const ok = (async (_url: string, init: { body: string }) => {
    const spans = JSON.parse(init.body).resourceSpans[0].scopeSpans[0].spans;
    sizes.push(spans.length);
    for (const s of spans) ids.push(s.attributes.find((a: { key: string }) => a.key === "aws.request_id").value.stringValue);
    return new Response(null, { status: 200 });
  }) as unknown as typeof fetch;
  const tracer = createTracer("http://collector/v1/traces", { version: "t", log: silent, fetch: ok });
  const n = OTLP_BATCH * 2 + 7;
  for (let i = 0; i < n; i++) tracer.record(span(i));
  await tracer.close();
  assert.deepEqual(sizes, [OTLP_BATCH, OTLP_BATCH, 7]);
  assert.deepEqual(ids, Array.from({ length: n }, (_, i) => `r${i}`));
});

test("an idle interval (nothing to send) does not stop later exports", async () => {
  let posts = 0;
  const ok = (async () => {
    posts++;
    return new Response(null, { status: 200 });
  }) as unknown as typeof fetch;
  const tracer = createTracer("http://collector/v1/traces", { version: "t", log: silent, fetch: ok });
  await tracer.flush();
  await tracer.flush();
  tracer.record(span(1));
  await tracer.flush();
  tracer.record(span(2));
  await tracer.close();
  assert.equal(posts, 2);
});

test("closing with a collector that fails: one attempt, the rest dropped, close does not wait batch after batch", async () => {
  let posts = 0;
  const failing = (async () => {
    posts++;
    throw new Error("connection refused");
  }) as unknown as typeof fetch;
  const tracer = createTracer("http://collector/v1/traces", { version: "t", log: silent, fetch: failing });
  for (let i = 0; i < OTLP_BATCH * 4 - 1; i++) tracer.record(span(i));
  await new Promise((r) => setTimeout(r, 20));
  const before = posts;
  await tracer.close();
  assert.ok(posts - before <= 1, `${posts - before} exports at close`);
});
