import { TEN_STATE_MACHINE } from "./suites/sfn.ts";
import { startPosition, step } from "../src/services/stepfunctions/domain/step.ts";
const def = structuredClone(TEN_STATE_MACHINE) as any;
const info = { arn: "arn", name: "n", input: '{"k":1}', roleArn: "r", startDate: 0, machineArn: "m", machineName: "m" };
async function runOne() {
  let pos: any = startPosition(def, info.input, 0);
  let last = 1;
  for (;;) {
    const r = await step(def, info, pos, last, 0);
    last += r.events.length;
    if (r.status !== "RUNNING") return r;
    pos = r.position;
  }
}
const N = Number(process.argv[2] ?? 20000);
for (let i = 0; i < 3000; i++) await runOne();
const c0 = process.cpuUsage();
for (let i = 0; i < N; i++) await runOne();
const c = process.cpuUsage(c0);
const us = c.user + c.system;
console.log(`step(): ${N} executions, ${(us / N / 10).toFixed(2)} µs CPU per transition, ${Math.round(N * 10 / (us / 1e6))} transitions per CPU-s`);
