// The disk's fdatasync latency on this machine, quiet and with a CPU hog on every core (bench/sqs-profile.md,
// third pass): W4's e2e latency includes one fdatasync of the WAL, so its p99 cannot be below the disk's p99 under
// the same CPU load. Writes 16 KiB then fdatasyncs, 3,000 times, appending to a new file and overwriting a
// preallocated one; the syncing process is pinned to the suites' server core, and the last two rows compare issuing
// the sync from that core and from the other while the other core is busy.
//   node --import tsx bench/fsync-tail.ts [dir]      (dir: where the test files go, default the OS temp dir)
import { spawn, spawnSync } from "node:child_process";
import { fdatasyncSync, mkdtempSync, openSync, closeSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { diskIrqCore, GEN_CORE, SERVER_CORE } from "./lib/process.ts";

const ROUNDS = 3000;
const SIZE = 16 * 1024;

function run(mode: "append" | "overwrite", dir: string): string {
  const file = join(dir, `fsync-${mode}`);
  const fd = openSync(file, "w+");
  const buf = Buffer.alloc(SIZE, 1);
  if (mode === "overwrite") {
    for (let i = 0; i < ROUNDS; i++) writeSync(fd, buf, 0, SIZE, i * SIZE);
    fdatasyncSync(fd);
  }
  const lat = new Float64Array(ROUNDS);
  for (let i = 0; i < ROUNDS; i++) {
    writeSync(fd, buf, 0, SIZE, i * SIZE);
    const t = performance.now();
    fdatasyncSync(fd);
    lat[i] = (performance.now() - t) * 1000;
  }
  closeSync(fd);
  rmSync(file);
  lat.sort();
  const p = (q: number) => lat[Math.min(ROUNDS - 1, Math.floor(ROUNDS * q))].toFixed(0);
  return `p50 ${p(0.5)} µs, p90 ${p(0.9)}, p99 ${p(0.99)}, p99.9 ${p(0.999)}, max ${lat[ROUNDS - 1].toFixed(0)}`;
}

if (process.argv[2] === "--child") {
  console.log(run(process.argv[3] as "append" | "overwrite", process.argv[4]));
  process.exit(0);
}

const dir = mkdtempSync(join(process.argv[2] ?? os.tmpdir(), "mailroom-fsync-"));
const pinned = (mode: string, core = SERVER_CORE) =>
  spawnSync("taskset", ["-c", core, process.execPath, "--import", "tsx", new URL(import.meta.url).pathname, "--child", mode, dir], { encoding: "utf8" }).stdout.trim();
/** Runs `fn` with a CPU hog pinned to each of `cores`. */
async function hogged<T>(cores: string[], fn: () => T): Promise<T> {
  const hogs = cores.map((cpu) => spawn("taskset", ["-c", cpu, process.execPath, "-e", "for (;;);"], { stdio: "ignore" }));
  await new Promise((r) => setTimeout(r, 200));
  try {
    return fn();
  } finally {
    for (const h of hogs) h.kill("SIGKILL");
  }
}
try {
  console.log(`# disk interrupts on core ${diskIrqCore() ?? "?"}; the suites' server core ${SERVER_CORE}, generator core ${GEN_CORE}`);
  for (const mode of ["append", "overwrite"]) console.log(`quiet,      ${mode.padEnd(9)}: ${pinned(mode)}`);
  const all = os.cpus().map((_, cpu) => String(cpu));
  for (const mode of ["append", "overwrite"]) console.log(`CPU hogs,   ${mode.padEnd(9)}: ${await hogged(all, () => pinned(mode))}`);
  if (GEN_CORE !== SERVER_CORE) {
    // The suites' layout (sync on the server core, the generator's core busy) against the opposite one.
    console.log(`sync on ${SERVER_CORE}, hog on ${GEN_CORE}, overwrite: ${await hogged([GEN_CORE], () => pinned("overwrite", SERVER_CORE))}`);
    console.log(`sync on ${GEN_CORE}, hog on ${SERVER_CORE}, overwrite: ${await hogged([SERVER_CORE], () => pinned("overwrite", GEN_CORE))}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
