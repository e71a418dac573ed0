// Closed-loop measurement: `connections` workers each repeat one unit of work (a message's whole cycle)
// during a warm-up and then a measured window; reports units/s, latency percentiles, server CPU and RSS.
import { cpuSeconds, rssMb } from "./process.ts";

export interface Row {
  workload: string;
  system: string;
  durability: string;
  msgsPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  cpuPer1k: number | undefined;
  peakRssMb: number | undefined;
}

export interface LoopOptions {
  connections: number;
  warmupMs: number;
  measureMs: number;
  /** Processes whose CPU and RSS count as the server's. */
  serverPids: number[];
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Runs `work(worker)` in a loop on each worker; each call completes `msgs` messages. */
export async function closedLoop(
  o: LoopOptions,
  makeWorker: (i: number) => Promise<() => Promise<number>>,
): Promise<Pick<Row, "msgsPerSec" | "p50" | "p99" | "p999" | "cpuPer1k" | "peakRssMb">> {
  const workers = await Promise.all(Array.from({ length: o.connections }, (_, i) => makeWorker(i)));
  let measuring = false;
  let stop = false;
  let done = 0;
  const latencies: number[] = [];
  let peak = 0;
  const sampler = setInterval(() => {
    if (measuring) peak = Math.max(peak, o.serverPids.reduce((s, pid) => s + safe(() => rssMb(pid)), 0));
  }, 200);
  const loops = workers.map(async (w) => {
    while (!stop) {
      const t0 = performance.now();
      const n = await w();
      if (measuring) {
        done += n;
        latencies.push(performance.now() - t0);
      }
    }
  });
  await sleep(o.warmupMs);
  const cpu0 = o.serverPids.reduce((s, pid) => s + safe(() => cpuSeconds(pid)), 0);
  const t0 = performance.now();
  measuring = true;
  await sleep(o.measureMs);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = o.serverPids.reduce((s, pid) => s + safe(() => cpuSeconds(pid)), 0);
  stop = true;
  await Promise.all(loops);
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  return {
    msgsPerSec: done / elapsed,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    p999: pct(latencies, 99.9),
    cpuPer1k: o.serverPids.length > 0 && done > 0 ? ((cpu1 - cpu0) / done) * 1000 : undefined,
    peakRssMb: o.serverPids.length > 0 ? peak : undefined,
  };
}

function safe(f: () => number): number {
  try {
    return f();
  } catch {
    return 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function table(rows: Row[]): string {
  const head = "| workload | system | durability | msgs/s | p50 ms | p99 ms | p99.9 ms | server CPU-s / 1k msgs | peak RSS MB |";
  const sep = "|---|---|---|---:|---:|---:|---:|---:|---:|";
  const f = (n: number | undefined, d = 1) => (n === undefined ? "–" : n.toFixed(d));
  return [head, sep, ...rows.map((r) =>
    `| ${r.workload} | ${r.system} | ${r.durability} | ${Math.round(r.msgsPerSec).toLocaleString("en-US")} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.p999, 2)} | ${f(r.cpuPer1k, 3)} | ${f(r.peakRssMb, 0)} |`)].join("\n");
}
