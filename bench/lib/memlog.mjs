// Preload for a benchmarked server, splitting its RSS into V8 heap, heap still live after the last full collection
// and memory outside the heap: BENCH_SERVER_NODE_ARGS="--import ./bench/lib/memlog.mjs" BENCH_MEMLOG=/tmp/mem.log.
// Every 250 ms one line: UTC time of day (the CloudWatch minute sample runs at minute boundaries), seconds since start, RSS, V8 heap committed (heapTotal) and used, external and ArrayBuffer
// memory (Buffers: request and response bodies), and the heap used right after the latest mark-compact (the live
// heap). RSS far above heapTotal + external is native memory (SQLite, code, malloc); heapTotal far above the live
// heap is collection deferred (V8 heap slack), not data the server keeps.
import { appendFileSync } from "node:fs";
import { constants, PerformanceObserver } from "node:perf_hooks";

const file = process.env.BENCH_MEMLOG ?? `/tmp/mailroom-memlog-${process.pid}.log`;
const mb = (x) => (x / 1048576).toFixed(1);
const t0 = Date.now();
let live = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) live = process.memoryUsage().heapUsed;
}).observe({ entryTypes: ["gc"] });
setInterval(() => {
  const m = process.memoryUsage();
  appendFileSync(file, `${new Date().toISOString().slice(11, 19)} ${((Date.now() - t0) / 1000).toFixed(2)} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} liveAfterMajorGC ${mb(live)}\n`);
}, 250).unref();
