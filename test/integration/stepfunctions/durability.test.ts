// Durability of executions: a server is closed while an execution waits in a Wait state, and a new one on the same
// data directory (SQLite file, or the same PostgreSQL database) resumes it where it was: the Wait ends at its
// stored due time, the execution finishes once with the right output, and its history continues without a gap.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CreateActivityCommand, CreateStateMachineCommand, GetActivityTaskCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SendTaskSuccessCommand, StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ManualClock, type Mailroom } from "../../../src/index.ts";
import { startTestServer } from "../../helpers/server.ts";
import { def, ROLE, sfnClient, waitFor } from "./helpers.ts";

let dataDir: string;
const clock = new ManualClock(Date.UTC(2026, 0, 1));
const open: Mailroom[] = [];

async function start(): Promise<Mailroom> {
  const s = await startTestServer({ memory: false, dataDir, clock });
  open.push(s);
  return s;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "mailroom-sfn-"));
});
after(async () => {
  for (const s of open) await s.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("an execution waiting in a Wait state survives a restart and continues where it was", async () => {
  const first = await start();
  let sfn = sfnClient(first.endpoint);
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "durable", roleArn: ROLE, definition: def({
      Before: { Type: "Pass", Result: 1, ResultPath: "$.before", Next: "W" },
      W: { Type: "Wait", Seconds: 3600, Next: "After" },
      After: { Type: "Pass", Result: 2, ResultPath: "$.after", End: true },
    }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"id":"x"}' }));
  const waiting = async () => {
    for (let i = 0; i < 200; i++) {
      const ev = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
      if (ev[ev.length - 1].type === "WaitStateEntered") return ev;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error("never reached the Wait");
  };
  const before = await waiting();
  await first.close();
  open.pop();
  clock.advance(1_800_000);

  const second = await start();
  sfn = sfnClient(second.endpoint);
  assert.deepEqual((await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.map((e) => e.id), before.map((e) => e.id));
  assert.equal((await waitFor(sfn, executionArn!, () => true)).status, "RUNNING");
  clock.advance(1_799_999);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal((await waitFor(sfn, executionArn!, () => true)).status, "RUNNING", "the Wait's stored due time is kept");
  clock.advance(1);
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(d.output!), { id: "x", before: 1, after: 2 });
  const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
  assert.deepEqual(events.map((e) => e.type), [
    "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
  ]);
  events.forEach((e, i) => assert.equal(e.id, i + 1));
  assert.equal(events[4].timestamp!.getTime(), Date.UTC(2026, 0, 1) + 3_600_000);
});

/** Closes the servers a previous test left open (every test reopens the same data directory). */
async function closeAll() {
  while (open.length > 0) await open.pop()!.close();
}

/** Waits until the execution's history holds `count` events of `type`. */
async function reached(sfn: ReturnType<typeof sfnClient>, executionArn: string, type: string, count = 1) {
  for (let i = 0; i < 400; i++) {
    const ev = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
    if (ev.filter((e) => e.type === type).length >= count) return ev;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`never reached ${count} ${type}`);
}

test("an execution waiting for an activity worker's callback survives a restart; the task is handed out once and completes once", async () => {
  await closeAll();
  const first = await start();
  let sfn = sfnClient(first.endpoint);
  const { activityArn } = await sfn.send(new CreateActivityCommand({ name: "durable-act" }));
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "durable-callback", roleArn: ROLE, definition: def({
      T: { Type: "Task", Resource: activityArn, HeartbeatSeconds: 600, ResultPath: "$.r", Next: "Done" },
      Done: { Type: "Succeed" },
    }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"k":1}' }));
  const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: "before-restart" }));
  assert.ok(task.taskToken);
  await reached(sfn, executionArn!, "ActivityStarted");
  await first.close();
  open.pop();

  const second = await start();
  sfn = sfnClient(second.endpoint);
  clock.advance(60_000);
  assert.equal((await waitFor(sfn, executionArn!, () => true)).status, "RUNNING", "the heartbeat deadline is still ahead");
  await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"done"' }));
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(d.output!), { k: 1, r: "done" });
  const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
  assert.deepEqual(events.map((e) => e.type), [
    "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
  ]);
  events.forEach((e, i) => assert.equal(e.id, i + 1));
});

