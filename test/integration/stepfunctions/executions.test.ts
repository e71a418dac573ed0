// Step Functions executions through @aws-sdk/client-sfn, with a ManualClock driving Wait states: start (name
// rules, idempotency, input), describe, list (status filter, paging), stop, history (AWS's event names, ids and
// previousEventId, paging, reverse order, includeExecutionData), every state type this version runs, JSONPath
// processing and its States.Runtime failures.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type SFNClient,
  CreateStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand, StartExecutionCommand, StopExecutionCommand,
  type HistoryEvent,
} from "@aws-sdk/client-sfn";
import { ManualClock } from "../../../src/index.ts";
import { useTestServer } from "../../helpers/server.ts";
import { def, ROLE, sfnClient, waitFor } from "./helpers.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const { server } = useTestServer({ clock });
// One client for the file: a client per call would leave a keep-alive connection each, past the server's connection cap.
let client: SFNClient | undefined;
const sfn = () => (client ??= sfnClient(server.endpoint));
let n = 0;

async function machine(states: Record<string, unknown>, startAt?: string): Promise<string> {
  const r = await sfn().send(new CreateStateMachineCommand({ name: `x-${++n}`, roleArn: ROLE, definition: def(states, startAt) }));
  return r.stateMachineArn!;
}

async function run(states: Record<string, unknown>, input: unknown = {}) {
  const stateMachineArn = await machine(states);
  const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
  const d = await waitFor(sfn(), executionArn!);
  return { ...d, output: d.output === undefined ? undefined : JSON.parse(d.output), stateMachineArn };
}

async function history(executionArn: string, extra: Record<string, unknown> = {}): Promise<HistoryEvent[]> {
  return (await sfn().send(new GetExecutionHistoryCommand({ executionArn, ...extra }))).events!;
}

