// Measurement for the benchmark suites. closedLoop: `connections` workers each repeat one unit of work (a
// request, or a message's whole cycle) during a warm-up and then a measured window; reports msgs/s, latency
// percentiles of the unit, server CPU-seconds per 1k messages and peak RSS (from /proc, for the given pids),
// and the load generator's own CPU use. openLoop (./open-loop.ts) and the backlog drain reuse the pieces here.
import { readFileSync } from "node:fs";
import { CLOCK_TICKS, cpuSeconds, rssMb } from "./process.ts";

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
  /** The load generator's CPU use during the window, % of one core (all its threads). */
  genCpuPct?: number;
  /** CPU used on the machine by everything but the server and the generator, % of one core (disturbance). */
  otherCpuPct?: number;
  /** Free text shown under the table (errors, rates, what was measured). */
  note?: string;
}

export type Measured = Pick<Row, "msgsPerSec" | "p50" | "p99" | "p999" | "cpuPer1k" | "peakRssMb" | "genCpuPct" | "otherCpuPct" | "note">;

/** Busy CPU-seconds of the whole machine so far (all CPUs), from /proc/stat. */
export function hostCpuSeconds(): number {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4];
  return busy / CLOCK_TICKS;
}

/** Processes whose CPU (and RSS) count as the server's. */
export interface ServerPids {
  /** CPU and RSS both count. */
  serverPids: number[];
  /** CPU counts, RSS does not (e.g. PostgreSQL backends, whose RSS includes shared buffers). */
  cpuOnlyPids?: number[];
}

export interface LoopOptions extends ServerPids {
  connections: number;
  warmupMs: number;
  measureMs: number;
  /** Called after the warm-up to find (and pin) server processes that only exist once load runs. */
  resolvePids?: () => Promise<ServerPids>;
}

