// The runner against fake Kinesis and Step Functions services (in-process calls), on a ManualClock and SQLite:
// AUTOMATIC_BISECT isolates the one record a target refuses, delivers the others once, and sends the refused one to
// the dead-letter queue after MaximumRetryAttempts; a read whose records were partly accepted does not send those again.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../../engine/clock.ts";
import { createScheduler } from "../../../engine/scheduler.ts";
import { SqliteDb } from "../../../storage/sqlite/db.ts";
import { SqlitePipesStore } from "../../../storage/sqlite/pipes-store.ts";
import type { ServiceCall } from "../../operations.ts";
import type { PipesEnv } from "../env.ts";
import { scheduleRunner } from "./runner.ts";

const A = "000000000000";
const STREAM = `arn:aws:kinesis:us-east-1:${A}:stream/s`;
const MACHINE = `arn:aws:states:us-east-1:${A}:stateMachine:m`;
const DLQ = `arn:aws:sqs:us-east-1:${A}:dlq`;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function harness(records: string[], kinesisParams: Record<string, unknown>) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const db = new SqliteDb(":memory:");
  const store = new SqlitePipesStore(db);
  const executions: string[][] = [];
  const deadLetters: unknown[] = [];
  const kinesis: ServiceCall = async (_ctx, op, input) => {
    if (op === "ListShards") return { Shards: [{ ShardId: "shardId-000000000000" }] };
    if (op === "GetShardIterator") return { ShardIterator: JSON.stringify(input) };
    const it = JSON.parse(String(input.ShardIterator)) as { StartingSequenceNumber?: string };
    const from = it.StartingSequenceNumber ? Number(it.StartingSequenceNumber) + 1 : 0;
    return {
      Records: records.slice(from, from + Number(input.Limit)).map((d, i) => ({
        SequenceNumber: String(from + i), Data: Buffer.from(d), PartitionKey: "k", ApproximateArrivalTimestamp: new Date(clock.now()),
      })),
    };
  };
  // The state machine fails any batch holding a record "bad".
  const states: ServiceCall = async (_ctx, _op, input) => {
    const items = (JSON.parse(String(input.input)) as { data: string }[]).map((r) => Buffer.from(r.data, "base64").toString());
    if (items.includes("bad")) return { status: "FAILED", error: "Bad" };
    executions.push(items);
    return { status: "SUCCEEDED", output: "{}" };
  };
  const sqs: ServiceCall = async (_ctx, op, input) => {
    if (op === "SendMessage") deadLetters.push(JSON.parse(String(input.MessageBody)));
    return {};
  };
  const env: PipesEnv = {
    store, clock, baseUrl: () => "http://127.0.0.1:4566",
    service: (name) => ({ kinesis, stepfunctions: states, sqs } as Record<string, ServiceCall>)[name],
  };
  const scheduler = createScheduler({ clock });
  scheduleRunner(scheduler, env, silent);
  const create = () => store.create({
    account: A, region: "us-east-1", name: "p", desiredState: "RUNNING", currentState: "RUNNING",
    config: {
      Source: STREAM, Target: MACHINE, RoleArn: `arn:aws:iam::${A}:role/r`, StartedAt: clock.now(),
      SourceParameters: { KinesisStreamParameters: { StartingPosition: "TRIM_HORIZON", ...kinesisParams } },
    },
    createdAt: clock.now(), modifiedAt: clock.now(),
  }, 10);
  const rounds = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(1000);
      await scheduler.settled();
    }
  };
  return { create, rounds, executions, deadLetters, store, close: async () => { await scheduler.stop(); await db.close(); } };
}

test("AUTOMATIC_BISECT: the refused record is isolated, the others delivered once, then it goes to the dead-letter queue", async () => {
  const h = harness(["a", "b", "bad", "c"], { BatchSize: 4, OnPartialBatchItemFailure: "AUTOMATIC_BISECT", MaximumRetryAttempts: 1, DeadLetterConfig: { Arn: DLQ } });
  try {
    await h.create();
    await h.rounds(4);
    const delivered = h.executions.flat().sort();
    assert.deepEqual(delivered, ["a", "b", "c"]);
    assert.equal(h.deadLetters.length, 1);
    const info = (h.deadLetters[0] as { KinesisBatchInfo: { startSequenceNumber: string; endSequenceNumber: string; batchSize: number } }).KinesisBatchInfo;
    assert.deepEqual([info.startSequenceNumber, info.endSequenceNumber, info.batchSize], ["2", "2", 1]);
    assert.deepEqual(await h.store.checkpoints({ account: A, region: "us-east-1", name: "p" }), { "shardId-000000000000": "3" });
  } finally {
    await h.close();
  }
});

test("without bisect the whole batch is retried, then dead-lettered whole", async () => {
  const h = harness(["a", "bad"], { BatchSize: 2, MaximumRetryAttempts: 2, DeadLetterConfig: { Arn: DLQ } });
  try {
    await h.create();
    await h.rounds(5);
    assert.deepEqual(h.executions, []);
    assert.equal(h.deadLetters.length, 1);
    assert.equal((h.deadLetters[0] as { KinesisBatchInfo: { batchSize: number } }).KinesisBatchInfo.batchSize, 2);
  } finally {
    await h.close();
  }
});
