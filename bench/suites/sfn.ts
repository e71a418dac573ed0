// Suite `sfn`: one 10-state Pass/Choice machine (10 state transitions per execution) run three ways:
//   - EXPRESS through StartSyncExecution on a Mailroom server (closed loop; transitions/s = executions/s × 10);
//   - STANDARD through StartExecution on a Mailroom server with strict durability: executions are started in a closed
//     loop for the window, then the run waits until every started execution has ended; executions/s and durable
//     transitions/s are counted over the whole time from the first start to the last end (the backlog included);
//   - the same definition run in the load generator's own process by aws-local-stepfunctions 3.0.0 (in memory, no
//     HTTP), as the peer: StateMachine.run() in a closed loop of the same concurrency;
//   - Mailroom's pure step function on the same definition in the same process (the interpreter alone, like the peer).
// Arguments pick rows: express, peer, step, standard (default all). BENCH_BASELINE=<dir>: another checkout of Mailroom
// (say, main before a change, built) whose EXPRESS and STANDARD rows are measured in the same run, after this one's.
// The Mailroom server runs anonymous (unsigned requests), pinned to the server core; the generator on the other (lib/process.ts).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { StateMachine } from "aws-local-stepfunctions";
import type { Definition } from "../../src/services/stepfunctions/domain/definition.ts";
import { startPosition, step, type StepIO } from "../../src/services/stepfunctions/domain/step.ts";
import type { ExecutionPosition } from "../../src/services/stepfunctions/store.ts";
import { closedLoop, CpuWindow, sleep, type Measured } from "../lib/measure.ts";
import { GEN_CORE, SERVER_CORE, startMailroomProcess } from "../lib/process.ts";
import { RawConnection } from "../lib/raw-http.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROLE = "arn:aws:iam::000000000000:role/bench";

/** Ten states, each entered once per execution: Pass and Choice states alternating, ending in Succeed. */
export const TEN_STATE_MACHINE = {
  StartAt: "S1",
  States: {
    S1: { Type: "Pass", Result: 1, ResultPath: "$.n", Next: "S2" },
    S2: { Type: "Choice", Choices: [{ Variable: "$.n", NumericEquals: 1, Next: "S3" }], Default: "S10" },
    S3: { Type: "Pass", Parameters: { "n.$": "$.n", v: "x" }, ResultPath: "$.p", Next: "S4" },
    S4: { Type: "Choice", Choices: [{ Variable: "$.p.v", StringEquals: "x", Next: "S5" }], Default: "S10" },
    S5: { Type: "Pass", Result: 2, ResultPath: "$.n", Next: "S6" },
    S6: { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 1, Next: "S7" }], Default: "S10" },
    S7: { Type: "Pass", Next: "S8" },
    S8: { Type: "Choice", Choices: [{ Variable: "$.n", IsPresent: true, Next: "S9" }], Default: "S10" },
    S9: { Type: "Pass", Result: "done", ResultPath: "$.r", Next: "S10" },
    S10: { Type: "Succeed" },
  },
};
const TRANSITIONS = 10;

interface SfnRow {
  what: string;
  system: string;
  durability: string;
  transitionsPerSec: number;
  executionsPerSec: number;
  p50?: number;
  p99?: number;
  serverCpuPct?: number;
  /** CPU used by everything but the server and the generator during the window, % of one core (disturbance). */
  otherCpuPct?: number;
  note?: string;
}

