// pg-boss peer on the local PostgreSQL (a fresh database per row): W1 send; W2 insert of 10; W3 send → fetch →
// complete per job; W3b insert 10 → fetch(batchSize 10) → complete; W4 boss.work() polling every 0.5 s (its
// minimum) for up to 1000 jobs a poll. Its database backends are pinned to core 0 once they exist (pgBackends), and their CPU counted;
// PostgreSQL's shared processes (WAL writer, checkpointer) stay unpinned and uncounted.
import { execFileSync } from "node:child_process";
import pg from "pg";
import PgBoss from "pg-boss";
import { type OpenLoopSystem } from "../lib/open-loop.ts";
import { pin, SERVER_CORE } from "../lib/process.ts";

export async function pgBossWorkers(url: string, connections: number, batch: boolean, sendOnly = false) {
  const boss = new PgBoss({ connectionString: url, max: connections + 2, supervise: false, schedule: false });
  boss.on("error", () => {});
  await boss.start();
  const queue = `bench_${Date.now()}`;
  await boss.createQueue(queue);
  const data = { body: "x".repeat(1024) };
  const make = async () => async () => {
    if (batch) await boss.insert(Array.from({ length: 10 }, () => ({ name: queue, data })));
    else await boss.send(queue, data);
    if (sendOnly) return batch ? 10 : 1;
    const jobs = await boss.fetch(queue, { batchSize: batch ? 10 : 1 });
    if (!jobs || jobs.length === 0) return 0;
    await boss.complete(queue, jobs.map((j) => j.id));
    return jobs.length;
  };
  const openLoop = (): OpenLoopSystem => ({
    maxInFlight: connections,
    async start(onReceive) {
      await boss.work<{ at: number }>(queue, { batchSize: 1000, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const j of jobs) onReceive(j.data.at);
      });
    },
    async send(at) {
      await boss.send(queue, { at, body: data.body });
    },
    async stop() {},
  });
  return { make, openLoop, stop: () => boss.stop({ graceful: false, wait: false }) };
}

/** Backend pids of a database (pg-boss's pool), pinned to `core` when permitted. */
export async function pgBackends(url: string, core = SERVER_CORE): Promise<number[]> {
  const db = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [db]);
    const pids = r.rows.map((x) => x.pid);
    for (const pid of pids) pin(pid, core);
    return pids;
  } finally {
    await c.end();
  }
}

export function postgresVersion(): string {
  try {
    return execFileSync("psql", ["-V"], { encoding: "utf8" }).trim().replace(/^psql \(PostgreSQL\) /, "");
  } catch {
    return "?";
  }
}
