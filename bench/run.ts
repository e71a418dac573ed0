// Benchmark runner: `npm run bench -- <suite>` starts what the suite needs, runs each workload against
// Mailroom and its peers in the same run, and prints one table. Suites: pg (Mailroom on SQLite and on
// PostgreSQL, and pg-boss on the same PostgreSQL, full send/receive/delete cycle).
import os from "node:os";
import { freshDatabase } from "../test/helpers/postgres.ts";
import { closedLoop, type Row, table } from "./lib/measure.ts";
import { startMailroomProcess } from "./lib/process.ts";
import { pgBossWorkers } from "./peers/pgboss.ts";
import { createQueue, cycleWorker } from "./workloads/sqs-cycle.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const loop = (serverPids: number[]) => ({ connections, warmupMs: 2000, measureMs: seconds * 1000, serverPids });

async function mailroomRows(system: string, durability: string, args: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const batch of [false, true]) {
    const server = await startMailroomProcess(args);
    try {
      const url = await createQueue(server.port, "bench");
      const r = await closedLoop(loop([server.proc.pid ?? 0]), cycleWorker(server.port, url, batch));
      rows.push({ workload: batch ? "W3b cycle, batches of 10" : "W3 cycle, unbatched", system, durability, ...r });
    } finally {
      await server.stop();
    }
  }
  return rows;
}

async function pgSuite(): Promise<Row[]> {
  const rows: Row[] = [];
  const { mkdtempSync, rmSync } = await import("node:fs");
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-`);
  try {
    rows.push(...(await mailroomRows("Mailroom, SQLite", "strict (fsync per commit)", ["--data-dir", dir])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const batch of [false, true]) {
    const db = await freshDatabase("bench");
    try {
      const server = await startMailroomProcess(["--database", db.url]);
      try {
        const url = await createQueue(server.port, "bench");
        const r = await closedLoop(loop([server.proc.pid ?? 0]), cycleWorker(server.port, url, batch));
        rows.push({ workload: batch ? "W3b cycle, batches of 10" : "W3 cycle, unbatched", system: "Mailroom, PostgreSQL", durability: "synchronous_commit=on", ...r });
      } finally {
        await server.stop();
      }
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
        rows.push({ workload: batch ? "W3b cycle, batches of 10" : "W3 cycle, unbatched", system: "pg-boss 10", durability: "synchronous_commit=on", ...r });
      } finally {
        await boss.stop();
      }
    } finally {
      await db.drop();
    }
  }
  return rows;
}

const suites: Record<string, () => Promise<Row[]>> = { pg: pgSuite };
const name = process.argv[2] ?? "pg";
const suite = suites[name];
if (!suite) {
  console.error(`unknown suite ${name}; one of: ${Object.keys(suites).join(", ")}`);
  process.exit(2);
}
console.log(`# bench ${name}: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`# server pinned to core 0 (taskset -c 0), load generator on core 1; PostgreSQL unpinned. ${connections} connections, ${seconds} s measured after 2 s warm-up.`);
console.log("# msgs/s counts messages through the whole cycle; latency is per cycle (send+receive+delete). CPU and RSS are the Mailroom process's (PostgreSQL's own processes not included).");
const rows = await suite();
console.log(table(rows));
process.exit(0);
