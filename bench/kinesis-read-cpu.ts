// Server CPU per record of a Kinesis GetRecords catch-up, on each wire format (issue 14, K2; ADR 0033). Not a
// throughput benchmark: it counts only the server process's CPU time (utime + stime from /proc) while a raw,
// unsigned HTTP/1.1 client reads a prefilled shard from TRIM_HORIZON to its end with GetRecords(Limit 10000), so the
// figure holds on a loaded machine. The client parses the answers too (JSON.parse, or @smithy/core's CBOR codec) to
// follow NextShardIterator and count records.
//
// `node --import tsx bench/kinesis-read-cpu.ts`; environment: KREAD_RECORDS (200,000), KREAD_BYTES (100),
// KREAD_PASSES (3 per codec), KREAD_CODECS (json,cbor), KREAD_DATABASE (postgres://…: PostgreSQL instead of
// SQLite), KREAD_CHECKOUT (another checkout to measure, e.g. the code before a change), BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=DIR"; the profile then covers the prefill too).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { cbor } from "@smithy/core/cbor";
import { cpuSeconds, SERVER_CORE, startMailroomProcess } from "./lib/process.ts";
import { RawConnection } from "./lib/raw-http.ts";

const records = Number(process.env.KREAD_RECORDS ?? 200_000);
const bytes = Number(process.env.KREAD_BYTES ?? 100);
const passes = Number(process.env.KREAD_PASSES ?? 3);
const codecs = (process.env.KREAD_CODECS ?? "json,cbor").split(",");
const database = process.env.KREAD_DATABASE;
/** Another checkout's bin/mailroom.js (a before/after pair in one sitting). */
const checkout = process.env.KREAD_CHECKOUT ?? ".";

const dir = mkdtempSync(`${os.tmpdir()}/mailroom-kread-`);
const server = await startMailroomProcess(database ? ["--database", database, "--durability", "relaxed"] : ["--data-dir", dir, "--durability", "relaxed"], SERVER_CORE, undefined, checkout);
const host = `127.0.0.1:${server.port}`;
const stream = `kread-${Date.now()}`;

const head = (op: string, type: string) => `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-type: ${type}\r\nx-amz-target: Kinesis_20131202.${op}\r\n`;

/** One JSON 1.1 call; throws unless 200. */
async function json(c: RawConnection, op: string, input: object): Promise<Record<string, unknown>> {
  const r = await c.request(head(op, "application/x-amz-json-1.1"), JSON.stringify(input));
  if (r.status !== 200) throw new Error(`${op}: ${r.status} ${r.body.toString().slice(0, 300)}`);
  return JSON.parse(r.body.toString() || "{}") as Record<string, unknown>;
}

/** One CBOR call. */
async function cborCall(c: RawConnection, op: string, input: object): Promise<Record<string, unknown>> {
  const r = await c.request(head(op, "application/x-amz-cbor-1.1"), Buffer.from(cbor.serialize(input)));
  if (r.status !== 200) throw new Error(`${op}: ${r.status}`);
  return cbor.deserialize(r.body) as Record<string, unknown>;
}

try {
  const conns = await Promise.all(Array.from({ length: 4 }, () => RawConnection.open("127.0.0.1", server.port)));
  await json(conns[0], "CreateStream", { StreamName: stream, ShardCount: 1 });
  const data = Buffer.alloc(bytes, 0x61).toString("base64");
  let put = 0;
  await Promise.all(conns.map(async (c) => {
    while (put < records) {
      put += 500;
      await json(c, "PutRecords", { StreamName: stream, Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `p${i}`, Data: data })) });
    }
  }));
  const c = conns[0];
  console.log(`# ${put} records × ${bytes} B on ${database ? "PostgreSQL" : "SQLite"}; ${passes} passes per codec`);
  for (const codec of codecs) {
    const call = codec === "cbor" ? (op: string, input: object) => cborCall(c, op, input) : (op: string, input: object) => json(c, op, input);
    const perRecord: number[] = [];
    for (let p = 0; p < passes; p++) {
      let it = (await call("GetShardIterator", { StreamName: stream, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" })).ShardIterator as string | undefined;
      const cpu0 = cpuSeconds(server.pid);
      const t0 = performance.now();
      let read = 0;
      let calls = 0;
      while (it) {
        const out = await call("GetRecords", { ShardIterator: it, Limit: 10_000 });
        calls++;
        const n = (out.Records as unknown[]).length;
        read += n;
        it = out.NextShardIterator as string | undefined;
        if (n === 0 && out.MillisBehindLatest === 0) break;
      }
      const cpu = cpuSeconds(server.pid) - cpu0;
      const wall = (performance.now() - t0) / 1000;
      perRecord.push((cpu / read) * 1e6);
      console.log(`${codec} pass ${p + 1}: ${read} records in ${calls} calls, server CPU ${cpu.toFixed(2)} s = ${((cpu / read) * 1e6).toFixed(2)} µs/record, wall ${wall.toFixed(2)} s`);
    }
    perRecord.sort((a, b) => a - b);
    console.log(`${codec}: median ${perRecord[Math.floor(perRecord.length / 2)].toFixed(2)} µs of server CPU per record`);
  }
  await json(c, "DeleteStream", { StreamName: stream });
  for (const x of conns) x.close();
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
