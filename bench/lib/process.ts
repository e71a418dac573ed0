// Starting a server under test as a child process pinned to one core, and reading its CPU time and RSS
// from /proc, so every row of a benchmark table reports the same resource figures.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

export const CLOCK_TICKS = 100;

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** utime+stime of a process and its threads, in seconds. */
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

export interface Started {
  proc: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

export async function startMailroomProcess(args: string[], core = "0"): Promise<Started> {
  const port = await freePort();
  const proc = spawn("taskset", ["-c", core, process.execPath, "bin/mailroom.js", "--port", String(port), "--log-level", "warn", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    proc.once("exit", (code) => reject(new Error(`mailroom exited with ${code}`)));
  });
  return {
    proc,
    port,
    stop: () =>
      new Promise((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}
