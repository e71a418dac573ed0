// The execution runner with a TaskResources of the test's own, on a real SQLite store (and PostgreSQL when
// MAILROOM_TEST_BACKEND=postgres): the .waitForTaskToken pattern (the resource answers pending, a callback completes
// the token), a callback that arrives before the invocation is recorded (the resource is still invoked once), and
// the `.sync` child executions part B's states:startExecution builds on: a child started with the parent's token
// completes the parent's task when it ends (succeeded, failed, or stopped), with AWS's .sync / .sync:2 output shapes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ManualClock } from "../../src/engine/clock.ts";
import { createLogger } from "../../src/util/log.ts";
import { PgDb } from "../../src/storage/postgres/db.ts";
import { PgStepFunctionsStore } from "../../src/storage/postgres/stepfunctions-store.ts";
import { SqliteDb } from "../../src/storage/sqlite/db.ts";
import { SqliteStepFunctionsStore } from "../../src/storage/sqlite/stepfunctions-store.ts";
import { runExecution, type RunnerDeps } from "../../src/services/stepfunctions/jobs/runner.ts";
import { launchExecution, startExecution, stopExecution } from "../../src/services/stepfunctions/operations/executions.ts";
import type { SfnEnv } from "../../src/services/stepfunctions/env.ts";
import type { TaskCall, TaskOutcome } from "../../src/services/stepfunctions/domain/tasks.ts";
import type { StateMachineRecord, StepFunctionsStore } from "../../src/services/stepfunctions/store.ts";
import { TEST_BACKEND } from "../helpers/server.ts";
import { freshDatabase } from "../helpers/postgres.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
let store: StepFunctionsStore;
let drop: (() => Promise<void>) | undefined;
const calls: TaskCall[] = [];
let behave: (call: TaskCall) => Promise<TaskOutcome> = async () => ({ type: "pending" });

before(async () => {
  if (TEST_BACKEND === "postgres") {
    const d = await freshDatabase("sfnrunner");
    const db = await PgDb.open(d.url);
    store = new PgStepFunctionsStore(db);
    drop = d.drop;
  } else store = new SqliteStepFunctionsStore(new SqliteDb(":memory:"));
});
after(async () => {
  await store.close();
  await drop?.();
});

const env = (): SfnEnv => ({ store, clock, wake: () => {}, baseUrl: { current: "" } });
const deps = (): RunnerDeps => ({
  store, log: createLogger("silent"),
  resources: { invoke: async (call) => { calls.push(call); return behave(call); } },
});
let n = 0;
async function machine(definition: object): Promise<StateMachineRecord> {
  const name = `m${++n}`;
  const m: StateMachineRecord = {
    arn: `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`, account: "000000000000", region: "us-east-1", name,
    definition: JSON.stringify(definition), roleArn: "arn:aws:iam::000000000000:role/r", type: "STANDARD", createdAt: clock.now(), tags: [],
  };
  await store.createStateMachine(m);
  return m;
}
const ctx = { accountId: "000000000000", region: "us-east-1" } as never;
async function drive(arn: string) {
  for (let i = 0; i < 20; i++) await runExecution(deps(), arn, clock.now());
  return (await store.getExecution(arn))!;
}

