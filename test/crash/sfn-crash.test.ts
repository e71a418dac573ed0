// Step Functions under kill -9: a Mailroom process (SQLite, --durability strict) runs three executions — one in
// the middle of a Wait, one in the middle of a Map whose iterations wait, one waiting for an activity worker's
// callback, and a `.sync:2` parent whose child execution waits — and is killed with SIGKILL, then restarted on the same data directory. Each execution must finish
// exactly once with the right output, its history numbered without a gap and holding one end event, the
// callback's token, handed out before the kill, must still complete its task, and the `.sync` child (started once)
// must complete its parent's task after the restart. Real time (a few seconds of Waits).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { test } from "node:test";
import {
  CreateActivityCommand, CreateStateMachineCommand, DescribeExecutionCommand, GetActivityTaskCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient,
  SendTaskSuccessCommand, StartExecutionCommand, type HistoryEvent,
} from "@aws-sdk/client-sfn";
import { freePort, startMailroomProcess, type Started } from "../../bench/lib/process.ts";

const ROLE = "arn:aws:iam::000000000000:role/crash";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("Step Functions executions in a Wait, a Map and a callback survive kill -9 and finish once", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(`${os.tmpdir()}/mailroom-sfn-crash-`);
  const port = await freePort();
  const args = ["--data-dir", dir, "--durability", "strict"];
  let server: Started = await startMailroomProcess(args, null, port);
  const sfn = new SFNClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  const history = async (executionArn: string): Promise<HistoryEvent[]> => (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
  const until = async (executionArn: string, type: string, count: number) => {
    for (let i = 0; i < 400; i++) {
      if ((await history(executionArn)).filter((e) => e.type === type).length >= count) return;
      await sleep(10);
    }
    throw new Error(`${executionArn} never reached ${count} ${type}`);
  };
  try {
    const machine = async (name: string, definition: object) =>
      (await sfn.send(new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }))).stateMachineArn!;
    const start = async (stateMachineArn: string, input: unknown) => (await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: "crash-worker" }));

    const wait = await start(await machine("crash-wait", {
      StartAt: "W", States: { W: { Type: "Wait", Seconds: 3, Next: "P" }, P: { Type: "Pass", Result: "after the wait", ResultPath: "$.r", End: true } },
    }), { id: "wait" });
    const map = await start(await machine("crash-map", {
      StartAt: "M", States: {
        M: {
          Type: "Map", MaxConcurrency: 2, ItemSelector: { "n.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" }, End: true,
          ItemProcessor: { StartAt: "W", States: { W: { Type: "Wait", Seconds: 2, Next: "P" }, P: { Type: "Pass", Parameters: { "sum.$": "States.MathAdd($.n, $.i)" }, End: true } } },
        },
      },
    }), [10, 20, 30, 40]);
    const callback = await start(await machine("crash-callback", {
      StartAt: "T", States: { T: { Type: "Task", Resource: activityArn, TimeoutSeconds: 600, ResultPath: "$.answer", End: true } },
    }), { id: "callback" });
    const childMachine = await machine("crash-sync-child", {
      StartAt: "W", States: { W: { Type: "Wait", Seconds: 2, Next: "P" }, P: { Type: "Pass", Parameters: { "got.$": "$.id" }, End: true } },
    });
    const parent = await start(await machine("crash-sync-parent", {
      StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: childMachine, "Input.$": "$" }, ResultSelector: { "out.$": "$.Output" }, End: true } },
    }), { id: "sync" });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: "survivor" }));
    assert.ok(task.taskToken);

    await until(wait, "WaitStateEntered", 1);
    await until(map, "WaitStateEntered", 2);
    await until(callback, "ActivityStarted", 1);
    await until(parent, "TaskStarted", 1);
    await server.kill9();
    server = await startMailroomProcess(args, null, port);

    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"from":"worker"}' }));
    const done = async (executionArn: string) => {
      for (let i = 0; i < 600; i++) {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== "RUNNING") return d;
        await sleep(25);
      }
      throw new Error(`${executionArn} did not finish`);
    };
    const [w, m, c, p] = await Promise.all([done(wait), done(map), done(callback), done(parent)]);
    assert.equal(w.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(w.output!), { id: "wait", r: "after the wait" });
    assert.equal(m.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(m.output!), [{ sum: 10 }, { sum: 21 }, { sum: 32 }, { sum: 43 }]);
    assert.equal(c.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(c.output!), { id: "callback", answer: { from: "worker" } });
    assert.equal(p.status, "SUCCEEDED", p.cause);
    assert.deepEqual(JSON.parse(p.output!), { out: { got: "sync" } });
    const children = (await sfn.send(new ListExecutionsCommand({ stateMachineArn: childMachine }))).executions!;
    assert.deepEqual(children.map((x) => x.status), ["SUCCEEDED"], "one child, started once");
    for (const arn of [wait, map, callback, parent]) {
      const ev = await history(arn);
      ev.forEach((e, i) => assert.equal(e.id, i + 1, `${arn}: ids without a gap`));
      assert.equal(ev.filter((e) => e.type === "ExecutionSucceeded").length, 1);
    }
    const mapEvents = await history(map);
    assert.equal(mapEvents.filter((e) => e.type === "MapIterationStarted").length, 4);
    assert.equal(mapEvents.filter((e) => e.type === "MapIterationSucceeded").length, 4);
  } finally {
    sfn.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
