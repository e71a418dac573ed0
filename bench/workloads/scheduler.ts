// EventBridge Scheduler firing throughput: N one-time schedules (at(), the seconds of one wall-clock minute spread
// over them) with an SQS queue as templated target, created ahead over raw REST-JSON connections; then, once the
// minute starts, how long until every one has fired and its message is in the queue, and the server's CPU time for
// that (from /proc). The row's msgs/s is N / (last message's arrival − minute start); p50/p99 are each firing's
// lateness after its own second (ms) as the queue's SentTimestamp shows it on a sample.
import type { Row } from "../lib/measure.ts";
import { cpuSeconds, rssMb } from "../lib/process.ts";
import { RawConnection } from "../lib/raw-http.ts";
import { SqsConnection } from "../lib/raw-http.ts";

const ROLE = "arn:aws:iam::000000000000:role/bench";

async function createSchedules(port: number, n: number, minute: number, queueArn: string, connections: number): Promise<void> {
  const stamp = new Date(minute).toISOString().slice(0, 17); // yyyy-mm-ddThh:mm:
  await Promise.all(Array.from({ length: connections }, async (_, w) => {
    const c = await RawConnection.open("127.0.0.1", port);
    try {
      for (let i = w; i < n; i += connections) {
        const body = JSON.stringify({
          ScheduleExpression: `at(${stamp}${String(i % 60).padStart(2, "0")})`, FlexibleTimeWindow: { Mode: "OFF" }, ActionAfterCompletion: "DELETE",
          Target: { Arn: queueArn, RoleArn: ROLE, Input: `firing ${i} <aws.scheduler.scheduled-time>` },
        });
        const r = await c.request(`POST /schedules/bench-${i} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n`, body);
        if (r.status !== 200) throw new Error(`CreateSchedule: HTTP ${r.status} ${r.body.toString().slice(0, 300)}`);
      }
    } finally {
      c.close();
    }
  }));
}

export async function schedulerFiringRow(port: number, pid: number, n: number): Promise<Row> {
  let sqs = await SqsConnection.open(port, undefined);
  const { QueueUrl } = await sqs.call<{ QueueUrl: string }>("CreateQueue", { QueueName: "bench-scheduler" });
  sqs.close();
  const queueArn = "arn:aws:sqs:us-east-1:000000000000:bench-scheduler";
  // The minute must start after every schedule exists: creation is given (n / 500) s, then the next whole minute.
  const minute = Math.ceil((Date.now() + 20_000 + (n / 500) * 1000) / 60_000) * 60_000;
  const t0 = Date.now();
  await createSchedules(port, n, minute, queueArn, 32);
  const created = Date.now();
  if (created >= minute) throw new Error(`creating ${n} schedules took ${created - t0} ms and ran past the minute; lower BENCH_SCHEDULES`);
  await new Promise((r) => setTimeout(r, minute - Date.now() - 1000));
  // A new connection: the server closes idle ones (connection deadlines, ADR 0014).
  sqs = await SqsConnection.open(port, undefined);
  const cpu0 = cpuSeconds(pid);
  let count = 0;
  let last = Date.now();
  let peak = 0;
  while (count < n && Date.now() - minute < 600_000) {
    await new Promise((r) => setTimeout(r, 250));
    const a = await sqs.call<{ Attributes: Record<string, string> }>("GetQueueAttributes", { QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] });
    const now = Number(a.Attributes.ApproximateNumberOfMessages);
    if (now > count) last = Date.now();
    count = now;
    peak = Math.max(peak, rssMb(pid));
  }
  const cpu = cpuSeconds(pid) - cpu0;
  // Lateness of a sample: SentTimestamp minus the second the body names.
  const late: number[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await sqs.call<{ Messages?: { Body: string; Attributes: Record<string, string> }[] }>("ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 10, AttributeNames: ["SentTimestamp"] });
    for (const m of r.Messages ?? []) late.push(Number(m.Attributes.SentTimestamp) - Date.parse(m.Body.split(" ")[2]));
  }
  sqs.close();
  late.sort((a, b) => a - b);
  const q = (p: number) => late[Math.min(late.length - 1, Math.floor(late.length * p))] ?? Number.NaN;
  const elapsed = (last - minute) / 1000;
  return {
    workload: `Scheduler: ${n.toLocaleString("en-US")} at() schedules due in one minute → SQS`, system: "Mailroom, SQLite", durability: "strict",
    msgsPerSec: n / Math.max(elapsed, 1e-3), p50: q(0.5), p99: q(0.99), p999: q(0.999), cpuPer1k: (cpu / Math.max(count, 1)) * 1000, peakRssMb: peak,
    note: `${count.toLocaleString("en-US")} of ${n.toLocaleString("en-US")} fired; the last ${elapsed.toFixed(1)} s after the minute began (goal: all within it); server CPU ${cpu.toFixed(1)} s; ${n.toLocaleString("en-US")} creates took ${((created - t0) / 1000).toFixed(1)} s; p50/p99 = lateness after each schedule's own second, from a sample of ${late.length}`,
  };
}
