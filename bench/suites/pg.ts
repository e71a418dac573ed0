// Suite `pg`: the full cycle (W3, W3b) on Mailroom over SQLite and over PostgreSQL, and pg-boss on the same
// PostgreSQL (a fresh database per row). The Mailroom server runs anonymous (unsigned requests) here; the
// `sqs` suite measures signed requests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { freshDatabase } from "../../test/helpers/postgres.ts";
import { closedLoop, type Row } from "../lib/measure.ts";
import { GEN_CORE, SERVER_CORE, startMailroomProcess } from "../lib/process.ts";
import { pgBossWorkers } from "../peers/pgboss.ts";
import { createQueue, cycleWorker } from "../workloads/sqs.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const loop = (serverPids: number[]) => ({ connections, warmupMs: 2000, measureMs: seconds * 1000, serverPids });
const workload = (batch: boolean) => (batch ? "W3b cycle, batches of 10" : "W3 cycle, unbatched");

export const pgHeader = [
  `# server pinned to core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), load generator on core ${GEN_CORE}; PostgreSQL unpinned. ${connections} connections, ${seconds} s measured after 2 s warm-up.`,
  "# msgs/s counts messages through the whole cycle; latency is per cycle (send+receive+delete). CPU and RSS are the Mailroom process's (PostgreSQL's own processes not included).",
];

async function mailroomRow(system: string, durability: string, args: string[], batch: boolean): Promise<Row> {
  const server = await startMailroomProcess(args);
  try {
    const t = await createQueue(server.port, undefined, "bench");
    const r = await closedLoop(loop([server.pid]), cycleWorker(t, batch));
    return { workload: workload(batch), system, durability, ...r };
  } finally {
    await server.stop();
  }
}

export async function pgSuite(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const batch of [false, true]) {
    const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-`);
    try {
      rows.push(await mailroomRow("Mailroom, SQLite", "strict (fsync per commit)", ["--data-dir", dir], batch));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const batch of [false, true]) {
    const db = await freshDatabase("bench");
    try {
      rows.push(await mailroomRow("Mailroom, PostgreSQL", "synchronous_commit=on", ["--database", db.url], batch));
    } finally {
      await db.drop();
    }
  }
  for (const batch of [false, true]) {
    const db = await freshDatabase("boss");
    try {
      const boss = await pgBossWorkers(db.url, connections, batch);
      try {
        const r = await closedLoop(loop([]), boss.make);
        rows.push({ workload: workload(batch), system: "pg-boss 10", durability: "synchronous_commit=on", ...r });
      } finally {
        await boss.stop();
      }
    } finally {
      await db.drop();
    }
  }
  return rows;
}
