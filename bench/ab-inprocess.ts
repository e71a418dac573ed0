// In-process A/B of two checkouts' request pipelines, for boxes too noisy for the suites' side-by-side rows: Mailroom
// from each checkout (its sources, through tsx) starts in this one process on a temporary directory at relaxed
// durability (no fsync: the disk's noise is left out), each is driven by the bench's raw signed client on 16
// connections, and blocks of N units alternate between them (ABBA order) while the process's CPU time is read around
// each block. It prints the median CPU per unit of each and their ratio. The client's share is the same code for
// both, so the ratio understates the server's own difference. An A/A run (the same commit checked out twice) shows
// the harness's bias: 0.998 on the sixth pass's box.
//   node --import tsx bench/ab-inprocess.ts <checkout A> <checkout B> [W1|W3] [blocks] [units per block]
// W1 is one SendMessage per unit; W3 is send → receive(1) → delete.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { SqsConnection } from "./lib/raw-http.ts";
import { Signer } from "./lib/sigv4.ts";

const [a, b, shape = "W3", blocksArg = "24", unitsArg = "2000"] = process.argv.slice(2);
if (!a || !b || (shape !== "W1" && shape !== "W3")) {
  console.error("usage: node --import tsx bench/ab-inprocess.ts <checkout A> <checkout B> [W1|W3] [blocks] [units per block]");
  process.exit(2);
}
const blocks = Number(blocksArg);
const units = Number(unitsArg);
const KEY = { accessKeyId: "BENCHKEY", secretAccessKey: "benchsecret" };
const BODY = "x".repeat(1024);

interface System {
  close(): Promise<void>;
  conns: SqsConnection[];
  queueUrl: string;
  dir: string;
}

async function start(checkout: string, label: string): Promise<System> {
  const { startMailroom } = (await import(resolve(checkout, "src/index.ts"))) as typeof import("../src/index.ts");
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-ab-${label}-`);
  const m = await startMailroom({ port: 0, dataDir: dir, durability: "relaxed", accessKeys: [{ ...KEY, accountId: "000000000000" }], logLevel: "warn" });
  const signer = new Signer(KEY);
  const admin = await SqsConnection.open(m.port, signer);
  const { QueueUrl } = await admin.call<{ QueueUrl: string }>("CreateQueue", { QueueName: "ab" });
  admin.close();
  const conns = await Promise.all(Array.from({ length: 16 }, () => SqsConnection.open(m.port, signer)));
  return { close: () => m.close(), conns, queueUrl: QueueUrl, dir };
}

async function block(s: System, n: number): Promise<number> {
  const sendBody = JSON.stringify({ QueueUrl: s.queueUrl, MessageBody: BODY });
  const receiveBody = JSON.stringify({ QueueUrl: s.queueUrl, MaxNumberOfMessages: 1 });
  let left = n;
  const t = process.cpuUsage();
  await Promise.all(s.conns.map(async (c) => {
    while (left-- > 0) {
      await c.text("SendMessage", sendBody);
      if (shape === "W1") continue;
      const msgs = (JSON.parse(await c.text("ReceiveMessage", receiveBody)).Messages ?? []) as { ReceiptHandle: string }[];
      for (const m of msgs) await c.text("DeleteMessage", JSON.stringify({ QueueUrl: s.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }));
  const u = process.cpuUsage(t);
  return (u.user + u.system) / n;
}

const A = await start(a, "a");
const B = await start(b, "b");
for (let k = 0; k < 3; k++) {
  await block(A, units);
  await block(B, units);
}
const got: [number[], number[]] = [[], []];
for (let k = 0; k < blocks; k++) {
  const order: [System, number][] = k % 2 ? [[A, 0], [B, 1]] : [[B, 1], [A, 0]];
  for (const [s, i] of order) got[i].push(await block(s, units));
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const [ma, mb] = got.map(median);
console.log(`${shape}, ${blocks} blocks of ${units} each, median µs CPU per unit (server and client, one process): A ${ma.toFixed(1)} (${a}), B ${mb.toFixed(1)} (${b}); B/A ${(mb / ma).toFixed(3)}`);
for (const s of [A, B]) {
  for (const c of s.conns) c.close();
  await s.close();
  rmSync(s.dir, { recursive: true, force: true });
}
process.exit(0);
