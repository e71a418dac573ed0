// The long fuzz run of issue 20, item 4: `npm run fuzz` runs every target for MAILROOM_FUZZ_RUNS inputs (default
// 1,000,000) and prints inputs, time and rate per target; the first failure is printed with its seed and the
// shrunk counterexample, and the exit code is 1. Optional: MAILROOM_FUZZ_SEED, MAILROOM_FUZZ_TARGET (a name part).
import { runTarget, targets } from "./fuzz-targets.ts";

const runs = Number(process.env.MAILROOM_FUZZ_RUNS ?? 1_000_000);
const seed = process.env.MAILROOM_FUZZ_SEED ? Number(process.env.MAILROOM_FUZZ_SEED) : undefined;
const only = process.env.MAILROOM_FUZZ_TARGET?.toLowerCase();
let failed = false;
for (const t of targets()) {
  if (only && !t.name.toLowerCase().includes(only)) continue;
  try {
    const r = await runTarget(t, runs, seed);
    process.stdout.write(`ok   ${t.name}: ${runs} inputs in ${(r.ms / 1000).toFixed(1)} s (${Math.round(runs / (r.ms / 1000))}/s), seed ${r.seed}\n`);
  } catch (e) {
    failed = true;
    process.stdout.write(`FAIL ${t.name}\n${e instanceof Error ? e.message : String(e)}\n`);
  }
}
process.exit(failed ? 1 : 0);
