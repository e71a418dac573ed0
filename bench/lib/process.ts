// Starting servers under test as child processes pinned to one core (Mailroom, our own Redis instances),
// pinning processes we did not start (taskset -a -p, restorable), and reading CPU time and RSS from /proc,
// so every row of a benchmark table reports the same resource figures.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import { join } from "node:path";
import { bundleState } from "../../bin/bundle-state.mjs";

export const CLOCK_TICKS = 100;

/**
 * The core that handles most of the block device's interrupts (virtio-blk "req" queues, NVMe, AHCI), from
 * /proc/interrupts; undefined when none is found. The suites print it: on this 2-vCPU guest it is core 1, and that core
 * pays for the disk's interrupt work whoever issues the I/O (bench/sqs-profile.md, fourth pass).
 */
export function diskIrqCore(text = readProcInterrupts()): string | undefined {
  const lines = text.split("\n");
  const cpus = (lines[0] ?? "").trim().split(/\s+/).filter((c) => /^CPU\d+$/.test(c));
  const totals = new Array<number>(cpus.length).fill(0);
  let found = false;
  for (const line of lines.slice(1)) {
    if (!/virtio\d+-req|nvme|ahci/.test(line)) continue;
    const counts = line.trim().split(/\s+/).slice(1, 1 + cpus.length).map(Number);
    if (counts.some(Number.isNaN)) continue;
    counts.forEach((n, i) => (totals[i] += n));
    found = true;
  }
  if (!found || totals.every((n) => n === 0)) return undefined;
  return cpus[totals.indexOf(Math.max(...totals))].slice(3);
}

function readProcInterrupts(): string {
  try {
    return readFileSync("/proc/interrupts", "utf8");
  } catch {
    return "";
  }
}

/**
 * Where the servers under test run (all their threads) and where the load generator runs: core 0 and core 1 unless
 * BENCH_SERVER_CORE / BENCH_GEN_CORE say otherwise. Measured on this guest (sqs-profile.md, fourth pass): a server on
 * the disk's interrupt core (1) had lower W4 latency but 10–22 % lower saturated throughput, for RabbitMQ too,
 * because that core also runs the disk's interrupt work; the default keeps the server off it.
 */
export const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? "0";
export const GEN_CORE = process.env.BENCH_GEN_CORE ?? (os.cpus().length < 2 ? SERVER_CORE : SERVER_CORE === "0" ? "1" : "0");

/** Pins this process (the generator, all its threads) to GEN_CORE; returns the CPU list it then has. */
export function pinGenerator(): string {
  pin(process.pid, GEN_CORE);
  return affinityOf(process.pid);
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** utime+stime of a process (all its threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

/** The CPU list a process may run on (e.g. "0-1"), from taskset -p. */
export function affinityOf(pid: number): string {
  const out = execFileSync("taskset", ["-c", "-p", String(pid)], { encoding: "utf8" });
  return out.slice(out.lastIndexOf(":") + 1).trim();
}

/** Pins every thread of a process to a CPU list; returns false when not permitted. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync("taskset", ["-a", "-c", "-p", cpus, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Pids of processes whose command line contains `needle` (e.g. RabbitMQ's beam.smp). */
export function pidsOf(needle: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", needle], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export interface Started {
  proc: ChildProcess;
  port: number;
  pid: number;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

function waitExit(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once("exit", () => resolve());
  });
}

function started(proc: ChildProcess, port: number): Started {
  return {
    proc,
    port,
    pid: proc.pid ?? 0,
    stop: async () => {
      const exited = waitExit(proc);
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
    kill9: async () => {
      const exited = waitExit(proc);
      proc.kill("SIGKILL");
      await exited;
    },
  };
}

const bundled = new Set<string>();

/**
 * Builds a checkout's bundle first when its src/ is newer. bin/mailroom.js would otherwise run the sources through tsx,
 * whose loader and helpers cost CPU per request, and the rows would measure that instead of what users run.
 */
export function ensureBundle(checkout: string): void {
  if (bundled.has(checkout)) return;
  bundled.add(checkout);
  if (bundleState(checkout) !== "stale") return;
  process.stderr.write(`# ${checkout}: dist/ is older than src/ (or missing): building it before the rows\n`);
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: checkout, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * A bench script that imports Mailroom's sources, bundled as scripts/build.mjs bundles the server (esbuild, Node 20.19
 * target, packages external) into a temporary .mjs, so it runs the code as users do rather than through tsx.
 */
export async function bundleScript(entry: string): Promise<string> {
  const { build } = await import("esbuild");
  const out = join(mkdtempSync(`${os.tmpdir()}/mailroom-bench-script-`), "script.mjs");
  await build({ entryPoints: [entry], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20.19", packages: "external", logLevel: "warning" });
  return out;
}

/**
 * Starts bin/mailroom.js pinned to `core` (taskset -c; the pid is node's, taskset execs it), or unpinned with null.
 * `checkout`: another checkout's bin/mailroom.js (BENCH_BASELINE: the same rows for an earlier version, in one run).
 * Its bundle is built first if its sources are newer (ensureBundle).
 */
export function startMailroomProcess(args: string[], core: string | null = SERVER_CORE, port?: number, checkout = "."): Promise<Started> {
  ensureBundle(checkout);
  return startNodeServer(`${checkout}/bin/mailroom.js`, (p) => ["--port", String(p), "--log-level", "warn", ...args], core, port);
}

/** Starts a node script that prints "ready" once it listens, pinned like startMailroomProcess. */
export async function startNodeServer(script: string, args: (port: number) => string[], core: string | null = SERVER_CORE, port?: number, scriptNodeArgs: string[] = []): Promise<Started> {
  const p = port ?? (await freePort());
  // BENCH_SERVER_NODE_ARGS passes flags to the server's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
  const nodeArgs = [...scriptNodeArgs, ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean)];
  const argv = [process.execPath, ...nodeArgs, script, ...args(p)];
  const proc = core === null ? spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "inherit"] }) : spawn("taskset", ["-c", core, ...argv], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      // SERVER_OUT=<file>: the server's stdout is appended there (--trace-gc and --trace-gc-nvp write to stdout).
      if (process.env.SERVER_OUT) appendFileSync(process.env.SERVER_OUT, d);
      out += d.toString();
      if (out.includes("ready")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return started(proc, p);
}

/** Starts a private redis-server on a free port, pinned to `core`, data in a temporary directory. */
export async function startRedis(config: string[], core = SERVER_CORE): Promise<Started & { version: string }> {
  const port = await freePort();
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-redis-`);
  const proc = spawn("taskset", ["-c", core, "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...config], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let version = "";
  await new Promise<void>((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      version ||= /v=([\d.]+)/.exec(out)?.[1] ?? /Redis version=([\d.]+)/.exec(out)?.[1] ?? "";
      if (out.includes("Ready to accept connections")) resolve();
    });
    proc.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`)));
  });
  proc.stdout?.resume();
  const s = started(proc, port);
  return {
    ...s,
    version,
    stop: async () => {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
