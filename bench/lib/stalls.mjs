// Event-loop stalls of a server under test, with wall-clock times to line up with BENCH_DUMP's per-message latencies:
//   BENCH_SERVER_NODE_ARGS="--import ./bench/lib/stalls.mjs" BENCH_DUMP=/tmp/lat.txt npm run bench -- sqs W4 mailroom
// A 1 ms interval timer notes every gap over 4 ms ("<start ms since the epoch> <gap ms>"); the list is written to
// /tmp/stalls-<pid>.txt when the server exits or is signalled.
import { writeFileSync } from "node:fs";

const out = [];
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - last > 4) out.push(`${(performance.timeOrigin + last).toFixed(1)} ${(now - last).toFixed(1)}`);
  last = now;
}, 1).unref();
const save = () => writeFileSync(`/tmp/stalls-${process.pid}.txt`, `${out.join("\n")}\n`);
process.on("exit", save);
for (const s of ["SIGTERM", "SIGINT"]) process.prependListener(s, save);