describe("StartExecution, DescribeExecution, GetExecutionHistory", () => {
  test("a Pass machine succeeds; the history names every event as AWS does, chained by previousEventId", async () => {
    const d = await run({ A: { Type: "Pass", Result: { v: 1 }, ResultPath: "$.r", Next: "B" }, B: { Type: "Succeed" } }, { in: true });
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output, { in: true, r: { v: 1 } });
    assert.deepEqual(d.inputDetails, { included: true });
    assert.deepEqual(d.outputDetails, { included: true });
    assert.equal(d.redriveCount, 0);
    assert.equal(d.redriveStatus, "NOT_REDRIVABLE");
    assert.equal(d.redriveStatusReason, "Execution is SUCCEEDED and cannot be redriven");
    assert.ok(d.stopDate instanceof Date);
    const events = await history(d.executionArn!);
    assert.deepEqual(events.map((e) => e.type), [
      "ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
    ]);
    // Each event names the one before, except the first state's entered event (0, as AWS records it).
    assert.deepEqual(events.map((e) => [e.id, e.previousEventId]), [[1, 0], [2, 0], [3, 2], [4, 3], [5, 4], [6, 5]]);
    assert.deepEqual(events[0].executionStartedEventDetails, { input: '{"in":true}', inputDetails: { truncated: false }, roleArn: ROLE });
    assert.deepEqual(events[1].stateEnteredEventDetails, { name: "A", input: '{"in":true}', inputDetails: { truncated: false } });
    assert.equal(events[2].stateExitedEventDetails?.output, '{"in":true,"r":{"v":1}}');
    assert.equal(events[5].executionSucceededEventDetails?.output, '{"in":true,"r":{"v":1}}');
  });

  test("history pages, reverses, and leaves data out on request", async () => {
    const d = await run({ A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "C" }, C: { Type: "Succeed" } });
    const ids: number[] = [];
    let nextToken: string | undefined;
    do {
      const r = await sfn().send(new GetExecutionHistoryCommand({ executionArn: d.executionArn, maxResults: 3, nextToken }));
      ids.push(...r.events!.map((e) => e.id!));
      nextToken = r.nextToken;
    } while (nextToken);
    assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7, 8]);
    const rev = await history(d.executionArn!, { reverseOrder: true });
    assert.deepEqual(rev.map((e) => e.id), [8, 7, 6, 5, 4, 3, 2, 1]);
    const bare = await history(d.executionArn!, { includeExecutionData: false });
    assert.equal(bare[0].executionStartedEventDetails?.input, undefined);
    assert.equal(bare[1].stateEnteredEventDetails?.name, "A");
    assert.equal(bare[1].stateEnteredEventDetails?.input, undefined);
  });

  test("names are unique per machine: the same name and input while RUNNING is idempotent, otherwise ExecutionAlreadyExists", async () => {
    const stateMachineArn = await machine({ W: { Type: "Wait", Seconds: 100, End: true } });
    const a = await sfn().send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":1}' }));
    const b = await sfn().send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":1}' }));
    assert.equal(b.executionArn, a.executionArn);
    assert.equal(a.executionArn, stateMachineArn.replace(":stateMachine:", ":execution:") + ":once");
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":2}' })), {
      name: "ExecutionAlreadyExists", message: `Execution Already Exists: '${a.executionArn}'`,
    });
    await sfn().send(new StopExecutionCommand({ executionArn: a.executionArn }));
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, name: "once", input: '{"a":1}' })), { name: "ExecutionAlreadyExists" });
  });

  test("bad input: not JSON, a bad name, a missing or malformed machine", async () => {
    const stateMachineArn = await machine({ A: { Type: "Succeed" } });
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, input: "{oops" })), (e: Error) => {
      assert.equal(e.name, "InvalidExecutionInput");
      assert.match(e.message, /^Invalid State Machine Execution Input: '/);
      return true;
    });
    // Wordings recorded on AWS (LocalStack snapshot test_invalid_start_execution_input); a number or a string is valid input.
    for (const [input, why] of [
      ["not json", "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"],
      ["{'not': 'json'}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"],
      ["", "Invalid execution input."],
    ]) {
      await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, input })), { name: "InvalidExecutionInput", message: `Invalid State Machine Execution Input: '${why}'` });
    }
    for (const input of ["2", '"a string"']) assert.ok((await sfn().send(new StartExecutionCommand({ stateMachineArn, input }))).executionArn);
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, name: "a b" })), { name: "InvalidName", message: "Invalid Name: 'a b'" });
    const gone = stateMachineArn + "-gone";
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn: gone })), { name: "StateMachineDoesNotExist", message: `State Machine Does Not Exist: '${gone}'` });
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn: "arn:aws:sqs:x" })), { name: "InvalidArn" });
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, traceHeader: "Root=1" })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify("y".repeat(262_143)) })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new ListExecutionsCommand({ stateMachineArn, nextToken: "t".repeat(3097) })), {
      name: "ValidationException", message: `1 validation error detected: Value '${"t".repeat(3097)}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 3096`,
    });
    const missing = stateMachineArn.replace(":stateMachine:", ":execution:") + ":nope";
    await assert.rejects(sfn().send(new GetExecutionHistoryCommand({ executionArn: missing })), { name: "ExecutionDoesNotExist", message: `Execution Does Not Exist: '${missing}'` });
  });
});

describe("ListExecutions and StopExecution", () => {
  test("lists newest first, filters by status, pages", async () => {
    const stateMachineArn = await machine({ W: { Type: "Wait", Seconds: 1000, End: true } });
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) {
      arns.push((await sfn().send(new StartExecutionCommand({ stateMachineArn, name: `e${i}` }))).executionArn!);
      clock.advance(1);
    }
    await waitFor(sfn(), arns[4], () => true);
    const stop = await sfn().send(new StopExecutionCommand({ executionArn: arns[1], error: "Bored", cause: "took too long" }));
    assert.ok(stop.stopDate instanceof Date);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const r = await sfn().send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken }));
      seen.push(...r.executions!.map((e) => e.name!));
      nextToken = r.nextToken;
    } while (nextToken);
    assert.deepEqual(seen, ["e4", "e3", "e2", "e1", "e0"]);
    const aborted = await sfn().send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "ABORTED" }));
    assert.deepEqual(aborted.executions!.map((e) => [e.name, e.status, e.redriveCount]), [["e1", "ABORTED", 0]]);
    assert.ok(aborted.executions![0].stopDate instanceof Date);
    const running = await sfn().send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "RUNNING" }));
    assert.equal(running.executions!.length, 4);
    const d = await waitFor(sfn(), arns[1]);
    assert.equal(d.status, "ABORTED");
    assert.equal(d.error, "Bored");
    assert.equal(d.cause, "took too long");
    const events = await history(arns[1]);
    assert.deepEqual(events.map((e) => e.type), ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]);
    assert.deepEqual(events[2].executionAbortedEventDetails, { error: "Bored", cause: "took too long" });
    assert.equal(events[2].previousEventId, 0);
    // The stopped execution does not go on when its Wait ends.
    clock.advance(1_000_000);
    await waitFor(sfn(), arns[0], (x) => x.status === "SUCCEEDED");
    assert.equal((await history(arns[1])).length, 3);
    await assert.rejects(sfn().send(new ListExecutionsCommand({})), { name: "ValidationException" });
  });
});

