// A STANDARD execution's side-effect-free first steps commit with its start (ADR 0034): StartExecution of a
// Pass/Choice machine answers with the execution already stored as it ended, with its whole history; a Wait, a
// machine TimeoutSeconds, a Task after a Pass, and an idempotent restart behave as when the runner takes those steps.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type SFNClient, CreateStateMachineCommand, DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ManualClock } from "../../../src/index.ts";
import { useTestServer } from "../../helpers/server.ts";
import { def, ROLE, sfnClient, waitFor } from "./helpers.ts";

const T0 = Date.UTC(2026, 0, 1);
const clock = new ManualClock(T0);
const { server } = useTestServer({ clock });
let client: SFNClient | undefined;
const sfn = () => (client ??= sfnClient(server.endpoint));
let n = 0;

async function start(definition: string, input: unknown = {}, name?: string) {
  const { stateMachineArn } = await sfn().send(new CreateStateMachineCommand({ name: `s-${++n}`, roleArn: ROLE, definition }));
  const r = await sfn().send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
  return { ...r, stateMachineArn: stateMachineArn! };
}
const history = async (executionArn: string) => (await sfn().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;

describe("first steps committed with the start", () => {
  test("a Pass/Choice machine has ended when StartExecution answers, with every event of its run", async () => {
    const { executionArn } = await start(def({
      A: { Type: "Pass", Result: 1, ResultPath: "$.n", Next: "C" },
      C: { Type: "Choice", Choices: [{ Variable: "$.n", NumericEquals: 1, Next: "D" }], Default: "F" },
      D: { Type: "Succeed" },
      F: { Type: "Fail", Error: "No" },
    }), { k: 1 });
    // No waiting: the start's own commit carried the run (nothing else could have taken it yet on a manual clock).
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(d.status, "SUCCEEDED");
    assert.equal(d.output, '{"k":1,"n":1}');
    assert.equal(d.stopDate?.getTime(), T0);
    const events = await history(executionArn!);
    assert.deepEqual(events.map((e) => e.type), [
      "ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
    ]);
    assert.deepEqual(events.map((e) => e.id), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(events.every((e) => e.timestamp?.getTime() === T0));
  });

  test("a start that ended answers a second start of its name with ExecutionAlreadyExists (closed executions are not idempotent)", async () => {
    const { stateMachineArn } = await start(def({ A: { Type: "Pass", End: true } }), {}, "once");
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, input: "{}", name: "once" })), { name: "ExecutionAlreadyExists" });
  });

  test("steps up to a Wait commit with the start; the Wait ends on the clock", async () => {
    const { executionArn } = await start(def({
      A: { Type: "Pass", Next: "W" },
      W: { Type: "Wait", Seconds: 10, Next: "B" },
      B: { Type: "Pass", End: true },
    }));
    const running = await sfn().send(new DescribeExecutionCommand({ executionArn }));
    assert.equal(running.status, "RUNNING");
    assert.deepEqual((await history(executionArn!)).map((e) => e.type), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered"]);
    clock.advance(10_000);
    const d = await waitFor(sfn(), executionArn!);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual((await history(executionArn!)).map((e) => e.type), [
      "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
    ]);
  });

  test("a machine's TimeoutSeconds still bounds an execution whose first steps committed with its start", async () => {
    const startedAt = clock.now();
    const { executionArn } = await start(JSON.stringify({
      StartAt: "A", TimeoutSeconds: 5, States: { A: { Type: "Pass", Next: "W" }, W: { Type: "Wait", Seconds: 60, End: true } },
    }));
    clock.advance(5_000);
    const d = await waitFor(sfn(), executionArn!);
    assert.equal(d.status, "TIMED_OUT");
    assert.equal(d.stopDate?.getTime(), startedAt + 5_000);
    assert.deepEqual((await history(executionArn!)).map((e) => e.type), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "ExecutionTimedOut"]);
  });

  test("first steps that reach a Task are left to the runner: the history has each event once", async () => {
    const { executionArn } = await start(def({
      A: { Type: "Pass", Next: "T" },
      T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:not-configured", End: true },
    }));
    const d = await waitFor(sfn(), executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "Lambda.ResourceNotFoundException");
    assert.deepEqual((await history(executionArn!)).map((e) => e.type), [
      "ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed",
    ]);
  });
});
