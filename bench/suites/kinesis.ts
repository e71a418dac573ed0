// Suite `kinesis`: Mailroom (SQLite, strict: fsync per commit) against kinesalite 3.3.3 (LevelDB) and kinesis-local
// 0.6.2 in the same run, every system driven by the same client: @aws-sdk/client-kinesis over HTTP/1.1
// (@smithy/node-http-handler; the peers speak no h2c), each server pinned to the server core, the generator on the other (lib/process.ts).
//   K1 PutRecords, 500 records of 1 KiB per call, closed loop: records/s and latency per call.
//   K2 GetRecords catch-up: a 1-shard stream prefilled with up to BENCH_K2_RECORDS records (1M; the prefill stops at
//      BENCH_K2_PREFILL_S, and the note gives the shard's size), then read from TRIM_HORIZON to the end with
//      GetRecords(Limit 10,000) one call after another: records/s; latency per call. Read twice: with the SDK (whose
//      response parsing costs ~7 µs per record on the generator's core, so it caps the row near 140k records/s), then
//      again from TRIM_HORIZON with a raw signed HTTP/1.1 client that only JSON.parses each body ("raw client" row),
//      which measures the server.
//   K3 SubscribeToShard end-to-end: PutRecord at a fixed rate (open loop, BENCH_K3_RATE/s), each record's data carries
//      its scheduled send time; latency = arrival in the subscriber's event - scheduled time (coordinated omission
//      corrected). Mailroom also with the subscription over HTTP/2 (the SDK's default handler; puts stay on HTTP/1.1).
//      kinesalite has no SubscribeToShard.
// `npm run bench -- kinesis [K1 K2 K3] [mailroom kinesalite kinesis-local]`.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import {
  CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordCommand,
  PutRecordsCommand, RegisterStreamConsumerCommand, DescribeStreamConsumerCommand, SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { RawConnection } from "../lib/raw-http.ts";
import { KINESIS_JSON, Signer } from "../lib/sigv4.ts";
import { closedLoop, countedLoop, CpuWindow, notes, type Row, RssSampler, sleep, summarize, table } from "../lib/measure.ts";
import { nowMs } from "../lib/open-loop.ts";
import { GEN_CORE, SERVER_CORE, startMailroomProcess, type Started } from "../lib/process.ts";
import { startKinesalite, startKinesisLocal } from "../peers/kinesis-peers.ts";

const QUICK = process.env.BENCH_QUICK === "1";
const seconds = Number(process.env.BENCH_SECONDS ?? (QUICK ? 1 : 8));
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? (QUICK ? 300 : 2000));
const k1Connections = Number(process.env.BENCH_K1_CONNECTIONS ?? 8);
const k2Records = Number(process.env.BENCH_K2_RECORDS ?? (QUICK ? 20_000 : 1_000_000));
const k2RecordBytes = Number(process.env.BENCH_K2_BYTES ?? 100);
const k2PrefillS = Number(process.env.BENCH_K2_PREFILL_S ?? (QUICK ? 20 : 180));
const k3Rate = Number(process.env.BENCH_K3_RATE ?? 200);
/** K3's transports for Mailroom ("h1,h2"; the peers are HTTP/1.1 only). */
const k3Transports = (process.env.BENCH_K3_TRANSPORTS ?? "h1,h2").split(",");

const WORKLOADS = ["K1", "K2", "K3"] as const;
type Workload = (typeof WORKLOADS)[number];
const SYSTEMS = ["mailroom", "kinesalite", "kinesis-local"] as const;
type SystemId = (typeof SYSTEMS)[number];

interface Server extends Started {
  system: string;
  durability: string;
  endpoint: string;
}

async function start(id: SystemId): Promise<Server> {
  if (id === "mailroom") {
    const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-`);
    const s = await startMailroomProcess(["--data-dir", dir, "--durability", "strict"]);
    return {
      ...s, system: "Mailroom, SQLite", durability: "strict (fsync per commit)", endpoint: `http://127.0.0.1:${s.port}`,
      stop: async () => {
        await s.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const p = id === "kinesalite" ? await startKinesalite() : await startKinesisLocal();
  return { ...p, endpoint: `http://127.0.0.1:${p.port}` };
}

/** The one client every system gets: the JS SDK, HTTP/1.1 keep-alive with enough sockets, no retries. */
function client(endpoint: string, http2 = false): KinesisClient {
  return new KinesisClient({
    endpoint, region: "us-east-1", credentials: { accessKeyId: "BENCHKEY", secretAccessKey: "benchsecret" }, maxAttempts: 1,
    ...(http2 ? {} : { requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 256 } as never }) }),
  });
}