class SfnConnection {
  readonly conn: RawConnection;
  private readonly head: (op: string) => string;
  constructor(conn: RawConnection, port: number) {
    this.conn = conn;
    this.head = (op) => `POST / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: AWSStepFunctions.${op}\r\n`;
  }
  static async open(port: number) {
    return new SfnConnection(await RawConnection.open("127.0.0.1", port), port);
  }
  async call(op: string, body: unknown): Promise<Record<string, any>> {
    const r = await this.conn.request(this.head(op), JSON.stringify(body));
    const text = r.body.toString("utf8");
    if (r.status !== 200) throw new Error(`${op}: HTTP ${r.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }
}

async function createMachine(port: number, name: string, type: "STANDARD" | "EXPRESS"): Promise<string> {
  const c = await SfnConnection.open(port);
  try {
    return (await c.call("CreateStateMachine", { name, type, roleArn: ROLE, definition: JSON.stringify(TEN_STATE_MACHINE) })).stateMachineArn;
  } finally {
    c.conn.close();
  }
}

const fromMeasured = (what: string, system: string, durability: string, m: Measured, windowS: number): SfnRow => ({
  what, system, durability, executionsPerSec: m.msgsPerSec, transitionsPerSec: m.msgsPerSec * TRANSITIONS, p50: m.p50, p99: m.p99,
  serverCpuPct: m.cpuPer1k === undefined ? undefined : (m.cpuPer1k * m.msgsPerSec) / 10, otherCpuPct: m.otherCpuPct, note: m.note ?? `${windowS} s window`,
});

const BASELINE = process.env.BENCH_BASELINE;
function systemName(name: string, checkout?: string): string {
  if (!checkout) return name;
  let rev = checkout;
  try {
    rev = execFileSync("git", ["-C", checkout, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // An exported tree (git archive) has no repository: the directory names it.
  }
  return `${name} (baseline ${rev})`;
}

async function expressRow(checkout?: string): Promise<SfnRow> {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-sfn-`);
  const server = await startMailroomProcess(["--data-dir", dir], SERVER_CORE, undefined, checkout);
  try {
    const arn = await createMachine(server.port, "express10", "EXPRESS");
    const m = await closedLoop({ connections, warmupMs: 2000, measureMs: seconds * 1000, serverPids: [server.pid] }, async () => {
      const c = await SfnConnection.open(server.port);
      return async () => {
        const r = await c.call("StartSyncExecution", { stateMachineArn: arn, input: '{"k":1}' });
        if (r.status !== "SUCCEEDED") throw new Error(`execution ${r.status}: ${r.error} ${r.cause}`);
        return 1;
      };
    });
    return fromMeasured("StartSyncExecution, 10-state Pass/Choice", systemName("Mailroom EXPRESS", checkout), "none (in memory, as on AWS)", m, seconds);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function standardRow(checkout?: string): Promise<SfnRow> {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-bench-sfn-`);
  const server = await startMailroomProcess(["--data-dir", dir], SERVER_CORE, undefined, checkout);
  try {
    const arn = await createMachine(server.port, "standard10", "STANDARD");
    const conns = await Promise.all(Array.from({ length: connections }, () => SfnConnection.open(server.port)));
    const cpu = new CpuWindow({ serverPids: [server.pid] });
    const t0 = performance.now();
    let started = 0;
    let stop = false;
    const loops = conns.map(async (c) => {
      while (!stop) {
        await c.call("StartExecution", { stateMachineArn: arn, input: '{"k":1}' });
        started++;
      }
    });
    await sleep(seconds * 1000);
    stop = true;
    await Promise.all(loops);
    const startWindow = (performance.now() - t0) / 1000;
    // Wait for the backlog: every started execution must end (ListExecutions RUNNING empty).
    const probe = conns[0];
    const deadline = performance.now() + 600_000;
    for (;;) {
      const r = await probe.call("ListExecutions", { stateMachineArn: arn, statusFilter: "RUNNING", maxResults: 1 });
      if (r.executions.length === 0 || performance.now() > deadline) break;
      await sleep(50);
    }
    const total = (performance.now() - t0) / 1000;
    const window = cpu.end();
    // Count what ended, by paging ListExecutions SUCCEEDED.
    let succeeded = 0;
    let token: string | undefined;
    do {
      const r = await probe.call("ListExecutions", { stateMachineArn: arn, statusFilter: "SUCCEEDED", maxResults: 1000, nextToken: token });
      succeeded += r.executions.length;
      token = r.nextToken;
    } while (token);
    for (const c of conns) c.conn.close();
    return {
      what: "StartExecution, 10-state Pass/Choice, until all ended", system: systemName("Mailroom STANDARD", checkout), durability: "strict (fsync per commit)",
      executionsPerSec: succeeded / total, transitionsPerSec: (succeeded * TRANSITIONS) / total,
      serverCpuPct: (window.serverCpu / window.elapsed) * 100, otherCpuPct: window.otherCpuPct,
      note: `${started} started in ${startWindow.toFixed(1)} s (${Math.round(started / startWindow)}/s accepted), ${succeeded} succeeded, all ended after ${total.toFixed(1)} s`,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function peerRow(): Promise<SfnRow> {
  // A copy: the peer adds fields (QueryLanguage) to the definition object it is given.
  const machine = new StateMachine(structuredClone(TEN_STATE_MACHINE) as never);
  let runs = 0;
  const m = await closedLoop({ connections, warmupMs: 2000, measureMs: seconds * 1000, serverPids: [process.pid] }, async () => async () => {
    await machine.run({ k: 1 }).result;
    // The peer never waits on I/O: without a yield now and then its promise chain would starve the window's timers.
    if (++runs % 200 === 0) await new Promise((r) => setImmediate(r));
    return 1;
  });
  return fromMeasured("StateMachine.run(), same definition", "aws-local-stepfunctions 3.0.0 (in process)", "none (in memory)", m, seconds);
}

/** Transitions per CPU-second of the server (the peer: of the generator's process): comparable on a busy machine. */
const perCpu = (r: SfnRow) => (r.serverCpuPct ? r.transitionsPerSec / (r.serverCpuPct / 100) : undefined);
/**
 * Mailroom's interpreter alone, in this process like the peer: the pure step function EXPRESS executions run on,
 * without HTTP or storage (what the EXPRESS row adds on top is the request's own cost).
 */
/** How jobs/express.ts steps: no history events, Pass/Choice steps chained in one call. */
const EXPRESS_IO: StepIO = { history: false, chain: { steps: 100, events: Number.POSITIVE_INFINITY } };

async function stepRow(): Promise<SfnRow> {
  const def = structuredClone(TEN_STATE_MACHINE) as unknown as Definition;
  const info = { arn: "arn", name: "n", input: '{"k":1}', roleArn: ROLE, startDate: 0, machineArn: "m", machineName: "m" };
  const runOne = async () => {
    let pos: ExecutionPosition = startPosition(def, info.input, 0);
    let last = 1;
    for (;;) {
      const r = await step(def, info, pos, last, 0, EXPRESS_IO);
      last = r.lastEventId;
      if (r.status !== "RUNNING") return r;
      pos = r.position;
    }
  };
  let runs = 0;
  const m = await closedLoop({ connections, warmupMs: 2000, measureMs: seconds * 1000, serverPids: [process.pid] }, async () => async () => {
    await runOne();
    if (++runs % 200 === 0) await new Promise((r) => setImmediate(r));
    return 1;
  });
  return fromMeasured("step(), same definition", "Mailroom interpreter alone (in process)", "none (in memory)", m, seconds);
}

const n = (v: number | undefined, d = 0) => (v === undefined || Number.isNaN(v) ? "–" : v.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }));

export async function sfnSuite(args: string[]): Promise<string> {
  const want = (k: string) => args.length === 0 || args.includes(k);
  const rows: SfnRow[] = [];
  if (want("express")) rows.push(await expressRow());
  if (want("express") && BASELINE) rows.push(await expressRow(BASELINE));
  if (want("peer")) rows.push(await peerRow());
  if (want("step")) rows.push(await stepRow());
  if (want("standard")) rows.push(await standardRow());
  if (want("standard") && BASELINE) rows.push(await standardRow(BASELINE));
  const out = [
    `# bench sfn: ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}; server on core ${SERVER_CORE}, generator (and the in-process peer) on core ${GEN_CORE}; ${connections} connections, ${seconds} s windows`,
    `# host load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other CPU % above ~10 means the row was disturbed)`,
    "| workload | system | durability | transitions/s | executions/s | p50 ms | p99 ms | server CPU % | transitions per server CPU-s | other CPU % |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.what} | ${r.system} | ${r.durability} | ${n(r.transitionsPerSec)} | ${n(r.executionsPerSec)} | ${n(r.p50, 2)} | ${n(r.p99, 2)} | ${n(r.serverCpuPct)} | ${n(perCpu(r))} | ${n(r.otherCpuPct)} |`),
    "",
    ...rows.filter((r) => r.note).map((r) => `- ${r.system}: ${r.note}`),
  ];
  const express = rows.find((r) => r.system === "Mailroom EXPRESS");
  const peer = rows.find((r) => r.system.startsWith("aws-local"));
  const standard = rows.find((r) => r.system === "Mailroom STANDARD");
  if (express && peer) {
    out.push(`- goal EXPRESS ≥ 1× the peer per transition: ${(express.transitionsPerSec / peer.transitionsPerSec).toFixed(2)}× — ${express.transitionsPerSec >= peer.transitionsPerSec ? "met" : "missed"}` +
      ` (per CPU-second: ${((perCpu(express) ?? 0) / (perCpu(peer) ?? 1)).toFixed(2)}×; the peer runs in process, without HTTP)`);
  }
  if (standard) out.push(`- goal STANDARD ≥ 20,000 durable transitions/s: ${n(standard.transitionsPerSec)} — ${standard.transitionsPerSec >= 20_000 ? "met" : "missed"}`);
  return out.join("\n");
}