describe("states", () => {
  test("Wait: Seconds, Timestamp, SecondsPath and TimestampPath end when the clock reaches them", async () => {
    const t0 = clock.now();
    const at = new Date(t0 + 30_000).toISOString();
    const stateMachineArn = await machine({
      S: { Type: "Wait", Seconds: 10, Next: "SP" },
      SP: { Type: "Wait", SecondsPath: "$.secs", Next: "T" },
      T: { Type: "Wait", Timestamp: at, Next: "TP" },
      TP: { Type: "Wait", TimestampPath: "$.until", End: true },
    });
    const { executionArn } = await sfn().send(new StartExecutionCommand({
      stateMachineArn, input: JSON.stringify({ secs: 5, until: new Date(t0 + 40_000).toISOString() }),
    }));
    const waiting = async (state: string) => {
      await waitFor(sfn(), executionArn!, () => true);
      for (let i = 0; i < 200; i++) {
        const ev = await history(executionArn!);
        const last = ev[ev.length - 1];
        if (last.type === "WaitStateEntered" && last.stateEnteredEventDetails?.name === state) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`never waited in ${state}`);
    };
    await waiting("S");
    clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await history(executionArn!)).length, 2, "still waiting a millisecond before the end");
    clock.advance(1);
    await waiting("SP");
    clock.advance(5_000);
    await waiting("T");
    clock.advance(t0 + 30_000 - clock.now());
    await waiting("TP");
    clock.advance(10_000);
    const d = await waitFor(sfn(), executionArn!);
    assert.equal(d.status, "SUCCEEDED");
    const types = (await history(executionArn!)).map((e) => e.type);
    assert.equal(types.filter((t) => t === "WaitStateEntered").length, 4);
    assert.equal(types.filter((t) => t === "WaitStateExited").length, 4);
  });

  test("Wait runtime errors are States.Runtime with AWS's causes", async () => {
    const W = (extra: Record<string, unknown>) => ({ W: { Type: "Wait", End: true, ...extra } });
    const cause = (m: string) => `An error occurred while executing the state 'W' (entered at the event id #2). ${m}`;
    // Causes recorded on AWS (LocalStack snapshots test_base_wait_seconds_path, test_wait_timestamppath, test_timestamp_too_far_in_future_boundary).
    const cases: [Record<string, unknown>, unknown, string][] = [
      [{ SecondsPath: "$.s" }, { s: -1 }, "The SecondsPath parameter references a negative value: $.s == -1"],
      [{ SecondsPath: "$.s" }, { s: 1.5 }, "The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"],
      [{ SecondsPath: "$.s" }, {}, "The SecondsPath parameter does not reference an input value: $.s"],
      [{ TimestampPath: "$.t" }, { t: "2026-01-01T00:00:00" }, "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2026-01-01T00:00:00"],
      [{ TimestampPath: "$.t" }, { t: new Date(clock.now() + 24_856 * 86_400_000).toISOString() }, "Wait state delay is too long."],
    ];
    for (const [extra, input, expected] of cases) {
      const d = await run(W(extra), input);
      assert.equal(d.status, "FAILED");
      assert.equal(d.error, "States.Runtime");
      assert.equal(d.cause, cause(expected));
    }
    const ok = await run(W({ TimestampPath: "$.t" }), { t: new Date(clock.now() - 1).toISOString().replace("Z", "123456Z") });
    assert.equal(ok.status, "SUCCEEDED");
  });

  test("a machine-level TimeoutSeconds times the execution out at exactly its start plus the timeout", async () => {
    const r = await sfn().send(new CreateStateMachineCommand({
      name: `x-${++n}`, roleArn: ROLE, definition: JSON.stringify({ StartAt: "W", TimeoutSeconds: 60, States: { W: { Type: "Wait", Seconds: 3600, End: true } } }),
    }));
    const { executionArn, startDate } = await sfn().send(new StartExecutionCommand({ stateMachineArn: r.stateMachineArn }));
    for (let i = 0; i < 200 && (await history(executionArn!)).length < 2; i++) await new Promise((res) => setTimeout(res, 5));
    clock.advance(59_999);
    await new Promise((res) => setTimeout(res, 30));
    assert.equal((await waitFor(sfn(), executionArn!, () => true)).status, "RUNNING");
    clock.advance(1);
    const d = await waitFor(sfn(), executionArn!);
    assert.equal(d.status, "TIMED_OUT");
    assert.equal(d.error, "States.Timeout");
    assert.equal(d.cause, undefined);
    assert.equal(d.stopDate!.getTime(), startDate!.getTime() + 60_000);
    const events = await history(executionArn!);
    assert.deepEqual(events.map((e) => e.type), ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]);
    // Shape measured on AWS (floci-io/floci#2965): error without cause, previousEventId 0.
    assert.deepEqual(events[2].executionTimedOutEventDetails, { error: "States.Timeout" });
    assert.equal(events[2].previousEventId, 0);
    const ok = await sfn().send(new CreateStateMachineCommand({
      name: `x-${++n}`, roleArn: ROLE, definition: JSON.stringify({ StartAt: "W", TimeoutSeconds: 60, States: { W: { Type: "Wait", Seconds: 10, End: true } } }),
    }));
    const e2 = await sfn().send(new StartExecutionCommand({ stateMachineArn: ok.stateMachineArn }));
    for (let i = 0; i < 200 && (await history(e2.executionArn!)).length < 2; i++) await new Promise((res) => setTimeout(res, 5));
    clock.advance(10_000);
    assert.equal((await waitFor(sfn(), e2.executionArn!)).status, "SUCCEEDED");
  });

  test("a Timestamp in the past and Seconds 0 do not wait", async () => {
    const d = await run({ A: { Type: "Wait", Timestamp: "2000-01-01T00:00:00Z", Next: "B" }, B: { Type: "Wait", Seconds: 0, End: true } });
    assert.equal(d.status, "SUCCEEDED");
  });

  test("Pass: Parameters with .$ paths and the context object, InputPath, OutputPath, ResultPath null", async () => {
    const d = await run({
      A: { Type: "Pass", InputPath: "$.order", Parameters: { "id.$": "$.id", fixed: "x", "items.$": "$.items[*].sku", "state.$": "$$.State.Name", "exec.$": "$$.Execution.Name", nested: { "first.$": "$.items[0].sku" } }, ResultPath: "$.copy", OutputPath: "$.copy", Next: "B" },
      B: { Type: "Pass", Result: "ignored", ResultPath: null, End: true },
    }, { order: { id: 7, items: [{ sku: "a" }, { sku: "b" }] } });
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output, { id: 7, fixed: "x", items: ["a", "b"], state: "A", exec: d.name, nested: { first: "a" } });
  });

  test("ResultPath combines the result with the state's raw input, not the InputPath selection", async () => {
    const d = await run({ A: { Type: "Pass", InputPath: "$.a", Parameters: { "v.$": "$.v" }, ResultPath: "$.r", End: true } }, { a: { v: 1 }, b: 2 });
    assert.deepEqual(d.output, { a: { v: 1 }, b: 2, r: { v: 1 } });
    const e = await run({ A: { Type: "Pass", InputPath: "$.a", ResultPath: null, End: true } }, { a: { v: 1 }, b: 2 });
    assert.deepEqual(e.output, { a: { v: 1 }, b: 2 });
    // A ResultPath that cannot be applied to the input: States.ResultPathMatchFailure (States Language, error names).
    const f = await run({ A: { Type: "Pass", ResultPath: "$.r", End: true } }, "scalar");
    assert.equal(f.status, "FAILED");
    assert.equal(f.error, "States.ResultPathMatchFailure");
  });

  test("null InputPath and OutputPath give {} (recorded on AWS: test_state_pass_result_null_input_output_paths)", async () => {
    const d = await run({
      State0: { Type: "Pass", Parameters: { Arg1: "argument1", "FromInput.$": "$" }, Next: "State1" },
      State1: { Type: "Pass", InputPath: null, Parameters: { Arg2: "argument2", "FromInput.$": "$" }, Next: "State2" },
      State2: { Type: "Pass", OutputPath: null, End: true },
    }, { InputValue: 0 });
    const outputs = (await history(d.executionArn!)).filter((e) => e.type === "PassStateExited").map((e) => JSON.parse(e.stateExitedEventDetails!.output!));
    assert.deepEqual(outputs, [{ Arg1: "argument1", FromInput: { InputValue: 0 } }, { Arg2: "argument2", FromInput: {} }, {}]);
  });

  test("the context object $$ as a whole, in InputPath", async () => {
    const d = await run({ TestState: { Type: "Pass", InputPath: "$$", End: true } }, { "input-value": 0 });
    assert.deepEqual(d.output, {
      Execution: { Id: d.executionArn, Input: { "input-value": 0 }, StartTime: d.startDate!.toISOString(), Name: d.name, RoleArn: ROLE, RedriveCount: 0 },
      StateMachine: { Id: d.stateMachineArn, Name: d.stateMachineArn.split(":").pop() },
      State: { Name: "TestState", EnteredTime: d.output.State.EnteredTime },
    });
    assert.ok(!Number.isNaN(Date.parse(d.output.State.EnteredTime)));
  });

  test("Choice: every comparison kind, Path forms, And/Or/Not, type tests, Default", async () => {
    const choices = [
      { Variable: "$.s", StringEquals: "hello", Next: "No" },
      { And: [{ Variable: "$.n", NumericGreaterThanEquals: 10 }, { Variable: "$.n", NumericLessThan: 11 }, { Variable: "$.n", NumericEqualsPath: "$.ten" }, { Not: { Variable: "$.b", BooleanEquals: false } }, { Variable: "$.s", StringMatches: "h*o w*" }, { Variable: "$.s", StringGreaterThan: "a" }, { Variable: "$.t", TimestampLessThan: "2027-01-01T00:00:00Z" }, { Variable: "$.t", TimestampGreaterThanEqualsPath: "$.t" }, { Variable: "$.z", IsNull: true }, { Variable: "$.missing", IsPresent: false }, { Variable: "$.n", IsNumeric: true }, { Variable: "$.s", IsString: true }, { Variable: "$.b", IsBoolean: true }, { Variable: "$.t", IsTimestamp: true }, { Or: [{ Variable: "$.s", StringLessThanEquals: "a" }, { Variable: "$.s", StringEqualsPath: "$.s" }] }], Next: "Yes" },
    ];
    const states = { C: { Type: "Choice", Choices: choices, Default: "No" }, Yes: { Type: "Pass", Result: "yes", End: true }, No: { Type: "Pass", Result: "no", End: true } };
    const input = { s: "hello world", n: 10, ten: 10, b: true, t: "2026-06-01T00:00:00Z", z: null };
    assert.equal((await run(states, input)).output, "yes");
    assert.equal((await run(states, { ...input, n: 11 })).output, "no");
    assert.equal((await run(states, { ...input, s: "hello" })).output, "no");
  });

  test("Choice without a match or Default fails with States.NoChoiceMatched", async () => {
    const d = await run({ C: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 1, Next: "E" }] }, E: { Type: "Succeed" } }, { x: 2 });
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.NoChoiceMatched");
    const types = (await history(d.executionArn!)).map((e) => e.type);
    assert.deepEqual(types, ["ExecutionStarted", "ChoiceStateEntered", "ExecutionFailed"]);
  });

  test("Fail: Error and Cause, and their Path forms", async () => {
    const a = await run({ F: { Type: "Fail", Error: "Custom.Error", Cause: "because" } });
    assert.equal(a.status, "FAILED");
    assert.equal(a.error, "Custom.Error");
    assert.equal(a.cause, "because");
    const ev = await history(a.executionArn!);
    assert.deepEqual(ev.map((e) => e.type), ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]);
    assert.deepEqual(ev[2].executionFailedEventDetails, { error: "Custom.Error", cause: "because" });
    const empty = await run({ F: { Type: "Fail" } });
    assert.equal(empty.status, "FAILED");
    assert.equal(empty.error, undefined);
    assert.equal(empty.cause, undefined);
    assert.deepEqual((await history(empty.executionArn!))[2].executionFailedEventDetails, {});
    const b = await run({ F: { Type: "Fail", ErrorPath: "$.e", CausePath: "$.c" } }, { e: "E1", c: "C1" });
    assert.equal(b.error, "E1");
    assert.equal(b.cause, "C1");
  });

  test("a path that selects nothing fails the execution with States.Runtime, naming the state and its entered event", async () => {
    const d = await run({ A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", InputPath: "$.nope", End: true } }, { x: 1 });
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.Runtime");
    assert.equal(d.cause, "An error occurred while executing the state 'B' (entered at the event id #4). Invalid path '$.nope' : No results for path: $['nope']");
    // A missing step before the last is worded differently (LocalStack snapshot test_catch_states_runtime).
    const e = await run({ A: { Type: "Pass", OutputPath: "$.no.such.path", End: true } }, { x: 1 });
    assert.equal(e.cause, "An error occurred while executing the state 'A' (entered at the event id #2). Invalid path '$.no.such.path' : Missing property in path $['no']");
  });

  test("a state output over 256 KiB fails with States.DataLimitExceeded", async () => {
    const big = "x".repeat(200_000);
    const d = await run({ A: { Type: "Pass", Parameters: { "a.$": "$.s", "b.$": "$.s" }, End: true } }, { s: big });
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.DataLimitExceeded");
  });

  test("a runaway loop fails at 25,000 history events with States.Runtime, the last event being ExecutionFailed", { timeout: 120_000 }, async () => {
    const stateMachineArn = await machine({
      A: { Type: "Pass", Next: "C" },
      C: { Type: "Choice", Choices: [{ Variable: "$.stop", IsPresent: true, Next: "Done" }], Default: "A" },
      Done: { Type: "Succeed" },
    });
    const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn }));
    let d = await waitFor(sfn(), executionArn!, () => true);
    for (let i = 0; i < 2000 && d.status === "RUNNING"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      d = await waitFor(sfn(), executionArn!, () => true);
    }
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.Runtime");
    assert.equal(d.cause, "The execution reached the maximum number of history events (25000).");
    const last = await history(executionArn!, { reverseOrder: true, maxResults: 1 });
    assert.equal(last[0].id, 25_000);
    assert.equal(last[0].type, "ExecutionFailed");
  });

  test("JSONPath filters: comparisons, && and ||, existence, as AWS evaluates them", async () => {
    // Recorded on AWS (LocalStack snapshot test_state_pass_regex_json_path_base).
    const users = [{ year: 1997, status: 0 }, { year: 1998, status: 1 }];
    const a = await run({ S: { Type: "Pass", Parameters: { "FromInput.$": "$.users[?(@.status == 0)]" }, End: true } }, { users });
    assert.deepEqual(a.output, { FromInput: [{ year: 1997, status: 0 }] });
    const items = [{ n: "a", v: 1 }, { n: "b", v: 2, tag: "x" }, { n: "c", v: 3 }, { n: "d" }];
    const b = await run({
      S: {
        Type: "Pass",
        Parameters: {
          "range.$": "$.items[?(@.v >= 2 && @.v < 3 || @.n == 'd')].n",
          "tagged.$": "$.items[?(@.tag)].n",
          "notB.$": "$.items[?(@.n != \"b\")].n",
          "mixed.$": "$.items[?(@.v == '1')].n",
          "none.$": "$.items[?(@.v > 10)]",
        },
        End: true,
      },
    }, { items });
    assert.deepEqual(b.output, { range: ["b", "d"], tagged: ["b"], notB: ["a", "c", "d"], mixed: [], none: [] });
  });

  test("an input nested too deeply to serialize fails the execution instead of leaving it stuck", async () => {
    const stateMachineArn = await machine({ A: { Type: "Pass", End: true } });
    const input = "[".repeat(100_000) + "]".repeat(100_000);
    const { executionArn } = await sfn().send(new StartExecutionCommand({ stateMachineArn, input }));
    const d = await waitFor(sfn(), executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.Runtime");
  });

  test("a filter expression is never evaluated as code", async () => {
    const d = await run({ A: { Type: "Pass", InputPath: "$.items[?(@.constructor.constructor('return process')().exit())]", End: true } }, { items: [1] });
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.Runtime");
  });
});
