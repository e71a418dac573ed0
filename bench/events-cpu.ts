// CPU per event of PutEvents on a loaded machine, where the `events` suite's throughput rows swing with other load:
// Mailroom (SQLite file, strict) and 32 raw HTTP/1.1 connections in ONE node process, so pin it to one core. After
// 1,000 warm-up requests it sends a fixed number of requests — PutEvents of 10 × 1 KiB entries, each naming one of
// `rules` rules at random (as the suite does), or with rules = 0 SendMessageBatch of the same bodies — and prints the
// process's user+system CPU per event. The client's share (a few µs per event) is in every figure, the same for
// every checkout, so compare checkouts alternately in one sitting:
//   taskset -c 0 node --import tsx bench/events-cpu.ts [checkout=.] [rules=1] [requests=3000]
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { RawConnection as Conn } from "./lib/raw-http.ts";

const checkout = resolve(process.argv[2] ?? ".");
const rules = Number(process.argv[3] ?? 1);
const requests = Number(process.argv[4] ?? 3000);
const { startMailroom } = (await import(pathToFileURL(`${checkout}/src/index.ts`).href)) as typeof import("../src/index.ts");
const { RawConnection } = (await import(pathToFileURL(`${checkout}/bench/lib/raw-http.ts`).href)) as typeof import("./lib/raw-http.ts");

const dir = mkdtempSync(`${os.tmpdir()}/mailroom-events-cpu-`);
const m = await startMailroom({ port: 0, dataDir: dir, logLevel: "silent" });
const DETAIL = JSON.stringify({ data: "x".repeat(1024 - 11) });

async function call(c: Conn, target: string, json: string, body: object): Promise<string> {
  const head = `POST / HTTP/1.1\r\nhost: 127.0.0.1:${m.port}\r\ncontent-type: application/x-amz-json-${json}\r\nx-amz-target: ${target}\r\n`;
  const r = await c.request(head, JSON.stringify(body));
  if (r.status !== 200) throw new Error(`${target}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
  return r.body.toString();
}
const events = (c: Conn, op: string, body: object) => call(c, `AWSEvents.${op}`, "1.1", body);
const sqs = (c: Conn, op: string, body: object) => call(c, `AmazonSQS.${op}`, "1.0", body);

const setup = await RawConnection.open("127.0.0.1", m.port);
const queueUrl = (JSON.parse(await sqs(setup, "CreateQueue", { QueueName: "events-cpu" })) as { QueueUrl: string }).QueueUrl;
// One receive while the queue is empty builds its SQS ready index now (on SQLite), as a consumer would: otherwise the
// CloudWatch minute sample builds it from every message sent so far when a minute boundary falls into the run,
// seconds of CPU that land in whichever run it is (bench/README.md, events).
await sqs(setup, "ReceiveMessage", { QueueUrl: queueUrl, WaitTimeSeconds: 0 });
if (rules > 0) {
  await events(setup, "CreateEventBus", { Name: "b" });
  for (let i = 0; i < rules; i++) {
    await events(setup, "PutRule", { Name: `r-${i}`, EventBusName: "b", EventPattern: JSON.stringify({ source: ["bench"], "detail-type": [`type-${i}`] }) });
    await events(setup, "PutTargets", { Rule: `r-${i}`, EventBusName: "b", Targets: [{ Id: "q", Arn: "arn:aws:sqs:us-east-1:000000000000:events-cpu" }] });
  }
}
// A fixed pseudo-random sequence, the same for every checkout.
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const one = (c: Conn) => rules > 0
  ? events(c, "PutEvents", { Entries: Array.from({ length: 10 }, () => ({ Source: "bench", DetailType: `type-${Math.floor(random() * rules)}`, Detail: DETAIL, EventBusName: "b" })) })
  : sqs(c, "SendMessageBatch", { QueueUrl: queueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: DETAIL })) });
const conns = await Promise.all(Array.from({ length: 32 }, () => RawConnection.open("127.0.0.1", m.port)));
async function run(n: number): Promise<void> {
  let left = n;
  await Promise.all(conns.map(async (c) => {
    while (left-- > 0) await one(c);
  }));
}

await run(1000);
const before = process.cpuUsage();
const started = performance.now();
await run(requests);
const cpu = process.cpuUsage(before);
const ms = performance.now() - started;
const n = requests * 10;
console.log(JSON.stringify({
  checkout, rules, events: n, cpuUsPerEvent: +((cpu.user + cpu.system) / n).toFixed(2), userUsPerEvent: +(cpu.user / n).toFixed(2),
  eventsPerSecond: Math.round((n / ms) * 1000), rssMB: Math.round(process.memoryUsage().rss / 1048576),
}));
for (const c of [...conns, setup]) c.close();
await m.close();
rmSync(dir, { recursive: true, force: true });
