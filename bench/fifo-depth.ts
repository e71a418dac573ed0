// FIFO receive cost against backlog depth (issue #6), measured at the storage port (no HTTP): fills one FIFO
// queue with N messages spread over G message groups, then times C cycles of receive(10) + delete of what was
// received. Usage: node --import tsx bench/fifo-depth.ts [N] [cycles] [groups...] (defaults 100000 1000 100 1).
// BENCH_BACKEND=sqlite|postgres (default sqlite; postgres uses a fresh database on MAILROOM_TEST_PG, default
// 127.0.0.1:5432). BENCH_DURABILITY=strict|relaxed (SQLite only; default relaxed: fsyncs would dominate).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NewFifoMessage, SqsStore } from "../src/services/sqs/store.ts";
import { PgDb } from "../src/storage/postgres/db.ts";
import { PgSqsStore } from "../src/storage/postgres/sqs-store.ts";
import { SqliteDb, type Durability } from "../src/storage/sqlite/db.ts";
import { SqliteSqsStore } from "../src/storage/sqlite/sqs-store.ts";
import { freshDatabase } from "../test/helpers/postgres.ts";

const [total = 100_000, cycles = 1000, ...groupArgs] = process.argv.slice(2).map(Number);
const groupCounts = groupArgs.length > 0 ? groupArgs : [100, 1];
const durability = (process.env.BENCH_DURABILITY ?? "relaxed") as Durability;
const backend = process.env.BENCH_BACKEND ?? "sqlite";
const BODY = "x".repeat(1024);
const T0 = Date.UTC(2026, 0, 1);
const settings = { attributes: { FifoQueue: "true", VisibilityTimeout: "30" }, retentionMs: 345_600_000 };

/** A store on an empty database of the chosen backend, and how to remove that database. */
async function openStore(): Promise<{ store: SqsStore; drop(): Promise<void> }> {
  if (backend === "postgres") {
    const db = await freshDatabase("fifodepth");
    return { store: new PgSqsStore(await PgDb.open(db.url)), drop: db.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), "mailroom-fifo-depth-"));
  const store = new SqliteSqsStore(new SqliteDb(join(dir, "bench.sqlite"), durability));
  return { store, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function run(groups: number): Promise<void> {
  const { store, drop } = await openStore();
  try {
    const { queue } = await store.createQueue({ account: "000000000000", region: "us-east-1", name: `depth-${groups}.fifo` }, settings, {}, T0);
    const fillStart = performance.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < total; i += 10) {
      const batch: NewFifoMessage[] = Array.from({ length: Math.min(10, total - i) }, (_, j) => {
        const k = i + j;
        return {
          messageId: `m-${k}`, body: BODY, md5OfBody: "x", senderId: "AKID", visibleAt: T0,
          messageGroupId: `g${k % groups}`, deduplicationId: `d-${k}`, dedupKey: `d-${k}`,
        };
      });
      pending.push(store.enqueueFifo(queue.id, batch, T0, 300_000));
      if (pending.length >= 500) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const fillMs = performance.now() - fillStart;

    let now = T0 + 1;
    let received = 0;
    const times: number[] = [];
    const start = performance.now();
    for (let c = 0; c < cycles; c++) {
      now++;
      const t = performance.now();
      const got = await store.receive(queue.id, {
        max: 10, visibilityMs: 30_000, now, expiredBefore: now - settings.retentionMs, fifo: { attemptWindowMs: 300_000 },
        nonces: Array.from({ length: 10 }, (_, i) => `n${c}-${i}`.padEnd(16, "x")),
      });
      times.push(performance.now() - t);
      received += got.length;
      await store.deleteMessages(queue.id, got.map((m) => ({ rowId: m.rowId, nonce: m.receiptNonce })), now);
    }
    const ms = performance.now() - start;
    const first = times[0];
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
    console.log(
      `${backend}: ${total} msgs / ${groups} group(s): fill ${(fillMs / 1000).toFixed(1)} s; ${cycles} × receive(10)+delete ` +
        `${(ms / 1000).toFixed(2)} s (${((ms * 1000) / cycles).toFixed(0)} µs/cycle, ${received} received); ` +
        `receive p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, first ${first.toFixed(1)} ms`,
    );
  } finally {
    await store.close();
    await drop();
  }
}

for (const g of groupCounts) await run(g);