export function pct(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
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

/** CPU-seconds so far of every pid. */
export function cpuOf(p: ServerPids): number {
  return [...p.serverPids, ...(p.cpuOnlyPids ?? [])].reduce((s, pid) => s + safe(() => cpuSeconds(pid)), 0);
}

/** Summed RSS of the RSS-counted pids, MB. */
export function rssOf(p: ServerPids): number {
  return p.serverPids.reduce((s, pid) => s + safe(() => rssMb(pid)), 0);
}

/** Samples the servers' RSS every `everyMs`; keeps the peak and a time series. */
export class RssSampler {
  peak = 0;
  readonly samples: { t: number; mb: number }[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = performance.now();

  constructor(p: ServerPids, everyMs = 200) {
    this.timer = setInterval(() => {
      if (p.serverPids.length === 0) return;
      const mb = rssOf(p);
      this.peak = Math.max(this.peak, mb);
      this.samples.push({ t: (performance.now() - this.t0) / 1000, mb });
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Measures CPU of the servers and of this process over a window. */
export class CpuWindow {
  private readonly p: ServerPids;
  private readonly server0: number;
  private readonly gen0: NodeJS.CpuUsage;
  private readonly host0: number;
  private readonly t0 = performance.now();

  constructor(p: ServerPids) {
    this.p = p;
    this.server0 = cpuOf(p);
    this.gen0 = process.cpuUsage();
    this.host0 = hostCpuSeconds();
  }

  /** Elapsed seconds, server CPU-seconds used, generator and other CPU as % of one core. */
  end(): { elapsed: number; serverCpu: number; genCpuPct: number; otherCpuPct: number } {
    const elapsed = (performance.now() - this.t0) / 1000;
    const g = process.cpuUsage(this.gen0);
    const serverCpu = cpuOf(this.p) - this.server0;
    const genCpu = (g.user + g.system) / 1e6;
    const other = Math.max(0, hostCpuSeconds() - this.host0 - serverCpu - genCpu);
    return { elapsed, serverCpu, genCpuPct: (genCpu / elapsed) * 100, otherCpuPct: (other / elapsed) * 100 };
  }
}

/** The figures every loop reports from its window: rate, latency percentiles, server CPU per 1k and peak RSS. */
function figures(p: ServerPids, w: ReturnType<CpuWindow["end"]>, done: number, latencies: number[], sampler: RssSampler) {
  const hasPids = p.serverPids.length + (p.cpuOnlyPids?.length ?? 0) > 0;
  return {
    msgsPerSec: done / w.elapsed,
    ...summarize(latencies),
    cpuPer1k: hasPids && done > 0 ? (w.serverCpu / done) * 1000 : undefined,
    peakRssMb: p.serverPids.length > 0 ? Math.max(sampler.peak, rssOf(p)) : undefined,
    genCpuPct: w.genCpuPct,
    otherCpuPct: w.otherCpuPct,
  };
}

export function summarize(latencies: number[]): { p50: number; p99: number; p999: number } {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: pct(sorted, 50), p99: pct(sorted, 99), p999: pct(sorted, 99.9) };
}

/** Runs `work()` in a loop on each worker; each call completes the returned number of messages. */
export async function closedLoop(o: LoopOptions, makeWorker: (i: number) => Promise<() => Promise<number>>): Promise<Measured> {
  const workers = await Promise.all(Array.from({ length: o.connections }, (_, i) => makeWorker(i)));
  let measuring = false;
  let stop = false;
  let done = 0;
  let errors = 0;
  let firstError: unknown;
  const latencies: number[] = [];
  const loops = workers.map(async (w) => {
    while (!stop) {
      const t0 = performance.now();
      let n: number;
      try {
        n = await w();
      } catch (e) {
        errors++;
        firstError ??= e;
        if (errors > 100) {
          stop = true;
          throw e;
        }
        continue;
      }
      if (measuring) {
        done += n;
        latencies.push(performance.now() - t0);
      }
    }
  });
  const failed = Promise.all(loops).then(() => undefined);
  await Promise.race([sleep(o.warmupMs), failed]);
  const pids: ServerPids = o.resolvePids ? await o.resolvePids() : o;
  const sampler = new RssSampler(pids);
  const cpu = new CpuWindow(pids);
  measuring = true;
  await Promise.race([sleep(o.measureMs), failed]);
  measuring = false;
  const window = cpu.end();
  stop = true;
  sampler.stop();
  await failed;
  return {
    ...figures(pids, window, done, latencies, sampler),
    note: errors > 0 ? `${errors} failed calls (first: ${String(firstError).slice(0, 160)})` : undefined,
  };
}

const f = (n: number | undefined, d: number) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(d));

export function table(rows: Row[]): string {
  const head = "| workload | system | durability | msgs/s | p50 ms | p99 ms | p99.9 ms | server CPU-s / 1k msgs | peak RSS MB | gen CPU % | other CPU % |";
  const sep = "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  return [
    head,
    sep,
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.system} | ${r.durability} | ${Math.round(r.msgsPerSec).toLocaleString("en-US")} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.p999, 2)} | ${f(r.cpuPer1k, 3)} | ${f(r.peakRssMb, 0)} | ${f(r.genCpuPct, 0)} | ${f(r.otherCpuPct, 0)} |`,
    ),
  ].join("\n");
}

/** The rows' notes, one line each, for under the table. */
export function notes(rows: Row[]): string {
  return rows
    .filter((r) => r.note)
    .map((r) => `- ${r.workload} / ${r.system} / ${r.durability}: ${r.note}`)
    .join("\n");
}

export interface CountedOptions extends ServerPids {
  connections: number;
  /** Messages to get through; workers stop once this many are done. */
  total: number;
  /** Give up after this long (the row then says how many were done). */
  timeoutMs: number;
  /** Pause after a unit that did nothing (an empty receive) before trying again. */
  idleBackoffMs?: number;
}

/** Runs workers until `total` messages are done (a prefill or a drain); the whole run is measured. */
export async function countedLoop(o: CountedOptions, makeWorker: (i: number) => Promise<() => Promise<number>>): Promise<Measured & { done: number; elapsed: number; samples: RssSampler["samples"] }> {
  const workers = await Promise.all(Array.from({ length: o.connections }, (_, i) => makeWorker(i)));
  let done = 0;
  let emptyUnits = 0;
  const latencies: number[] = [];
  const sampler = new RssSampler(o);
  const cpu = new CpuWindow(o);
  const deadline = performance.now() + o.timeoutMs;
  await Promise.all(
    workers.map(async (w) => {
      while (done < o.total && performance.now() < deadline) {
        const t0 = performance.now();
        const n = await w();
        latencies.push(performance.now() - t0);
        done += n;
        if (n === 0) {
          emptyUnits++;
          await sleep(o.idleBackoffMs ?? 5);
        }
      }
    }),
  );
  const window = cpu.end();
  const { elapsed } = window;
  sampler.stop();
  return {
    done,
    elapsed,
    samples: sampler.samples,
    ...figures(o, window, done, latencies, sampler),
    note: `${done.toLocaleString("en-US")} messages in ${elapsed.toFixed(1)} s${emptyUnits > 0 ? `, ${emptyUnits} empty receives` : ""}${done < o.total ? ` — STOPPED at the ${o.timeoutMs / 1000} s timeout` : ""}`,
  };
}
