// BullMQ peer on a private redis-server (started by the runner, pinned to core 0): strict = `appendonly yes,
// appendfsync always` (Redis fsyncs the AOF once per event-loop turn, before it writes the replies), relaxed =
// Redis defaults (no AOF; RDB snapshots only). Each worker has its own Queue (and, for cycles, its own Worker
// in manual mode), i.e. its own Redis connections. W1 queue.add; W2 addBulk(10); W3 add → getNextJob →
// moveToCompleted; W3b addBulk(10) → 10 × getNextJob → moveToCompleted each (open-source BullMQ has no batch
// fetch/complete); W4 a Worker with a processor (concurrency 64). Completed jobs are removed.
import { randomUUID } from "node:crypto";
import { type OpenLoopSystem } from "../lib/open-loop.ts";

// bullmq and ioredis are not project dependencies: bullmq pulls optional native packages the registry
// here cannot serve, which breaks `npm ci`. Install them for a benchmark run with
// `npm i --no-save bullmq ioredis`; without them the BullMQ rows are skipped.
// biome-ignore lint: loosely typed optional module
type Loose = any;
let bull: { Queue: Loose; Worker: Loose } | undefined;
async function bullmq() {
  bull ??= (await import("bullmq" as string)) as { Queue: Loose; Worker: Loose };
  return bull;
}

const DATA = { body: "x".repeat(1024) };
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true };

export interface BullBench {
  sendWorker(batch: boolean): () => Promise<() => Promise<number>>;
  cycleWorker(batch: boolean): () => Promise<() => Promise<number>>;
  openLoop(consumers?: number): OpenLoopSystem;
  stop(): Promise<void>;
}

/** BullMQ's ESM build cannot require() ioredis itself, so each Queue/Worker gets an ioredis client made here. */
type RedisCtor = new (o: object) => object;
let ioredis: RedisCtor | undefined;
async function redisCtor(): Promise<RedisCtor> {
  if (!ioredis) {
    const mod = (await import("ioredis" as string)) as { default?: RedisCtor; Redis?: RedisCtor };
    ioredis = (mod.Redis ?? mod.default) as RedisCtor;
  }
  return ioredis;
}

export async function bullBench(port: number): Promise<BullBench> {
  const Redis = await redisCtor();
  const { Queue, Worker } = await bullmq();
  const client = () => new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: null }) as never;
  const name = `bench${Date.now()}`;
  const closers: (() => Promise<unknown>)[] = [];
  const queue = () => {
    const q = new Queue(name, { connection: client() });
    q.on("error", () => {});
    closers.push(() => q.close());
    return q;
  };
  const worker = (processor: ((job: { data: { at?: number } }) => Promise<void>) | null, concurrency = 1) => {
    const w = new Worker(name, processor, { connection: client(), concurrency, autorun: processor !== null, drainDelay: 5 });
    w.on("error", () => {});
    closers.push(() => w.close(true));
    return w;
  };
  return {
    sendWorker: (batch) => async () => {
      const q = queue();
      await q.waitUntilReady();
      return async () => {
        if (batch) await q.addBulk(Array.from({ length: 10 }, () => ({ name: "j", data: DATA, opts: JOB_OPTS })));
        else await q.add("j", DATA, JOB_OPTS);
        return batch ? 10 : 1;
      };
    },
    cycleWorker: (batch) => async () => {
      const q = queue();
      const w = worker(null);
      await q.waitUntilReady();
      await w.waitUntilReady();
      const token = randomUUID();
      return async () => {
        if (batch) await q.addBulk(Array.from({ length: 10 }, () => ({ name: "j", data: DATA, opts: JOB_OPTS })));
        else await q.add("j", DATA, JOB_OPTS);
        const jobs = [];
        for (let i = 0; i < (batch ? 10 : 1); i++) {
          const job = await w.getNextJob(token, { block: false });
          if (!job) break;
          jobs.push(job);
        }
        await Promise.all(jobs.map((j) => j.moveToCompleted(undefined, token, false)));
        return jobs.length;
      };
    },
    openLoop: () => {
      let q: Loose;
      return {
        maxInFlight: 64,
        async start(onReceive) {
          q = queue();
          await q.waitUntilReady();
          const w = worker(async (job) => onReceive(job.data.at ?? 0), 64);
          await w.waitUntilReady();
        },
        async send(at) {
          await q.add("j", { at, body: DATA.body }, JOB_OPTS);
        },
        async stop() {},
      };
    },
    async stop() {
      await Promise.allSettled(closers.map((c) => c()));
    },
  };
}
