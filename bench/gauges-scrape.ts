// Server CPU of the SQS gauges a metrics scrape reads (issue 16), in-process on the SQLite store: a queue of
// 100,000 messages that was never received (W1's shape) and one that was (its ready index built, 1,000 in flight);
// the first scrape and the mean of 50 later ones, 100 sends between scrapes. Usage:
//   node --import tsx bench/gauges-scrape.ts [checkout dir, default .]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(process.argv[2] ?? ".");
const { SqliteDb } = await import(pathToFileURL(`${root}/src/storage/sqlite/db.ts`).href);
const { SqliteSqsStore } = await import(pathToFileURL(`${root}/src/storage/sqlite/sqs-store.ts`).href);

const N = 100_000;
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function scenario(received: boolean) {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-gauges-`);
  const store = new SqliteSqsStore(new SqliteDb(`${dir}/db.sqlite`));
  let now = Date.UTC(2026, 0, 1);
  const { queue } = await store.createQueue({ account: "000000000000", region: "us-east-1", name: "q" }, { attributes: {}, retentionMs: 345_600_000 }, {}, now);
  let n = 0;
  const batch = () => Array.from({ length: 10 }, () => ({ messageId: `m${n++}`, body: "x".repeat(100), md5OfBody: "x", senderId: "A", visibleAt: now }));
  const writes: Promise<void>[] = [];
  for (let i = 0; i < N / 10; i++) writes.push(store.enqueue(queue.id, batch(), now));
  await Promise.all(writes);
  if (received) {
    await store.receive(queue.id, { max: 10, visibilityMs: 30_000, now, expiredBefore: 0, nonces: Array.from({ length: 10 }, (_, i) => `n${i}`.padEnd(16, "x")) });
    for (let i = 0; i < 99; i++) await store.receive(queue.id, { max: 10, visibilityMs: 30_000, now, expiredBefore: 0, nonces: Array.from({ length: 10 }, (_, i) => `n${i}`.padEnd(16, "x")) });
  }
  now += 1000;
  let t = cpuUs();
  await store.gauges(now);
  const first = cpuUs() - t;
  let later = 0;
  for (let i = 0; i < 50; i++) {
    now += 1000;
    await Promise.all(Array.from({ length: 10 }, () => store.enqueue(queue.id, batch(), now)));
    t = cpuUs();
    await store.gauges(now);
    later += cpuUs() - t;
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { first, later: later / 50 };
}

for (const received of [false, true]) {
  const r = await scenario(received);
  console.log(`${received ? "received queue (index built)" : "never-received queue       "}: first scrape ${(r.first / 1000).toFixed(2)} ms CPU, later scrapes ${(r.later / 1000).toFixed(3)} ms CPU each (${N.toLocaleString("en-US")} messages)`);
}
