// Micro-benchmark of the Step Functions interpreter alone: the `sfn` suite's 10-state Pass/Choice machine run to its
// end with `step` in this process, N executions after a warm-up, reported as CPU µs per state transition (process
// CPU time, so it holds on a busy machine). Three ways: one `step` call per state with history events, chained with
// history (as a STANDARD start or the runner takes side-effect-free steps), and the way EXPRESS executions run (no
// history, steps chained in one call).
// `node --import tsx bench/sfn-step.ts [executions]`
import { TEN_STATE_MACHINE } from "./suites/sfn.ts";
import type { Definition } from "../src/services/stepfunctions/domain/definition.ts";
import { startPosition, step, type StepIO } from "../src/services/stepfunctions/domain/step.ts";
import type { ExecutionPosition } from "../src/services/stepfunctions/store.ts";

const def = structuredClone(TEN_STATE_MACHINE) as unknown as Definition;
const info = { arn: "arn", name: "n", input: '{"k":1}', roleArn: "r", startDate: 0, machineArn: "m", machineName: "m" };
const ways: Record<string, StepIO> = {
  "one step per call, with history": {},
  "STANDARD start: chained, with history": { chain: { steps: 64, events: 256 } },
  "EXPRESS: chained, no history": { history: false, chain: { steps: 100, events: Number.POSITIVE_INFINITY } },
};

async function runOne(io: StepIO) {
  let pos: ExecutionPosition = startPosition(def, info.input, 0);
  let last = 1;
  for (;;) {
    const r = await step(def, info, pos, last, 0, io);
    last = r.lastEventId;
    if (r.status !== "RUNNING") return r;
    pos = r.position;
  }
}

const n = Number(process.argv[2] ?? 20000);
for (const [name, io] of Object.entries(ways)) {
  for (let i = 0; i < 3000; i++) await runOne(io);
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await runOne(io);
  const c = process.cpuUsage(c0);
  const us = c.user + c.system;
  console.log(`${name}: ${n} executions, ${(us / n / 10).toFixed(2)} µs CPU per transition, ${Math.round((n * 10) / (us / 1e6))} transitions per CPU-s`);
}