async function createStream(k: KinesisClient, name: string, shards: number): Promise<string> {
  await k.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (;;) {
    const s = (await k.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!;
    if (s.StreamStatus === "ACTIVE") return s.StreamARN!;
    await sleep(50);
  }
}

const payload = (bytes: number) => Buffer.alloc(bytes, 0x61);

async function k1(s: Server): Promise<Row> {
  const k = client(s.endpoint);
  try {
    await createStream(k, "k1", 4);
    const data = payload(1024);
    let n = 0;
    const records = () => Array.from({ length: 500 }, () => ({ PartitionKey: `pk-${n++}`, Data: data }));
    const r = await closedLoop({ connections: k1Connections, warmupMs, measureMs: seconds * 1000, serverPids: [s.pid] }, async () => async () => {
      const out = await k.send(new PutRecordsCommand({ StreamName: "k1", Records: records() }));
      return 500 - (out.FailedRecordCount ?? 0);
    });
    return { workload: "K1 PutRecords 500 × 1 KiB", system: s.system, durability: s.durability, ...r, note: [`${k1Connections} calls in flight; msgs/s = records/s`, r.note].filter(Boolean).join("; ") };
  } finally {
    k.destroy();
  }
}

/** One catch-up read of the shard from TRIM_HORIZON with a raw signed client: records/s as the server serves them. */
async function k2Raw(s: Server, expected: number): Promise<Row> {
  const port = Number(new URL(s.endpoint).port);
  const signer = new Signer({ accessKeyId: "BENCHKEY", secretAccessKey: "benchsecret" }, KINESIS_JSON);
  const conn = await RawConnection.open("127.0.0.1", port);
  const host = `127.0.0.1:${port}`;
  const call = async (op: string, input: object): Promise<Record<string, unknown>> => {
    const body = JSON.stringify(input);
    const r = await conn.request(signer.head(host, op, body), body);
    if (r.status !== 200) throw new Error(`${op}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
    return JSON.parse(r.body.toString()) as Record<string, unknown>;
  };
  try {
    let iterator = (await call("GetShardIterator", { StreamName: "k2", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })).ShardIterator as string | undefined;
    const pids = { serverPids: [s.pid] };
    const sampler = new RssSampler(pids);
    const cpu = new CpuWindow(pids);
    const latencies: number[] = [];
    let read = 0;
    let failed = "";
    while (iterator && read < expected) {
      const t0 = performance.now();
      try {
        const out = await call("GetRecords", { ShardIterator: iterator, Limit: 10_000 });
        latencies.push(performance.now() - t0);
        const n = (out.Records as unknown[] | undefined)?.length ?? 0;
        read += n;
        iterator = out.NextShardIterator as string | undefined;
        if (n === 0 && out.MillisBehindLatest === 0) break;
      } catch (e) {
        failed = `GetRecords failed after ${read} records: ${String(e).slice(0, 160)}`;
        break;
      }
    }
    const w = cpu.end();
    sampler.stop();
    return {
      workload: "K2 GetRecords catch-up, raw client", system: s.system, durability: s.durability,
      msgsPerSec: read / w.elapsed, ...summarize(latencies), cpuPer1k: read > 0 ? (w.serverCpu / read) * 1000 : undefined, peakRssMb: sampler.peak,
      genCpuPct: w.genCpuPct, otherCpuPct: w.otherCpuPct,
      note: `the same shard read again with a signed raw HTTP/1.1 client that only JSON.parses each answer; read ${read.toLocaleString("en-US")} in ${latencies.length} calls${failed ? `; ${failed}` : ""}`,
    };
  } finally {
    conn.close();
  }
}

async function k2(s: Server): Promise<Row[]> {
  const k = client(s.endpoint);
  try {
    await createStream(k, "k2", 1);
    const data = payload(k2RecordBytes);
    const pre = await countedLoop({ connections: 8, total: k2Records, timeoutMs: k2PrefillS * 1000, serverPids: [s.pid] }, async () => async () => {
      const out = await k.send(new PutRecordsCommand({ StreamName: "k2", Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `p${i}`, Data: data })) }));
      return 500 - (out.FailedRecordCount ?? 0);
    });
    let iterator = (await k.send(new GetShardIteratorCommand({ StreamName: "k2", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
    const pids = { serverPids: [s.pid] };
    const sampler = new RssSampler(pids);
    const cpu = new CpuWindow(pids);
    const latencies: number[] = [];
    let read = 0;
    let failed = "";
    while (iterator && read < pre.done) {
      const t0 = performance.now();
      try {
        const out = await k.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        latencies.push(performance.now() - t0);
        read += out.Records?.length ?? 0;
        iterator = out.NextShardIterator;
        if ((out.Records?.length ?? 0) === 0 && out.MillisBehindLatest === 0) break;
      } catch (e) {
        failed = `GetRecords failed after ${read} records: ${String(e).slice(0, 160)}`;
        break;
      }
    }
    const w = cpu.end();
    sampler.stop();
    const sdkRow: Row = {
      workload: "K2 GetRecords catch-up", system: s.system, durability: s.durability,
      msgsPerSec: read / w.elapsed, ...summarize(latencies), cpuPer1k: read > 0 ? (w.serverCpu / read) * 1000 : undefined, peakRssMb: sampler.peak,
      genCpuPct: w.genCpuPct, otherCpuPct: w.otherCpuPct,
      note: `shard of ${pre.done.toLocaleString("en-US")} records × ${k2RecordBytes} B (prefilled at ${Math.round(pre.msgsPerSec).toLocaleString("en-US")} records/s${pre.done < k2Records ? `, stopped at the ${k2PrefillS} s prefill limit` : ""}); read ${read.toLocaleString("en-US")} in ${latencies.length} GetRecords(Limit 10000) calls${failed ? `; ${failed}` : ""}`,
    };
    return [sdkRow, await k2Raw(s, pre.done)];
  } finally {
    k.destroy();
  }
}

async function k3(s: Server, http2: boolean): Promise<Row> {
  // The puts always go over HTTP/1.1: the SDK's HTTP/2 handler for Kinesis opens a session (a TCP connection) per
  // request (disableConcurrentStreams), which would measure connection setup on both sides rather than the push.
  const k = client(s.endpoint);
  const sub = http2 ? client(s.endpoint, true) : k;
  const label = `K3 SubscribeToShard e2e, ${http2 ? "HTTP/2" : "HTTP/1.1"}`;
  try {
    const arn = await createStream(k, http2 ? "k3h2" : "k3", 1);
    const consumer = (await k.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "bench" }))).Consumer!;
    for (;;) {
      const c = (await k.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumer.ConsumerARN }))).ConsumerDescription!;
      if (c.ConsumerStatus === "ACTIVE") break;
      await sleep(50);
    }
    const out = await sub.send(new SubscribeToShardCommand({ ConsumerARN: consumer.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }));
    const latencies: number[] = [];
    let measuring = false;
    let received = 0;
    const reader = (async () => {
      for await (const ev of out.EventStream!) {
        const now = nowMs();
        for (const r of ev.SubscribeToShardEvent?.Records ?? []) {
          received++;
          const at = Buffer.from(r.Data!).readDoubleLE(0);
          if (measuring && at > 0) latencies.push(now - at);
        }
      }
    })().catch(() => {});
    const pids = { serverPids: [s.pid] };
    const data = payload(1024);
    let sent = 0;
    let errors = 0;
    /** Each PutRecord's own latency (its answer), to tell the push's share of the end-to-end time. */
    const putLatencies: number[] = [];
    const run = async (ms: number, measure: boolean) => {
      const t0 = nowMs();
      const total = Math.floor((ms / 1000) * k3Rate);
      const inflight: Promise<unknown>[] = [];
      for (let i = 0; i < total; i++) {
        const at = t0 + (i * 1000) / k3Rate;
        const wait = at - nowMs();
        if (wait > 1) await sleep(wait);
        const d = Buffer.from(data);
        d.writeDoubleLE(measure ? at : -1, 0);
        sent++;
        const putAt = performance.now();
        inflight.push(k.send(new PutRecordCommand({ StreamName: http2 ? "k3h2" : "k3", PartitionKey: `p${i}`, Data: d })).then(
          () => measure && putLatencies.push(performance.now() - putAt),
          () => errors++,
        ));
        if (inflight.length > 1000) await Promise.all(inflight.splice(0));
      }
      await Promise.all(inflight);
    };
    await run(warmupMs, false);
    const sampler = new RssSampler(pids);
    const cpu = new CpuWindow(pids);
    measuring = true;
    await run(seconds * 1000, true);
    // The last records' events.
    for (let i = 0; i < 100 && received < sent - errors; i++) await sleep(20);
    measuring = false;
    const w = cpu.end();
    sampler.stop();
    void reader;
    return {
      workload: label, system: s.system, durability: s.durability,
      msgsPerSec: latencies.length / w.elapsed, ...summarize(latencies), cpuPer1k: latencies.length ? (w.serverCpu / latencies.length) * 1000 : undefined,
      peakRssMb: sampler.peak, genCpuPct: w.genCpuPct, otherCpuPct: w.otherCpuPct,
      note: `PutRecord at ${k3Rate}/s open loop (1 KiB, over HTTP/1.1; its own answer p50 ${summarize(putLatencies).p50.toFixed(2)} ms, p99 ${summarize(putLatencies).p99.toFixed(2)} ms); ${latencies.length} deliveries measured${errors ? `, ${errors} failed puts` : ""}; ${received}/${sent - errors} records delivered`,
    };
  } finally {
    k.destroy();
    if (sub !== k) sub.destroy();
  }
}

function skipped(w: Workload, s: Server, why: string): Row {
  const label = w === "K1" ? "K1 PutRecords 500 × 1 KiB" : w === "K2" ? "K2 GetRecords catch-up" : "K3 SubscribeToShard e2e, HTTP/1.1";
  return { workload: label, system: s.system, durability: s.durability, msgsPerSec: Number.NaN, p50: Number.NaN, p99: Number.NaN, p999: Number.NaN, cpuPer1k: undefined, peakRssMb: undefined, note: why };
}

export async function kinesisSuite(args: string[]): Promise<string> {
  const workloads = WORKLOADS.filter((w) => args.length === 0 || args.includes(w) || !args.some((a) => (WORKLOADS as readonly string[]).includes(a)));
  const systems = SYSTEMS.filter((id) => !args.some((a) => (SYSTEMS as readonly string[]).includes(a)) || args.includes(id));
  const rows: Row[] = [];
  for (const w of workloads) {
    for (const id of systems) {
      // A fresh server per row.
      const s = await start(id);
      try {
        if (w === "K1") rows.push(await k1(s));
        else if (w === "K2") rows.push(...(await k2(s)));
        else if (id === "kinesalite") rows.push(skipped(w, s, "kinesalite has no enhanced fan-out (RegisterStreamConsumer is UnknownOperationException)"));
        else {
          if (id !== "mailroom" || k3Transports.includes("h1")) rows.push(await k3(s, false));
          if (id === "mailroom" && k3Transports.includes("h2")) rows.push(await k3(s, true));
        }
      } catch (e) {
        rows.push(skipped(w, s, `failed: ${String(e).slice(0, 200)}`));
      } finally {
        await s.stop();
      }
    }
  }
  const header = [
    `# bench kinesis: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}; servers pinned to core ${SERVER_CORE}, generator (the JS SDK) on core ${GEN_CORE}.`,
    `# ${seconds} s measured after ${warmupMs} ms warm-up; K1 ${k1Connections} calls in flight; K2 up to ${k2Records.toLocaleString("en-US")} records × ${k2RecordBytes} B; K3 ${k3Rate} PutRecord/s.`,
  ].join("\n");
  const goals = goalLines(rows);
  return [header, table(rows), notes(rows), goals].filter(Boolean).join("\n\n");
}

function goalLines(rows: Row[]): string {
  const get = (w: string, sys: string) => rows.find((r) => r.workload.startsWith(w) && r.system.startsWith(sys));
  const out: string[] = ["Goals (one server core, strict durability):"];
  const put = get("K1", "Mailroom");
  if (put) {
    const peers = rows.filter((r) => r.workload.startsWith("K1") && !r.system.startsWith("Mailroom") && Number.isFinite(r.msgsPerSec));
    const best = Math.max(0, ...peers.map((r) => r.msgsPerSec));
    out.push(`- PutRecords ≥ 50,000 records/s: ${Math.round(put.msgsPerSec).toLocaleString("en-US")} ${put.msgsPerSec >= 50_000 ? "MET" : "MISSED"}` +
      (best > 0 ? `; ≥ 3× the faster peer (${Math.round(best).toLocaleString("en-US")}): ${(put.msgsPerSec / best).toFixed(1)}× ${put.msgsPerSec >= 3 * best ? "MET" : "MISSED"}` : ""));
  }
  for (const r of rows.filter((x) => x.workload.startsWith("K2") && x.system.startsWith("Mailroom"))) {
    out.push(`- GetRecords catch-up ≥ 200,000 records/s (${r.workload.endsWith("raw client") ? "raw client" : "SDK client"}): ${Math.round(r.msgsPerSec).toLocaleString("en-US")} ${r.msgsPerSec >= 200_000 ? "MET" : "MISSED"}`);
  }
  for (const r of rows.filter((x) => x.workload.startsWith("K3") && x.system.startsWith("Mailroom"))) {
    out.push(`- SubscribeToShard p99 < 20 ms (${r.workload.slice(r.workload.lastIndexOf(",") + 2)}): ${r.p99.toFixed(2)} ms ${r.p99 < 20 ? "MET" : "MISSED"}`);
  }
  return out.length > 1 ? out.join("\n") : "";
}
