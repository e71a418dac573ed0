import { cloneThread, startPosition, step } from "../src/services/stepfunctions/domain/step.ts";
const def: any = { StartAt: "A", States: { A: { Type: "Succeed" } } };
const info = { arn: "arn", name: "n", input: '{"k":1}', roleArn: "r", startDate: 0, machineArn: "m", machineName: "m" };
const io: any = { history: false, chain: { steps: 100, events: Infinity } };
const n = 200000;
function benchSync(label: string, f: () => unknown) {
  for (let i = 0; i < 20000; i++) f();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const c = process.cpuUsage(c0);
  console.log(`${label}: ${((c.user + c.system) / n).toFixed(2)} µs`);
}
async function bench(label: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 20000; i++) await f();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  console.log(`${label}: ${((c.user + c.system) / n).toFixed(2)} µs`);
}
const p = startPosition(def, info.input, 0) as any;
benchSync("cloneThread", () => cloneThread(p));
benchSync("JSON parse+stringify", () => JSON.stringify(JSON.parse('{"k":1}')));
benchSync("new Date iso", () => new Date(0).toISOString());
await bench("async noop", async () => 1);
await bench("step 1-state", () => step(def, info, p, 1, 0, io));
await bench("step 1-state no io", () => step(def, info, p, 1, 0));
