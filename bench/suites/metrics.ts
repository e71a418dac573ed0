// Suite `metrics`: what Prometheus scraping costs. W1 (SendMessage, signed, 1 KiB, 64 connections) on Mailroom
// strict, without a scraper and with GET /metrics once a second (from the generator process, as a Prometheus
// server would), in alternating rounds (off, on, off, on) on fresh servers so drift hits both alike. The target:
// scraping costs under 3 % of W1's throughput (issue 16). Each scrape also reads every queue's gauges from the store.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { closedLoop, type Row, table } from "../lib/measure.ts";
import { startMailroomProcess } from "../lib/process.ts";
import { Signer } from "../lib/sigv4.ts";
import { createQueue, sendWorker } from "../workloads/sqs.ts";

const QUICK = process.env.BENCH_QUICK === "1";
const seconds = Number(process.env.BENCH_SECONDS ?? (QUICK ? 1 : 8));
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? (QUICK ? 300 : 2000));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const rounds = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 2));
const KEY = { accessKeyId: "BENCHKEY", secretAccessKey: "benchsecret" };

async function w1(scrape: boolean): Promise<Row & { scrapes: number; scrapeMs: number }> {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-`);
  const s = await startMailroomProcess(["--data-dir", dir, "--access-keys", `${KEY.accessKeyId}:${KEY.secretAccessKey}:000000000000`]);
  let scrapes = 0;
  let scrapeMs = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const t = await createQueue(s.port, new Signer(KEY), "bench");
    if (scrape) {
      timer = setInterval(() => {
        const t0 = performance.now();
        fetch(`http://127.0.0.1:${s.port}/metrics`).then(async (r) => {
          const text = await r.text();
          if (r.status !== 200 || !text.includes("mailroom_sqs_number_of_messages_sent_total")) throw new Error(`scrape failed: ${r.status}`);
          scrapes++;
          scrapeMs += performance.now() - t0;
        }).catch((e: unknown) => console.error(String(e)));
      }, 1000);
    }
    const m = await closedLoop({ connections, warmupMs, measureMs: seconds * 1000, serverPids: [s.pid] }, sendWorker(t, false));
    return { workload: scrape ? "W1 + scrape /metrics every 1 s" : "W1 SendMessage", system: "Mailroom, SQLite", durability: "strict", ...m, scrapes, scrapeMs };
  } finally {
    if (timer) clearInterval(timer);
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function metricsSuite(): Promise<string> {
  const rows: Row[] = [];
  const off: number[] = [];
  const on: number[] = [];
  let scrapeNote = "";
  for (let i = 0; i < rounds; i++) {
    const a = await w1(false);
    off.push(a.msgsPerSec);
    rows.push(a);
    const b = await w1(true);
    on.push(b.msgsPerSec);
    rows.push(b);
    scrapeNote = `${b.scrapes} scrapes, ${(b.scrapeMs / Math.max(1, b.scrapes)).toFixed(1)} ms each (with a backlog of ${Math.round(b.msgsPerSec * (seconds + warmupMs / 1000)).toLocaleString("en-US")} messages)`;
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const cost = (1 - mean(on) / mean(off)) * 100;
  const verdict = `scrape cost: ${cost.toFixed(1)} % of W1 throughput (target < 3 %: ${cost < 3 ? "met" : "MISSED"}); last round ${scrapeNote}`;
  return `${table(rows)}\n${verdict}`;
}
