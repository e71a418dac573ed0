// Benchmark runner: `npm run bench -- <suite> [args]` starts what the suite needs, runs each workload against
// Mailroom and its peers in the same run, and prints one table. Suites: sqs (W1–W5 against Mailroom strict and
// relaxed, the node:http floor, RabbitMQ, BullMQ, pg-boss; args pick workloads and systems, e.g. `sqs W3 mailroom`), pg (Mailroom on
// SQLite and on PostgreSQL, and pg-boss, full send/receive/delete cycle), patterns (the pattern matcher's and the policy
// glob's worst cases, in-process, µs per call; exits 1 when a row misses 1 ms), metrics (W1 with and without a
// Prometheus scrape every second), sfn (a 10-state Pass/Choice machine: EXPRESS StartSyncExecution and durable STANDARD
// executions on Mailroom, and aws-local-stepfunctions in process), events (EventBridge PutEvents with 1/100/1,000 rules
// against SendMessageBatch as the floor, and EventBridge Scheduler firing 100,000 schedules due in one minute), kinesis (PutRecords, GetRecords catch-up and SubscribeToShard latency against
// Mailroom, kinesalite and kinesis-local). This process (the load generator) pins itself to GEN_CORE, and the suites pin
// the servers they start to SERVER_CORE (cores 1 and 0 by default, lib/process.ts).
import os from "node:os";
import { table } from "./lib/measure.ts";
import { pinGenerator } from "./lib/process.ts";
import { patternsOk, patternsSuite } from "./patterns.ts";
import { eventsSuite } from "./suites/events.ts";
import { kinesisSuite } from "./suites/kinesis.ts";
import { pgHeader, pgSuite } from "./suites/pg.ts";
import { sfnSuite } from "./suites/sfn.ts";
import { sqsSuite } from "./suites/sqs.ts";
import { metricsSuite } from "./suites/metrics.ts";

pinGenerator();
const name = process.argv[2] ?? "sqs";
const args = process.argv.slice(3);
let out: string;
if (name === "pg") {
  console.log(`# bench pg: ${os.cpus().length} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(pgHeader.join("\n"));
  out = table(await pgSuite());
} else if (name === "sqs") {
  out = await sqsSuite(args);
} else if (name === "kinesis") {
  out = await kinesisSuite(args);
} else if (name === "metrics") {
  out = await metricsSuite();
} else if (name === "sfn") {
  out = await sfnSuite(args);
} else if (name === "events") {
  out = await eventsSuite();
} else if (name === "patterns") {
  out = patternsSuite();
  console.log(out);
  process.exit(patternsOk(out) ? 0 : 1);
} else {
  console.error(`unknown suite ${name}; one of: sqs, pg, kinesis, metrics, sfn, events, patterns`);
  process.exit(2);
}
console.log(out);
process.exit(0);
