// The Kinesis peers of `npm run bench -- kinesis`, started by the suite as child processes pinned like Mailroom:
// kinesalite 3.3.3 with `--path` (LevelDB on disk: the durable comparison; it writes without fsync per call) and
// kinesis-local 0.6.2 (kinesis-mock built for Node: it must run with its own package folder as cwd, listens for
// plain HTTP on KINESIS_MOCK_PLAIN_PORT, keeps streams in memory and, with SHOULD_PERSIST_DATA, writes them to a JSON
// file every PERSIST_INTERVAL). Neither prints a readiness line we can rely on, so readiness is a TCP connect.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { connect } from "node:net";
import os from "node:os";
import { dirname } from "node:path";
import { freePort, SERVER_CORE, type Started } from "../lib/process.ts";

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
}

async function listening(port: number, proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`peer exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`peer did not listen on ${port} within ${timeoutMs} ms`);
}

function startedPeer(proc: ChildProcess, port: number, dir: string): Started {
  const exited = () => new Promise<void>((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once("exit", () => resolve())));
  const stop = async () => {
    const e = exited();
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await e;
    clearTimeout(t);
    rmSync(dir, { recursive: true, force: true });
  };
  return { proc, port, pid: proc.pid ?? 0, stop, kill9: stop };
}

export interface KinesisPeer extends Started {
  system: string;
  durability: string;
}

/** kinesalite on LevelDB in a fresh directory, CREATING for 0 ms, pinned to `core`. */
export async function startKinesalite(core = SERVER_CORE): Promise<KinesisPeer> {
  const port = await freePort();
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-kinesalite-`);
  const cli = require.resolve("kinesalite/cli.js");
  const proc = spawn("taskset", ["-c", core, process.execPath, cli, "--port", String(port), "--path", dir, "--createStreamMs", "0", "--shardLimit", "1000"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await listening(port, proc);
  return { ...startedPeer(proc, port, dir), system: `kinesalite ${versionOf("kinesalite")}`, durability: "LevelDB (--path), no fsync per call" };
}

/** kinesis-local with its data persisted to a JSON file (every 5 s, its default), pinned to `core`. */
export async function startKinesisLocal(core = SERVER_CORE): Promise<KinesisPeer> {
  const port = await freePort();
  const tls = await freePort();
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-kinesis-local-`);
  const main = require.resolve("kinesis-local/main.js");
  const proc = spawn("taskset", ["-c", core, process.execPath, main], {
    cwd: dirname(main),
    // (its log goes to stderr even at LOG_LEVEL=ERROR: "CPU is probably starving" warnings from its runtime)
    stdio: ["ignore", "ignore", "ignore"],
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(tls),
      CREATE_STREAM_DURATION: "0ms",
      DELETE_STREAM_DURATION: "0ms",
      REGISTER_STREAM_CONSUMER_DURATION: "0ms",
      SHARD_LIMIT: "1000",
      SHOULD_PERSIST_DATA: "true",
      PERSIST_PATH: dir,
      LOG_LEVEL: "ERROR",
    },
  });
  await listening(port, proc);
  return { ...startedPeer(proc, port, dir), system: `kinesis-local ${versionOf("kinesis-local")}`, durability: "memory, JSON file every 5 s" };
}
