// Open-loop (fixed arrival rate) end-to-end latency, corrected for coordinated omission: message i is
// scheduled at t0 + i/rate whatever happened before, its scheduled time travels in the message, and its
// latency is taken from that scheduled time to the moment a consumer receives it. When every sender slot is
// busy, due messages queue in the generator and the wait counts as latency. The scheduler spins on
// setImmediate (it yields to I/O every turn) so sends leave on time; the generator's CPU % is therefore
// ~100 % by construction in this workload. The row also reports the send lag (dispatch − scheduled).
import { writeFileSync } from "node:fs";
import { CpuWindow, type Measured, RssSampler, type ServerPids, pct, rssOf, sleep, summarize } from "./measure.ts";

/** The process's time origin: a constant, read once (its getter allocates a number on every call, in the spin loop). */
const ORIGIN = performance.timeOrigin;

/** Absolute time in ms (sub-ms resolution), comparable across this process. */
export const nowMs = (): number => ORIGIN + performance.now();

export interface OpenLoopSystem {
  /** Starts the consumers; they call onReceive(scheduledAtMs) once per message received. */
  start(onReceive: (scheduledAt: number) => void): Promise<void>;
  /** Sends one message carrying `scheduledAt`; resolves when the send is acknowledged. */
  send(scheduledAt: number): Promise<void>;
  /** Concurrent sends allowed (sender connections or an in-flight window). */
  maxInFlight: number;
  stop(): Promise<void>;
}

export interface OpenLoopOptions extends ServerPids {
  ratePerSec: number;
  warmupMs: number;
  measureMs: number;
  /** How long to wait after the window for its last messages to arrive. */
  graceMs?: number;
  /** Called once the system's consumers have started, before the first send. */
  onStarted?: () => void;
}

/** Message i's scheduled time, in whole µs (what its body carries). */
const scheduledAt = (t0: number, i: number, interval: number): number => Math.round((t0 + i * interval) * 1000) / 1000;

export async function openLoop(o: OpenLoopOptions, sys: OpenLoopSystem): Promise<Measured> {
  const latencies: number[] = [];
  // BENCH_DUMP=<file>: each message's scheduled time (ms since the epoch) and latency, one per line, to line up with
  // the server's loop stalls (bench/lib/stalls.mjs) or its GC trace.
  const dump: string[] | undefined = process.env.BENCH_DUMP ? [] : undefined;
  const lags: number[] = [];
  let windowStart = 0;
  let windowEnd = 0;
  let received = 0;
  await sys.start((at) => {
    const now = nowMs();
    if (at >= windowStart && at < windowEnd) {
      latencies.push(now - at);
      dump?.push(`${at.toFixed(1)} ${(now - at).toFixed(2)}`);
      received++;
    }
  });
  o.onStarted?.();
  const interval = 1000 / o.ratePerSec;
  const t0 = nowMs() + 20;
  windowStart = t0 + o.warmupMs;
  windowEnd = windowStart + o.measureMs;
  let next = 0; // index of the next message to schedule
  const due: number[] = [];
  let dueHead = 0;
  let inFlight = 0;
  let sendErrors = 0;
  let firstError: unknown;
  let scheduledInWindow = 0;
  let sampler: RssSampler | undefined;
  let cpu: CpuWindow | undefined;
  let cpuResult: ReturnType<CpuWindow["end"]> | undefined;

  await new Promise<void>((resolve) => {
    const pump = () => {
      const now = nowMs();
      if (!cpu && now >= windowStart) {
        cpu = new CpuWindow(o);
        sampler = new RssSampler(o);
      }
      if (cpu && !cpuResult && now >= windowEnd) cpuResult = cpu.end();
      // Scheduled times are rounded to the µs the message bodies carry (toFixed(3)), so the window test here and the
      // receiver's test of the parsed body agree: unrounded, a message at the window's edge could count as scheduled
      // here and fall outside on receipt, and show as "1 of N messages not received".
      for (let at = scheduledAt(t0, next, interval); at <= now && at < windowEnd; at = scheduledAt(t0, next, interval)) {
        due.push(at);
        next++;
        if (at >= windowStart) scheduledInWindow++;
      }
      while (inFlight < sys.maxInFlight && dueHead < due.length) {
        const at = due[dueHead++];
        if (at >= windowStart) lags.push(now - at);
        inFlight++;
        sys.send(at).then(
          () => inFlight--,
          (e) => {
            inFlight--;
            sendErrors++;
            firstError ??= e;
          },
        );
      }
      if (dueHead > 4096 && dueHead === due.length) {
        due.length = 0;
        dueHead = 0;
      }
      if (now >= windowEnd && dueHead === due.length) resolve();
      else setImmediate(pump);
    };
    pump();
  });
  cpuResult ??= cpu?.end();
  // Wait for the window's messages to arrive (the CPU window already closed at windowEnd).
  const deadline = nowMs() + (o.graceMs ?? 5000);
  while (received < scheduledInWindow - sendErrors && nowMs() < deadline) await sleep(10);
  sampler?.stop();
  await sys.stop();
  if (dump && process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, `${dump.join("\n")}\n`);
  const missing = scheduledInWindow - sendErrors - received;
  const lagSorted = Float64Array.from(lags).sort();
  const hasPids = o.serverPids.length + (o.cpuOnlyPids?.length ?? 0) > 0;
  const notes = [`rate ${Math.round(o.ratePerSec).toLocaleString("en-US")}/s; send lag p50 ${pct(lagSorted, 50).toFixed(2)} ms, p99 ${pct(lagSorted, 99).toFixed(2)} ms`];
  if (missing > 0) notes.push(`${missing} of ${scheduledInWindow} messages not received within ${(o.graceMs ?? 5000) / 1000} s (not in the percentiles)`);
  if (sendErrors > 0) notes.push(`${sendErrors} failed sends (first: ${String(firstError).slice(0, 160)})`);
  return {
    msgsPerSec: received / (o.measureMs / 1000),
    ...summarize(latencies),
    cpuPer1k: hasPids && received > 0 && cpuResult ? (cpuResult.serverCpu / received) * 1000 : undefined,
    peakRssMb: o.serverPids.length > 0 ? Math.max(sampler?.peak ?? 0, rssOf(o)) : undefined,
    genCpuPct: cpuResult?.genCpuPct,
    otherCpuPct: cpuResult?.otherCpuPct,
    note: notes.join("; "),
  };
}
