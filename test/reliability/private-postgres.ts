// A private PostgreSQL server for outage tests (issue 20, items 1 and 2): initdb into a temp dir, then start and
// stop it at will with pg_ctl, on a free port, without touching the shared server on 5432. PostgreSQL refuses to
// run as root, so as root the server runs as the `postgres` user through runuser. unavailable() names why it
// cannot run here (no binaries, no such user), for a visible skip.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "pg_ctl"))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], "bin") : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

export async function privatePostgresUnavailable(): Promise<string | false> {
  if (!binDir()) return "no PostgreSQL server binaries under /usr/lib/postgresql";
  if (isRoot) {
    try {
      await exec("id", ["postgres"]);
      await exec("runuser", ["--version"]);
    } catch {
      return "running as root without a postgres user or runuser";
    }
  }
  return false;
}

export interface PrivatePostgres {
  url: string;
  port: number;
  /** Stops (SIGSTOP) or resumes (SIGCONT) every process of this server: frozen, connections open, nothing answered. */
  freeze(on: boolean): Promise<void>;
  start(): Promise<void>;
  /** pg_ctl stop: "fast" disconnects clients and shuts down cleanly; "immediate" is a crash (recovery at start). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), "mailroom-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  const run = (cmd: string, args: string[]) =>
    isRoot ? exec("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]) : exec(join(bin, cmd), args);
  await run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    freeze: async (on) => {
      const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
      const children = (await exec("pgrep", ["-P", String(postmaster)]).catch(() => ({ stdout: "" }))).stdout.split("\n").filter(Boolean).map(Number);
      for (const pid of [postmaster, ...children]) process.kill(pid, on ? "SIGSTOP" : "SIGCONT");
    },
    start: async () => {
      await run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
    },
    stop: async (mode = "fast") => {
      await run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
    },
    destroy: async () => {
      await pg.freeze(false).catch(() => {});
      await run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}
