// Many resources in one account (issue 20, item 5): `node --import tsx bench/many-resources.ts` fills a fresh
// SQLite data dir with 100,000 queues, 10,000 topics and 100,000 subscriptions through a Mailroom process, then
// measures List* paging, the cost of a send among them against a server with one queue, the start-up time on that
// data dir and the idle RSS. Sizes: MANY_QUEUES, MANY_TOPICS, MANY_SUBSCRIPTIONS; MANY_DATABASE=postgres://… runs
// on PostgreSQL instead. Figures are recorded in bench/README.md ("Many resources").
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SNSClient } from "@aws-sdk/client-sns";
import { checkExactlyOnce, listQueues, listSubscriptions, listTopics, populate, queueName } from "./many-resources-lib.ts";

const C = {
  queues: Number(process.env.MANY_QUEUES ?? 100_000),
  topics: Number(process.env.MANY_TOPICS ?? 10_000),
  subscriptions: Number(process.env.MANY_SUBSCRIPTIONS ?? 100_000),
};
const database = process.env.MANY_DATABASE;
const client = { region: "us-east-1", credentials: { accessKeyId: "AKIDBENCH", secretAccessKey: "x" }, maxAttempts: 1 };

interface Server {
  proc: ChildProcess;
  endpoint: string;
  readyMs: number;
}

async function start(dataDir: string, port = 0): Promise<Server> {
  const args = ["bin/mailroom.js", "--port", String(port), "--log-level", "warn", ...(database ? ["--database", database] : ["--data-dir", dataDir])];
  const t = performance.now();
  const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      const m = /ready at (\S+)/.exec(d.toString());
      if (m) resolve(m[1]);
    });
    proc.once("exit", (code) => reject(new Error(`mailroom exited with ${code}`)));
  });
  return { proc, endpoint, readyMs: performance.now() - t };
}

async function stop(s: Server): Promise<void> {
  const exited = new Promise((r) => s.proc.once("exit", r));
  s.proc.kill("SIGTERM");
  await exited;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

async function sendCost(sqs: SQSClient, url: string, n = 2000): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" }));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)], p99: times[Math.floor(n * 0.99)] };
}

const line = (s: string) => process.stdout.write(`${s}\n`);
const dir = mkdtempSync(join(tmpdir(), "mailroom-many-"));
try {
  // Baseline: one queue.
  const base = await start(join(dir, "one"));
  const sqs1 = new SQSClient({ ...client, endpoint: base.endpoint });
  const one = (await sqs1.send(new CreateQueueCommand({ QueueName: "only" }))).QueueUrl!;
  await sendCost(sqs1, one, 300);
  const baseCost = await sendCost(sqs1, one);
  await stop(base);
  sqs1.destroy();

  let s = await start(join(dir, "many"));
  let sqs = new SQSClient({ ...client, endpoint: s.endpoint });
  let sns = new SNSClient({ ...client, endpoint: s.endpoint });
  const t0 = performance.now();
  await populate(sqs, sns, C, 32, (what, n) => line(`  … ${n} ${what}`));
  line(`populated ${C.queues} queues, ${C.topics} topics, ${C.subscriptions} subscriptions in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const q = await listQueues(sqs, 1000);
  checkExactlyOnce("ListQueues", q.items, C.queues);
  line(`ListQueues: ${q.pages} pages of ≤1,000 in ${q.ms.toFixed(0)} ms (${(q.ms / q.pages).toFixed(1)} ms a page)`);
  const t = await listTopics(sns);
  checkExactlyOnce("ListTopics", t.items, C.topics);
  line(`ListTopics: ${t.pages} pages of ≤100 in ${t.ms.toFixed(0)} ms (${(t.ms / t.pages).toFixed(1)} ms a page)`);
  const sub = await listSubscriptions(sns);
  checkExactlyOnce("ListSubscriptions", sub.items, C.subscriptions);
  line(`ListSubscriptions: ${sub.pages} pages of ≤100 in ${sub.ms.toFixed(0)} ms (${(sub.ms / sub.pages).toFixed(1)} ms a page)`);
  const target = `${s.endpoint}/000000000000/${queueName(Math.floor(C.queues / 2))}`;
  await sendCost(sqs, target, 300);
  const manyCost = await sendCost(sqs, target);
  line(`SendMessage p50/p99: ${manyCost.p50.toFixed(2)}/${manyCost.p99.toFixed(2)} ms among ${C.queues} queues; ${baseCost.p50.toFixed(2)}/${baseCost.p99.toFixed(2)} ms with one queue`);
  const port = Number(new URL(s.endpoint).port);
  await stop(s);
  sqs.destroy();
  sns.destroy();

  s = await start(join(dir, "many"), port);
  sqs = new SQSClient({ ...client, endpoint: s.endpoint });
  const ts = performance.now();
  await sqs.send(new ListQueuesCommand({ MaxResults: 1 }));
  line(`start-up on that data dir: ready after ${s.readyMs.toFixed(0)} ms, first answer ${(performance.now() - ts).toFixed(0)} ms later`);
  await new Promise((r) => setTimeout(r, 5000));
  line(`idle RSS: ${rssMb(s.proc.pid!).toFixed(0)} MB`);
  await stop(s);
  sqs.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