test("a Map in the middle of its iterations survives a restart; every iteration finishes once, results in order", async () => {
  await closeAll();
  const first = await start();
  let sfn = sfnClient(first.endpoint);
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "durable-map", roleArn: ROLE, definition: def({
      M: {
        Type: "Map", MaxConcurrency: 2, ItemSelector: { "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" }, End: true,
        ItemProcessor: { StartAt: "W", States: { W: { Type: "Wait", SecondsPath: "$.v", Next: "P" }, P: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.v, $.v)", "i.$": "$.i" }, End: true } } },
      },
    }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "[30, 10, 20]" }));
  await reached(sfn, executionArn!, "WaitStateEntered", 2);
  await first.close();
  open.pop();
  clock.advance(10_000);

  const second = await start();
  sfn = sfnClient(second.endpoint);
  // Item 1 (10 s) ends, item 2 starts; then items 0 (30 s) and 2 (20 s after its start) end.
  await reached(sfn, executionArn!, "WaitStateEntered", 3);
  clock.advance(20_000);
  await reached(sfn, executionArn!, "MapIterationSucceeded", 2);
  clock.advance(10_000);
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(d.output!), [{ doubled: 60, i: 0 }, { doubled: 20, i: 1 }, { doubled: 40, i: 2 }]);
  const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
  events.forEach((e, i) => assert.equal(e.id, i + 1));
  assert.equal(events.filter((e) => e.type === "MapIterationStarted").length, 3);
  assert.equal(events.filter((e) => e.type === "MapIterationSucceeded").length, 3);
  assert.equal(events.filter((e) => e.type === "ExecutionSucceeded").length, 1);
});

test("a distributed Map whose child executions wait survives a restart; every child finishes once and the run succeeds", async () => {
  await closeAll();
  const first = await start();
  let sfn = sfnClient(first.endpoint);
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: "durable-dist", roleArn: ROLE, definition: def({
      M: {
        Type: "Map", MaxConcurrency: 2, End: true,
        ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "W", States: { W: { Type: "Wait", Seconds: 60, Next: "P" }, P: { Type: "Pass", Parameters: { "v.$": "$" }, End: true } } },
      },
    }),
  }));
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '["a", "b", "c"]' }));
  await reached(sfn, executionArn!, "MapRunStarted");
  // Two children wait (MaxConcurrency 2) when the server goes away.
  for (let i = 0; i < 400; i++) {
    const ev = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
    const mapRunArn = ev.find((e) => e.type === "MapRunStarted")?.mapRunStartedEventDetails?.mapRunArn;
    if (mapRunArn && (await sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions!.length === 2) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await first.close();
  open.pop();

  const second = await start();
  sfn = sfnClient(second.endpoint);
  clock.advance(60_000);
  const ev = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
  const mapRunArn = ev.find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
  // The third child starts once the first two end; its Wait must have begun before the clock moves on.
  let third: string | undefined;
  for (let i = 0; i < 400 && !third; i++) {
    const all = (await sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
    const running = all.filter((e) => e.status === "RUNNING");
    if (all.length === 3 && running.length === 1) third = running[0].executionArn;
    else await new Promise((r) => setTimeout(r, 5));
  }
  assert.ok(third);
  await reached(sfn, third, "WaitStateEntered");
  clock.advance(60_000);
  const d = await waitFor(sfn, executionArn!);
  assert.equal(d.status, "SUCCEEDED", d.cause);
  assert.deepEqual(JSON.parse(d.output!), [{ v: "a" }, { v: "b" }, { v: "c" }]);
  const children = (await sfn.send(new ListExecutionsCommand({ mapRunArn }))).executions!;
  assert.equal(children.length, 3, "one child per item, none started twice");
  assert.ok(children.every((c) => c.status === "SUCCEEDED"));
  const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
  events.forEach((e, i) => assert.equal(e.id, i + 1));
  assert.equal(events.filter((e) => e.type === "ExecutionSucceeded").length, 1);
});
