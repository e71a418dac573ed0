// Server CPU of one Prometheus scrape of /metrics with a 100,000-message backlog (issue 16), in process: the mean CPU
// of 200 scrapes minus that of 200 /_mailroom/health requests (the HTTP path both share). The metrics suite's
// throughput rows (W1 with and without a scrape a second) swing by ±10 % between identical rounds, so this is the
// figure that says what a scrape costs. Usage: node --import tsx bench/scrape-cpu.ts
import { startMailroom } from "../src/index.ts";
const m = await startMailroom({ port: 0, memory: true });
const url = m.endpoint;
const auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x";
const call = (op: string, body: object) => fetch(url + "/", { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${op}`, authorization: auth }, body: JSON.stringify(body) }).then((r) => r.json());
const q = (await call("CreateQueue", { QueueName: "bench" })) as { QueueUrl: string };
const body = "x".repeat(1024);
for (let i = 0; i < 10_000; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => call("SendMessageBatch", { QueueUrl: q.QueueUrl, Entries: Array.from({ length: 10 }, (_, j) => ({ Id: `e${j}`, MessageBody: body })) })));
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
async function timeIt(path: string, n: number) {
  for (let i = 0; i < 5; i++) await (await fetch(url + path)).text();
  const c0 = cpu(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await (await fetch(url + path)).text();
  return [(cpu() - c0) / n / 1000, (performance.now() - t0) / n];
}
const [hc, hw] = await timeIt("/_mailroom/health", 200);
const [mc, mw] = await timeIt("/metrics", 200);
console.log(`health: ${hc.toFixed(2)} ms CPU, ${hw.toFixed(2)} ms wall; /metrics: ${mc.toFixed(2)} ms CPU, ${mw.toFixed(2)} ms wall (100k messages); scrape minus health ≈ ${(mc - hc).toFixed(2)} ms CPU`);
const text = await (await fetch(url + "/metrics")).text();
console.log("exposition bytes", text.length, "lines", text.split("\n").length);
await m.close();
