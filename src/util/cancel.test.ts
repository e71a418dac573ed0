import assert from "node:assert/strict";
import { test } from "node:test";
import { jobContext } from "../services/types.ts";
import { Canceller, cancelOf, NEVER, NEVER_ABORTED, signalCancel } from "./cancel.ts";

test("a Canceller fires each callback once, skips removed ones, and none registered after it fired", () => {
  const c = new Canceller();
  const fired: string[] = [];
  c.onAbort(() => fired.push("a"));
  const off = c.onAbort(() => fired.push("b"));
  off();
  assert.equal(c.aborted, false);
  c.abort();
  c.abort();
  assert.equal(c.aborted, true);
  c.onAbort(() => fired.push("late"))();
  assert.deepEqual(fired, ["a"]);
});

test("a signal's Cancel follows the signal; cancelOf prefers the transport's own", () => {
  const ac = new AbortController();
  const s = signalCancel(ac.signal);
  const fired: string[] = [];
  s.onAbort(() => fired.push("x"));
  const off = s.onAbort(() => fired.push("y"));
  off();
  ac.abort();
  assert.equal(s.aborted, true);
  assert.deepEqual(fired, ["x"]);
  const own = new Canceller();
  assert.equal(cancelOf({ cancel: own, signal: ac.signal }), own);
  assert.equal(cancelOf({ signal: ac.signal }).aborted, true);
});

test("an AbortController per call outlives the scavenges; a Canceller does not (why long polls use Cancel)", async () => {
  // Full GCs over 100k of each, counted by V8's own statistics: the young generation's scavenges free Cancellers, but
  // every AbortSignal survives them and is freed only by a full (mark-compact) GC.
  const { PerformanceObserver, constants } = await import("node:perf_hooks");
  const majors = async (make: () => void): Promise<number> => {
    let n = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) n++;
    });
    obs.observe({ entryTypes: ["gc"] });
    for (let i = 0; i < 100; i++) {
      for (let j = 0; j < 1000; j++) make();
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    return n;
  };
  const noop = () => {};
  const cheap = await majors(() => new Canceller().onAbort(noop)());
  const signals = await majors(() => {
    const ac = new AbortController();
    ac.signal.addEventListener("abort", noop, { once: true });
    ac.signal.removeEventListener("abort", noop);
  });
  assert.ok(signals > cheap, `full GCs: ${signals} with AbortControllers, ${cheap} with Cancellers`);
});

test("contexts made outside the wire share one never-aborted signal, and their Cancel adds no listener to it", () => {
  const a = jobContext("111122223333", "us-east-1");
  const b = jobContext("111122223333", "us-east-1", "http://127.0.0.1:4566", "key", "rid");
  assert.equal(a.signal, NEVER_ABORTED);
  assert.equal(b.signal, NEVER_ABORTED);
  assert.notEqual(a.requestId, jobContext("111122223333", "us-east-1").requestId);
  assert.deepEqual([b.requestId, b.baseUrl, b.accessKeyId], ["rid", "http://127.0.0.1:4566", "key"]);
  const c = cancelOf(a);
  assert.equal(c, NEVER);
  c.onAbort(() => assert.fail("never fires"))();
  assert.equal(c.aborted, false);
  assert.equal(NEVER_ABORTED.aborted, false);
});
