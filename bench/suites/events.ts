// Suite `events`: EventBridge PutEvents (10 entries of 1 KiB each) on a bus with 1, 100 and 1,000 rules, each event
// matching exactly one rule whose target is an SQS queue, in events/s; and SendMessageBatch(10) of the same bodies
// as the floor (what the same server does writing the same messages without routing), in one run. Mailroom runs
// strict (fsync per commit) and anonymous (unsigned requests), pinned to the server core; the load generator on the other (lib/process.ts).
// Rules: rule i matches {"source": ["bench"], "detail-type": ["type-i"]}; each entry names a rule at random.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { closedLoop, type Row, table } from "../lib/measure.ts";
import { GEN_CORE, SERVER_CORE, startMailroomProcess } from "../lib/process.ts";
import { RawConnection } from "../lib/raw-http.ts";
import { schedulerFiringRow } from "../workloads/scheduler.ts";
import { createQueue, sendWorker } from "../workloads/sqs.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RULE_COUNTS = (process.env.BENCH_RULES ?? "1,100,1000").split(",").map(Number);
/** EventBridge Scheduler's row: this many one-time schedules due in one minute (0 skips it). */
const SCHEDULES = Number(process.env.BENCH_SCHEDULES ?? 100_000);
/** BENCH_ONLY=scheduler runs the Scheduler row alone. */
const ONLY_SCHEDULER = process.env.BENCH_ONLY === "scheduler";
/** A 1 KiB Detail (the JSON text is 1,024 bytes). */
const DETAIL = JSON.stringify({ data: "x".repeat(1024 - 11) });

export const eventsHeader = [
  `# server pinned to core ${SERVER_CORE} (taskset -c ${SERVER_CORE}), load generator on core ${GEN_CORE}; ${connections} connections, ${seconds} s measured after 2 s warm-up; strict durability (fsync per commit).`,
  "# msgs/s counts events (PutEvents rows: 10 entries per request, each routed to one SQS queue) or messages (SendMessageBatch, 10 per request).",
];

class EventsConnection {
  readonly conn: RawConnection;
  private readonly host: string;
  private constructor(conn: RawConnection, host: string) {
    this.conn = conn;
    this.host = host;
  }
  static async open(port: number): Promise<EventsConnection> {
    return new EventsConnection(await RawConnection.open("127.0.0.1", port), `127.0.0.1:${port}`);
  }
  async call(op: string, body: string): Promise<string> {
    const head = `POST / HTTP/1.1\r\nhost: ${this.host}\r\ncontent-type: application/x-amz-json-1.1\r\nx-amz-target: AWSEvents.${op}\r\n`;
    const r = await this.conn.request(head, body);
    const text = r.body.toString();
    if (r.status !== 200) throw new Error(`${op}: HTTP ${r.status} ${text.slice(0, 300)}`);
    return text;
  }
  close(): void {
    this.conn.close();
  }
}

/** Creates the bus, its rules (in parallel over a few connections, so their commits group) and their targets. */
async function setUp(port: number, bus: string, rules: number, queueArn: string): Promise<void> {
  const c = await EventsConnection.open(port);
  await c.call("CreateEventBus", JSON.stringify({ Name: bus }));
  c.close();
  const workers = 16;
  await Promise.all(Array.from({ length: workers }, async (_, w) => {
    const conn = await EventsConnection.open(port);
    for (let i = w; i < rules; i += workers) {
      const Name = `r-${i}`;
      await conn.call("PutRule", JSON.stringify({ Name, EventBusName: bus, EventPattern: JSON.stringify({ source: ["bench"], "detail-type": [`type-${i}`] }) }));
      await conn.call("PutTargets", JSON.stringify({ Rule: Name, EventBusName: bus, Targets: [{ Id: "q", Arn: queueArn }] }));
    }
    conn.close();
  }));
}

function putEventsWorker(port: number, bus: string, rules: number) {
  return async (): Promise<() => Promise<number>> => {
    const c = await EventsConnection.open(port);
    return async () => {
      const entries = Array.from({ length: 10 }, () => ({ Source: "bench", DetailType: `type-${Math.floor(Math.random() * rules)}`, Detail: DETAIL, EventBusName: bus }));
      const text = await c.call("PutEvents", JSON.stringify({ Entries: entries }));
      if (!text.includes('"FailedEntryCount":0')) throw new Error(`PutEvents partly failed: ${text.slice(0, 200)}`);
      return 10;
    };
  };
}

/** The Scheduler row on its own server (fresh data directory), pinned like the others. */
async function schedulerRows(): Promise<Row[]> {
  if (SCHEDULES <= 0) return [];
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-scheduler-`);
  const server = await startMailroomProcess(["--data-dir", dir]);
  try {
    return [await schedulerFiringRow(server.port, server.pid, SCHEDULES)];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function eventsSuite(): Promise<string> {
  if (ONLY_SCHEDULER) {
    const rows = await schedulerRows();
    return [...eventsHeader, table(rows), ...rows.map((r) => `# ${r.workload}: ${r.note}`)].join("\n");
  }
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-events-`);
  const server = await startMailroomProcess(["--data-dir", dir]);
  const rows: Row[] = [];
  const loop = { connections, warmupMs: 2000, measureMs: seconds * 1000, serverPids: [server.pid] };
  try {
    // The floor first: its warm-up also warms the server (JIT, WAL) for the rows compared with it.
    const floor = await createQueue(server.port, undefined, "bench-events-floor");
    const f = await closedLoop(loop, sendWorker(floor, true));
    rows.push({ workload: "SendMessageBatch(10 × 1 KiB) (floor)", system: "Mailroom, SQLite", durability: "strict", ...f });
    for (const n of RULE_COUNTS) {
      await createQueue(server.port, undefined, `bench-events-${n}`);
      await setUp(server.port, `bench-${n}`, n, `arn:aws:sqs:us-east-1:000000000000:bench-events-${n}`);
      const r = await closedLoop(loop, putEventsWorker(server.port, `bench-${n}`, n));
      rows.push({ workload: `PutEvents(10 × 1 KiB), ${n} rule${n === 1 ? "" : "s"} → SQS`, system: "Mailroom, SQLite", durability: "strict", ...r });
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (n: number) => rows.find((x) => x.workload.includes(`, ${n} rule`));
  const floorRow = rows[0];
  const last = RULE_COUNTS[RULE_COUNTS.length - 1];
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(2) : "n/a");
  const ratios = [
    `# ${last} rules / 1 rule: ${ratio(row(last)?.msgsPerSec, row(1)?.msgsPerSec)} in events/s (goal ≥ 0.8); server CPU per event ${ratio(row(1)?.cpuPer1k, row(last)?.cpuPer1k)} of the 1-rule row's inverse`,
    `# PutEvents (1 rule) / SendMessageBatch: ${ratio(row(1)?.msgsPerSec, floorRow.msgsPerSec)} in events/s (goal ≥ 0.6); by server CPU per message ${ratio(floorRow.cpuPer1k, row(1)?.cpuPer1k)}. Goal ≥ 20,000 events/s on one core.`,
  ];
  const sched = await schedulerRows();
  return [...eventsHeader, table([...rows, ...sched]), ...ratios, ...sched.map((r) => `# ${r.workload}: ${r.note}`)].join("\n");
}