describe("task tokens through TaskResources", () => {
  test(".waitForTaskToken: the resource gets the token, the execution waits durably, the callback completes it", async () => {
    calls.length = 0;
    behave = async () => ({ type: "pending" });
    const m = await machine({
      StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", Parameters: { "MessageBody.$": "$$.Task.Token" }, ResultPath: "$.r", End: true } },
    });
    const { executionArn } = await launchExecution(env(), m, "cb", '{"a":1}');
    let x = await drive(executionArn);
    assert.equal(x.status, "RUNNING");
    assert.equal(calls.length, 1);
    const call = calls[0];
    assert.equal(call.service, "sqs");
    assert.equal(call.action, "sendMessage");
    assert.equal(call.pattern, "waitForTaskToken");
    assert.deepEqual(call.parameters, { MessageBody: call.taskToken });
    assert.equal(x.position.dueAt, Date.UTC(2026, 0, 1) + 99_999_999_000, "waits until the default task timeout");
    assert.equal(await store.completeTask(call.taskToken!, { status: "succeeded", output: '{"ok":1}' }, clock.now()), "ok");
    x = await drive(executionArn);
    assert.equal(x.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(x.output!), { a: 1, r: { ok: 1 } });
    const h = await store.history(executionArn);
    assert.deepEqual(h.map((e) => e.type), ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    assert.deepEqual(h[2].details, { resourceType: "sqs", resource: "sendMessage.waitForTaskToken", region: "us-east-1", parameters: JSON.stringify({ MessageBody: call.taskToken }) });
    assert.equal(await store.completeTask(call.taskToken!, { status: "succeeded", output: "{}" }, clock.now()), "missing");
  });

  test("a callback that arrives while the resource is still being invoked: invoked once, completed once", async () => {
    calls.length = 0;
    behave = async (call) => {
      // The worker answers before the interpreter has recorded the invocation.
      assert.equal(await store.completeTask(call.taskToken!, { status: "succeeded", output: '"fast"' }, clock.now()), "ok");
      return { type: "pending" };
    };
    const m = await machine({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sns:publish.waitForTaskToken", End: true } } });
    const { executionArn } = await launchExecution(env(), m, "fast", "{}");
    const x = await drive(executionArn);
    assert.equal(x.status, "SUCCEEDED");
    assert.equal(x.output, '"fast"');
    assert.equal(calls.length, 1);
  });

  test("request-response: the outcome is the result; a failure is the task's error", async () => {
    behave = async (call) => (call.action === "ok" ? { type: "succeeded", output: { got: call.parameters } } : { type: "failed", error: "SQS.QueueDoesNotExistException", cause: "no queue" });
    const ok = await machine({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sqs:ok", Parameters: { x: 1 }, ResultSelector: { "v.$": "$.got.x" }, End: true } } });
    const a = await drive((await launchExecution(env(), ok, "rr", "{}")).executionArn);
    assert.equal(a.output, '{"v":1}');
    const bad = await machine({ StartAt: "T", States: { T: { Type: "Task", Resource: "arn:aws:states:::sqs:bad", End: true } } });
    const b = await drive((await launchExecution(env(), bad, "rr", "{}")).executionArn);
    assert.equal(b.status, "FAILED");
    assert.equal(b.error, "SQS.QueueDoesNotExistException");
    assert.equal(b.cause, "no queue");
    assert.ok(calls.every((c) => c.taskToken === undefined || c.pattern !== "request-response"), "request-response calls carry no token");
  });
});

describe(".sync child executions", () => {
  const parentDef = (pattern: string) => ({ StartAt: "T", States: { T: { Type: "Task", Resource: `arn:aws:states:::states:startExecution.${pattern}`, Parameters: { "Input.$": "$" }, End: true } } });
  async function parentWithChild(pattern: string, childDef: object, input = '{"n":1}') {
    const child = await machine(childDef);
    let childArn = "";
    behave = async (call) => {
      const r = await launchExecution(env(), child, `child-${n}`, JSON.stringify((call.parameters as { Input: unknown }).Input), call.taskToken);
      childArn = r.executionArn;
      return { type: "pending" };
    };
    const parent = await machine(parentDef(pattern));
    const { executionArn } = await launchExecution(env(), parent, "p", input);
    assert.equal((await drive(executionArn)).status, "RUNNING");
    assert.ok(childArn);
    return { parentArn: executionArn, childArn };
  }

  test(".sync: the child's end completes the parent's task with its DescribeExecution (Output a string)", async () => {
    const { parentArn, childArn } = await parentWithChild("sync", { StartAt: "A", States: { A: { Type: "Pass", Result: { done: true }, End: true } } });
    assert.equal((await store.getExecution(childArn))!.parentToken !== undefined, true);
    assert.equal((await drive(childArn)).status, "SUCCEEDED");
    const p = await drive(parentArn);
    assert.equal(p.status, "SUCCEEDED");
    const out = JSON.parse(p.output!);
    assert.equal(out.ExecutionArn, childArn);
    assert.equal(out.Status, "SUCCEEDED");
    assert.equal(out.Output, '{"done":true}');
    assert.equal(out.Input, '{"n":1}');
  });

  test(".sync:2 gives Input and Output as JSON; a failed child fails the task with States.TaskFailed", async () => {
    const ok = await parentWithChild("sync:2", { StartAt: "A", States: { A: { Type: "Pass", Result: { done: 2 }, End: true } } });
    await drive(ok.childArn);
    const p = JSON.parse((await drive(ok.parentArn)).output!);
    assert.deepEqual(p.Output, { done: 2 });
    assert.deepEqual(p.Input, { n: 1 });

    const bad = await parentWithChild("sync", { StartAt: "F", States: { F: { Type: "Fail", Error: "Child.Broke", Cause: "c" } } });
    await drive(bad.childArn);
    const f = await drive(bad.parentArn);
    assert.equal(f.status, "FAILED");
    assert.equal(f.error, "States.TaskFailed");
    assert.equal(JSON.parse(f.cause!).Error, "Child.Broke");
  });

  test("stopping the child fails the parent's task", async () => {
    const { parentArn, childArn } = await parentWithChild("sync", { StartAt: "W", States: { W: { Type: "Wait", Seconds: 1000, End: true } } });
    await drive(childArn);
    await stopExecution(env(), ctx, { executionArn: childArn, error: "Stopped.ByTest" });
    const p = await drive(parentArn);
    assert.equal(p.status, "FAILED");
    assert.equal(JSON.parse(p.cause!).Status, "ABORTED");
  });

  test("a .sync task invoked again with the same token (a crash before its outcome was recorded) finds the child it started", async () => {
    const child = await machine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 1000, End: true } } });
    const token = `MR${"t".repeat(128)}`;
    const first = await startExecution(env(), ctx, { stateMachineArn: child.arn, input: '{"a":1}' }, token);
    const again = await startExecution(env(), ctx, { stateMachineArn: child.arn, input: '{"a":1}' }, token);
    assert.equal(again.executionArn, first.executionArn);
    assert.match(first.executionArn, /:execution:m\d+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal((await store.getExecution(first.executionArn))!.parentToken, token);
    const other = await startExecution(env(), ctx, { stateMachineArn: child.arn, input: '{"a":1}' }, `MR${"u".repeat(128)}`);
    assert.notEqual(other.executionArn, first.executionArn);
  });
});
