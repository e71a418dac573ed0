// The short fuzz run of issue 20, item 4 (a few hundred inputs per target, seconds): no crash, no 500, no hang
// over 100 ms. `npm run fuzz` is the long run (scripts/fuzz.ts; results in docs/reliability.md).
import { test } from "node:test";
import { runTarget, targets } from "../../scripts/fuzz-targets.ts";

const RUNS = Number(process.env.MAILROOM_FUZZ_RUNS ?? 300);
for (const t of targets()) {
  test(`fuzz: ${t.name}`, { timeout: 120_000 }, async () => {
    await runTarget(t, t.name.startsWith("HTTP") ? Math.ceil(RUNS / 3) : RUNS);
  });
}
