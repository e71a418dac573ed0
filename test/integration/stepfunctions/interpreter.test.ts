// The Step Functions interpreter through @aws-sdk/client-sfn, on the test backend (SQLite, or PostgreSQL with
// MAILROOM_TEST_BACKEND=postgres), with a ManualClock driving Waits, retries and task timeouts: Parallel, inline Map
// (ItemsPath, ItemSelector with $$.Map.Item, MaxConcurrency, tolerated failures), Task with Retry/Catch, intrinsic
// functions, variables, JSONata, activities with GetActivityTask long polling and SendTask*, heartbeats and timeouts,
// ValidateStateMachineDefinition, and the history events AWS emits for all of them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type SFNClient, type HistoryEvent,
  CreateActivityCommand, CreateStateMachineCommand, DeleteActivityCommand, DescribeActivityCommand, GetActivityTaskCommand, GetExecutionHistoryCommand,
  DescribeExecutionCommand, DescribeMapRunCommand, ListActivitiesCommand, ListExecutionsCommand, ListMapRunsCommand, RedriveExecutionCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand,
  TestStateCommand, UpdateMapRunCommand, ValidateStateMachineDefinitionCommand,
} from "@aws-sdk/client-sfn";
import { ManualClock } from "../../../src/index.ts";
import { useTestServer } from "../../helpers/server.ts";
import { ROLE, sfnClient, waitFor } from "./helpers.ts";

const T0 = Date.UTC(2026, 0, 1);
const clock = new ManualClock(T0);
const { server } = useTestServer({ clock });
let client: SFNClient | undefined;
const sfn = () => (client ??= sfnClient(server.endpoint));
let n = 0;

async function machine(definition: object): Promise<string> {
  const r = await sfn().send(new CreateStateMachineCommand({ name: `i-${++n}`, roleArn: ROLE, definition: JSON.stringify(definition) }));
  return r.stateMachineArn!;
}
async function start(definition: object, input: unknown = {}): Promise<string> {
  const stateMachineArn = await machine(definition);
  return (await sfn().send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }))).executionArn!;
}
async function finish(executionArn: string) {
  const d = await waitFor(sfn(), executionArn);
  return { ...d, output: d.output === undefined ? undefined : JSON.parse(d.output) };
}
async function run(definition: object, input: unknown = {}) {
  return finish(await start(definition, input));
}
const history = async (executionArn: string): Promise<HistoryEvent[]> => (await sfn().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events!;
const types = async (executionArn: string) => (await history(executionArn)).map((e) => e.type);
const sm = (States: object, extra: object = {}) => ({ StartAt: Object.keys(States)[0], States, ...extra });
/** Waits until the history's newest event is of this type (the runner works on the event loop). */
async function until(executionArn: string, type: string): Promise<HistoryEvent[]> {
  for (let i = 0; i < 400; i++) {
    const ev = await history(executionArn);
    if (ev.some((e) => e.type === type)) return ev;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no ${type} in ${executionArn}`);
}
/** Waits for a timer at `at` to be armed on the clock (a long poll, the scheduler), then moves time to it. */
async function advanceTo(at: number) {
  for (let i = 0; i < 400 && !clock.pending().includes(at); i++) await new Promise((r) => setTimeout(r, 5));
  clock.advance(at - clock.now());
}

describe("Parallel and Map", () => {
  test("Parallel runs every branch on the state's input and outputs their results in branch order", async () => {
    const arn = await start(sm({
      P: {
        Type: "Parallel", ResultPath: "$.r", Next: "Done",
        Branches: [
          { StartAt: "W", States: { W: { Type: "Wait", Seconds: 10, Next: "A" }, A: { Type: "Pass", Parameters: { "a.$": "$.x" }, End: true } } },
          { StartAt: "B", States: { B: { Type: "Pass", Result: "b", End: true } } },
        ],
      },
      Done: { Type: "Succeed" },
    }), { x: 1 });
    await until(arn, "WaitStateEntered");
    await advanceTo(clock.now() + 10_000);
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output, { x: 1, r: [{ a: 1 }, "b"] });
    const ev = await history(arn);
    assert.deepEqual(ev.map((e) => e.type), [
      "ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "WaitStateEntered", "PassStateEntered", "PassStateExited",
      "WaitStateExited", "PassStateEntered", "PassStateExited", "ParallelStateSucceeded", "ParallelStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
    ]);
    ev.forEach((e, i) => assert.equal(e.id, i + 1));
    // A branch's first event follows ParallelStateStarted; each later one follows its own branch's previous event.
    assert.equal(ev[3].previousEventId, 3);
    assert.equal(ev[4].previousEventId, 3);
    assert.equal(ev[6].previousEventId, 4);
  });

  test("a failing branch fails the Parallel, which Catch handles", async () => {
    const d = await run(sm({
      P: {
        Type: "Parallel", Next: "Ok",
        Branches: [
          { StartAt: "F", States: { F: { Type: "Fail", Error: "Branch.Broke", Cause: "because" } } },
          { StartAt: "W", States: { W: { Type: "Wait", Seconds: 1000, End: true } } },
        ],
        Catch: [{ ErrorEquals: ["Branch.Broke"], ResultPath: "$.error", Next: "Caught" }],
      },
      Ok: { Type: "Succeed" },
      Caught: { Type: "Pass", End: true },
    }), { in: 1 });
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output, { in: 1, error: { Error: "Branch.Broke", Cause: "because" } });
    assert.ok((await types(d.executionArn!)).includes("ParallelStateFailed"));
  });

  test("Map: ItemsPath, ItemSelector with $$.Map.Item, MaxConcurrency, results in item order, iteration events", async () => {
    const arn = await start(sm({
      M: {
        Type: "Map", ItemsPath: "$.items", MaxConcurrency: 1, ResultPath: "$.out", End: true,
        ItemSelector: { "index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "k.$": "$.k" },
        ItemProcessor: { ProcessorConfig: { Mode: "INLINE" }, StartAt: "W", States: { W: { Type: "Wait", Seconds: 5, Next: "X" }, X: { Type: "Pass", End: true } } },
      },
    }), { items: ["a", "b"], k: 7 });
    await until(arn, "WaitStateEntered");
    // One at a time: the second iteration starts after the first ends.
    assert.equal((await history(arn)).filter((e) => e.type === "MapIterationStarted").length, 1);
    await advanceTo(clock.now() + 5000);
    for (let i = 0; i < 400 && (await history(arn)).filter((e) => e.type === "WaitStateEntered").length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await advanceTo(clock.now() + 5000);
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output.out, [{ index: 0, value: "a", k: 7 }, { index: 1, value: "b", k: 7 }]);
    const ev = await history(arn);
    assert.deepEqual(ev.find((e) => e.type === "MapStateStarted")!.mapStateStartedEventDetails, { length: 2 });
    assert.deepEqual(ev.filter((e) => e.type === "MapIterationStarted").map((e) => e.mapIterationStartedEventDetails), [{ name: "M", index: 0 }, { name: "M", index: 1 }]);
    assert.deepEqual(ev.filter((e) => e.type === "MapIterationSucceeded").map((e) => e.mapIterationSucceededEventDetails), [{ name: "M", index: 0 }, { name: "M", index: 1 }]);
    assert.ok(ev.findIndex((e) => e.type === "MapStateSucceeded") < ev.findIndex((e) => e.type === "MapStateExited"));
  });

  test("Map tolerates failures up to ToleratedFailureCount, then fails with States.ExceedToleratedFailureThreshold", async () => {
    const proc = { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$", StringEquals: "bad", Next: "F" }], Default: "S" }, F: { Type: "Fail", Error: "Item.Bad" }, S: { Type: "Succeed" } } };
    const ok = await run(sm({ M: { Type: "Map", ToleratedFailureCount: 1, ItemProcessor: proc, End: true } }), ["a", "bad", "c"]);
    assert.equal(ok.status, "SUCCEEDED");
    assert.equal(ok.output[0], "a");
    assert.equal(ok.output[1].Error, "Item.Bad");
    const over = await run(sm({ M: { Type: "Map", ToleratedFailurePercentage: 30, ItemProcessor: proc, End: true } }), ["bad", "bad", "c"]);
    assert.equal(over.status, "FAILED");
    assert.equal(over.error, "States.ExceedToleratedFailureThreshold");
    const plain = await run(sm({ M: { Type: "Map", ItemProcessor: proc, End: true } }), ["a", "bad"]);
    assert.equal(plain.error, "Item.Bad", "without a tolerance the Map fails with the iteration's error");
    assert.ok((await types(plain.executionArn!)).includes("MapIterationFailed"));
    const empty = await run(sm({ M: { Type: "Map", ItemProcessor: proc, End: true } }), []);
    assert.deepEqual(empty.output, []);
    const notArray = await run(sm({ M: { Type: "Map", ItemsPath: "$.x", ItemProcessor: proc, End: true } }), { x: 1 });
    assert.equal(notArray.error, "States.Runtime");
  });
});

test("probe: a Map over 3,000 items finishes in bounded time (a step advances the running iterations together)", { timeout: 60_000 }, async () => {
  const items = Array.from({ length: 3000 }, (_, i) => ({ i, pad: "x".repeat(20) }));
  const started = Date.now();
  const d = await run(sm({ M: { Type: "Map", ItemSelector: { "i.$": "$$.Map.Item.Value.i" }, ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, End: true } }), items);
  assert.equal(d.status, "SUCCEEDED");
  assert.equal(d.output.length, 3000);
  assert.deepEqual(d.output[2999], { i: 2999 });
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
});

describe("Map, distributed", () => {
  const dist = (extra: object, processor: object = { StartAt: "P", States: { P: { Type: "Pass", Parameters: { "got.$": "$" }, End: true } } }) => sm({
    M: { Type: "Map", ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, ...processor }, End: true, ...extra },
  });

  test("child executions over the items: a map run with its events, DescribeMapRun, ListMapRuns, ListExecutions(mapRunArn)", async () => {
    const d = await run(dist({ Label: "squares", MaxConcurrency: 2, ItemSelector: { "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" } }), [1, 2, 3, 4, 5]);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(d.output, [0, 1, 2, 3, 4].map((i) => ({ got: { v: i + 1, i } })));
    const ev = await history(d.executionArn!);
    assert.deepEqual(ev.map((e) => e.type), ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]);
    const mapRunArn = ev[3].mapRunStartedEventDetails!.mapRunArn!;
    assert.match(mapRunArn, new RegExp(`^arn:aws:states:us-east-1:000000000000:mapRun:i-${n}/squares:[0-9a-f-]{36}$`));
    const runs = await sfn().send(new ListMapRunsCommand({ executionArn: d.executionArn }));
    assert.deepEqual(runs.mapRuns!.map((r) => [r.mapRunArn, r.executionArn, r.stateMachineArn]), [[mapRunArn, d.executionArn, d.stateMachineArn]]);
    const run1 = await sfn().send(new DescribeMapRunCommand({ mapRunArn }));
    assert.equal(run1.status, "SUCCEEDED");
    assert.equal(run1.maxConcurrency, 2);
    assert.deepEqual({ ...run1.itemCounts }, { pending: 0, running: 0, succeeded: 5, failed: 0, timedOut: 0, aborted: 0, total: 5, resultsWritten: 0, failuresNotRedrivable: 0, pendingRedrive: 0 });
    const children = await sfn().send(new ListExecutionsCommand({ mapRunArn }));
    assert.equal(children.executions!.length, 5);
    assert.ok(children.executions!.every((e) => e.status === "SUCCEEDED"));
    const child = await sfn().send(new DescribeExecutionCommand({ executionArn: children.executions![0].executionArn }));
    assert.ok(["1", "2", "3", "4", "5"].some((v) => child.input!.includes(`"v":${v}`)));
    await assert.rejects(sfn().send(new DescribeMapRunCommand({ mapRunArn: `${mapRunArn}x` })), { name: "ResourceNotFound" });
    await assert.rejects(sfn().send(new ListExecutionsCommand({ mapRunArn, stateMachineArn: d.stateMachineArn })), { name: "ValidationException" });
  });

  test("UpdateMapRun raises a running run's MaxConcurrency: more children start at once", async () => {
    const arn = await start(dist({ MaxConcurrency: 1 }, { StartAt: "W", States: { W: { Type: "Wait", Seconds: 50, End: true } } }), [1, 2, 3]);
    await until(arn, "MapRunStarted");
    const mapRunArn = (await history(arn)).find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
    const count = async (n: number) => {
      for (let i = 0; i < 400; i++) {
        if ((await sfn().send(new ListExecutionsCommand({ mapRunArn }))).executions!.length >= n) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      throw new Error(`never ${n} children`);
    };
    await count(1);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await sfn().send(new ListExecutionsCommand({ mapRunArn }))).executions!.length, 1);
    await sfn().send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 3, toleratedFailureCount: 2 }));
    await count(3);
    const run1 = await sfn().send(new DescribeMapRunCommand({ mapRunArn }));
    assert.deepEqual([run1.maxConcurrency, run1.toleratedFailureCount, run1.itemCounts!.running], [3, 2, 3]);
    await assert.rejects(sfn().send(new UpdateMapRunCommand({ mapRunArn, toleratedFailurePercentage: 101 })), { name: "ValidationException" });
    await sfn().send(new StopExecutionCommand({ executionArn: arn }));
  });

  test("ItemBatcher: a child per batch, with BatchInput", async () => {
    const d = await run(dist({ ItemsPath: "$.items", ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { "k.$": "$.k" } } }), { items: ["a", "b", "c"], k: 7 });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(d.output, [{ got: { BatchInput: { k: 7 }, Items: ["a", "b"] } }, { got: { BatchInput: { k: 7 }, Items: ["c"] } }]);
  });

  test("a failing child fails the run with States.ExceedToleratedFailureThreshold, unless tolerated", async () => {
    const proc = { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$", StringEquals: "bad", Next: "F" }], Default: "S" }, F: { Type: "Fail", Error: "Item.Bad", Cause: "bad item" }, S: { Type: "Succeed" } } };
    const failed = await run(dist({}, proc), ["a", "bad"]);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "States.ExceedToleratedFailureThreshold");
    const ev = await history(failed.executionArn!);
    assert.ok(ev.some((e) => e.type === "MapRunFailed"));
    const mapRunArn = ev.find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
    assert.equal((await sfn().send(new DescribeMapRunCommand({ mapRunArn }))).status, "FAILED");
    // The run's other children, still waiting, are stopped with it; so are a stopped execution's.
    const slow = { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$", StringEquals: "bad", Next: "F" }], Default: "W" }, F: { Type: "Fail", Error: "Item.Bad" }, W: { Type: "Wait", Seconds: 1000, End: true } } };
    const stopped = await run(dist({ MaxConcurrency: 3 }, slow), ["x", "bad", "y"]);
    assert.equal(stopped.error, "States.ExceedToleratedFailureThreshold");
    const slowRun = (await history(stopped.executionArn!)).find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
    // The children are stopped right after the parent's step commits (as on AWS, not in the same instant).
    const statuses = async (mapRunArn: string) => {
      let s: string[] = [];
      for (let i = 0; i < 400; i++) {
        s = (await sfn().send(new ListExecutionsCommand({ mapRunArn }))).executions!.map((k) => k.status!).sort();
        if (!s.includes("RUNNING")) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      return s;
    };
    assert.deepEqual(await statuses(slowRun), ["ABORTED", "ABORTED", "FAILED"]);
    const waiting = await start(dist({}, slow), ["p", "q"]);
    await until(waiting, "MapRunStarted");
    const waitingRun = (await history(waiting)).find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
    for (let i = 0; i < 400 && (await sfn().send(new ListExecutionsCommand({ mapRunArn: waitingRun }))).executions!.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await sfn().send(new StopExecutionCommand({ executionArn: waiting }));
    assert.deepEqual(await statuses(waitingRun), ["ABORTED", "ABORTED"]);
    assert.equal((await sfn().send(new DescribeMapRunCommand({ mapRunArn: waitingRun }))).status, "ABORTED");
    const ok = await run(dist({ ToleratedFailureCount: 1 }, proc), ["a", "bad", "c"]);
    assert.equal(ok.status, "SUCCEEDED");
    assert.equal(ok.output[0], "a");
    assert.equal(ok.output[1].Error, "Item.Bad");
  });
});

describe("Task, Retry and Catch", () => {
  test("a task failure is retried on the scheduler (IntervalSeconds, BackoffRate), then caught with ResultPath", async () => {
    const arn = await start(sm({
      T: {
        Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:missing", Next: "Done",
        Retry: [{ ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 3 }],
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "Recovered" }],
      },
      Done: { Type: "Succeed" },
      Recovered: { Type: "Pass", End: true },
    }), { v: 1 });
    await until(arn, "TaskFailed");
    assert.equal((await history(arn)).filter((e) => e.type === "TaskScheduled").length, 1);
    await advanceTo(clock.now() + 2000);
    for (let i = 0; i < 400 && (await history(arn)).filter((e) => e.type === "TaskFailed").length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await advanceTo(clock.now() + 6000);
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED");
    assert.equal(d.output.v, 1);
    // States.TaskFailed matches any task error but States.Timeout (developer guide, "States.TaskFailed"): the function's own is kept.
    assert.equal(d.output.caught.Error, "Lambda.ResourceNotFoundException");
    const ev = await history(arn);
    assert.equal(ev.filter((e) => e.type === "TaskScheduled").length, 3);
    const failed = ev.filter((e) => e.type === "TaskFailed");
    assert.equal(failed[2].timestamp!.getTime() - failed[0].timestamp!.getTime(), 8000, "2 s, then 2×3 = 6 s");
    assert.equal(ev.find((e) => e.type === "TaskScheduled")!.taskScheduledEventDetails!.resourceType, "lambda");
  });

  test("a ResultPath that does not fit the input is States.ResultPathMatchFailure, which a Catch handles; a Parameters path that selects nothing names the field", async () => {
    const d = await run(sm({ A: { Type: "Pass", Result: 1, ResultPath: "$.r", End: true } }), [1, 2]);
    assert.equal(d.error, "States.ResultPathMatchFailure");
    const caught = await run(sm({
      T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:missing", ResultPath: "$.r", Catch: [{ ErrorEquals: ["States.ResultPathMatchFailure", "States.TaskFailed"], Next: "C" }], End: true },
      C: { Type: "Pass", End: true },
    }), "scalar");
    assert.equal(caught.status, "SUCCEEDED");
    const p = await run(sm({ A: { Type: "Pass", Parameters: { "v.$": "$.missing" }, End: true } }), { x: 1 });
    assert.equal(p.error, "States.Runtime");
    assert.equal(p.cause, "An error occurred while executing the state 'A' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{\"x\":1}'");
  });

  test("States.Runtime is never caught, even by States.ALL", async () => {
    const d = await run(sm({
      T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:missing", Parameters: { "a.$": "$.missing" }, Catch: [{ ErrorEquals: ["States.ALL"], Next: "C" }], End: true },
      C: { Type: "Succeed" },
    }));
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.Runtime");
  });
});

describe("intrinsic functions and variables", () => {
  test("intrinsics in Parameters, ResultSelector and Assign; variables read as $name", async () => {
    const d = await run(sm({
      A: {
        Type: "Pass", Next: "B",
        Parameters: {
          "greeting.$": "States.Format('Hello {} from {}', $.name, $$.StateMachine.Name)",
          "parts.$": "States.ArrayPartition(States.ArrayRange(1, 5, 1), 2)",
          "has.$": "States.ArrayContains($.list, 2)",
          "len.$": "States.ArrayLength($.list)",
          "uniq.$": "States.ArrayUnique($.list)",
          "b64.$": "States.Base64Encode($.name)",
          "back.$": "States.Base64Decode(States.Base64Encode($.name))",
          "hash.$": "States.Hash($.name, 'SHA-256')",
          "merged.$": "States.JsonMerge($.o1, $.o2, false)",
          "sum.$": "States.MathAdd($.n, -1)",
          "split.$": "States.StringSplit('a,b,,c', ',')",
          "json.$": "States.JsonToString($.o1)",
          "parsed.$": "States.StringToJson('{\"k\":1}')",
          "item.$": "States.ArrayGetItem($.list, 1)",
        },
        Assign: { "first.$": "$.len", fixed: 42 },
      },
      B: { Type: "Pass", Parameters: { "first.$": "$first", "fixed.$": "$fixed", "uuidLength.$": "States.ArrayLength(States.StringSplit(States.UUID(), '-'))" }, End: true },
    }), { name: "Ann", list: [1, 2, 2, 3], o1: { a: 1, b: 1 }, o2: { b: 2 }, n: 5 });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(d.output, { first: 4, fixed: 42, uuidLength: 5 });
    const ev = await history(d.executionArn!);
    const out = JSON.parse(ev.find((e) => e.type === "PassStateExited")!.stateExitedEventDetails!.output!);
    assert.equal(out.greeting, `Hello Ann from i-${n}`);
    assert.deepEqual(out.parts, [[1, 2], [3, 4], [5]]);
    assert.equal(out.has, true);
    assert.deepEqual(out.uniq, [1, 2, 3]);
    assert.equal(out.b64, "QW5u");
    assert.equal(out.back, "Ann");
    assert.equal(out.hash, "17239b6e250110330eda64a29c610bf146f89883371fab093feda03bec61b646");
    assert.deepEqual(out.merged, { a: 1, b: 2 });
    assert.equal(out.sum, 4);
    assert.deepEqual(out.split, ["a", "b", "c"]);
    assert.equal(out.json, '{"a":1,"b":1}');
    assert.deepEqual(out.parsed, { k: 1 });
    assert.equal(out.item, 2);
    assert.deepEqual(ev.find((e) => e.type === "PassStateExited")!.stateExitedEventDetails!.assignedVariables, { first: "4", fixed: "42" });
  });

  test("wrong arguments raise States.IntrinsicFailure, which a Catch handles", async () => {
    const bad = await run(sm({ A: { Type: "Pass", Parameters: { "x.$": "States.ArrayGetItem($.a, 9)" }, End: true } }), { a: [1] });
    assert.equal(bad.status, "FAILED");
    assert.equal(bad.error, "States.IntrinsicFailure");
    assert.match(bad.cause!, /^An error occurred while executing the state 'A' \(entered at the event id #2\)\. Invalid arguments in States\.ArrayGetItem/);
    const caught = await run(sm({
      T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:missing", Parameters: { "x.$": "States.MathAdd($.a, 'x')" }, Catch: [{ ErrorEquals: ["States.IntrinsicFailure"], Next: "C" }], End: true },
      C: { Type: "Pass", End: true },
    }), { a: 1 });
    assert.equal(caught.status, "SUCCEEDED");
    assert.equal(caught.output.Error, "States.IntrinsicFailure");
  });
});

describe("JSONata", () => {
  test("QueryLanguage JSONata: Arguments-free Pass with Output and Assign, Choice Conditions, variables, $states, AWS's functions", async () => {
    const d = await run(sm({
      Init: { Type: "Pass", Assign: { total: "{% $sum($states.input.items.price) %}", count: "{% $count($states.input.items) %}" }, Next: "Check" },
      Check: {
        Type: "Choice", Default: "Small",
        Choices: [{ Condition: "{% $total > 10 %}", Next: "Big", Assign: { label: "big" } }],
      },
      Big: {
        Type: "Pass", End: true,
        Output: {
          label: "{% $label %}", total: "{% $total %}", count: "{% $count %}", execution: "{% $states.context.Execution.Name %}",
          parts: "{% $partition([1,2,3,4,5], 2) %}", range: "{% $range(0, 10, 5) %}", parsed: "{% $parse('{\"a\":[1]}') %}",
          hash: "{% $hash('abc', 'MD5') %}", uuid: "{% $length($uuid()) %}", rnd: "{% $random() < 1 %}", input: "{% $states.input %}",
        },
      },
      Small: { Type: "Succeed" },
    }, { QueryLanguage: "JSONata" }), { items: [{ price: 5 }, { price: 7 }] });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(d.output.label, "big");
    assert.equal(d.output.total, 12);
    assert.equal(d.output.count, 2);
    assert.equal(d.output.execution, d.name);
    assert.deepEqual(d.output.parts, [[1, 2], [3, 4], [5]]);
    assert.deepEqual(d.output.range, [0, 5, 10]);
    assert.deepEqual(d.output.parsed, { a: [1] });
    assert.equal(d.output.hash, "900150983cd24fb0d6963f7d28e17f72");
    assert.equal(d.output.uuid, 36);
    assert.equal(d.output.rnd, true);
    assert.deepEqual(d.output.input, { items: [{ price: 5 }, { price: 7 }] }, "Choice passes its input on");
  });

  test("JSONata Task: Arguments, $states.result in Output, errorOutput in a Catcher; Map Items and ItemSelector", async () => {
    const d = await run(sm({
      T: {
        Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:missing", Arguments: { q: "{% $states.input.q %}" }, Next: "M",
        Catch: [{ ErrorEquals: ["States.ALL"], Output: { err: "{% $states.errorOutput.Error %}", q: "{% $states.input.q %}" }, Assign: { seen: true }, Next: "M" }],
      },
      M: {
        Type: "Map", Items: "{% [1, 2, 3] %}", ItemSelector: { v: "{% $states.context.Map.Item.Value * 10 %}", seen: "{% $seen %}" }, Output: "{% $states.result %}", End: true,
        ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      },
    }, { QueryLanguage: "JSONata" }), { q: "Q" });
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(d.output, [{ v: 10, seen: true }, { v: 20, seen: true }, { v: 30, seen: true }]);
  });

  test("a failing expression is States.QueryEvaluationError; an endless one is stopped", async () => {
    const bad = await run(sm({ A: { Type: "Pass", Output: "{% $undefinedFn(1) %}", End: true } }, { QueryLanguage: "JSONata" }));
    assert.equal(bad.status, "FAILED");
    assert.equal(bad.error, "States.QueryEvaluationError");
    const loop = await run(sm({ A: { Type: "Pass", Output: "{% ($f := function($n){ $f($n + 1) }; $f(0)) %}", End: true } }, { QueryLanguage: "JSONata" }));
    assert.equal(loop.error, "States.QueryEvaluationError");
    const redos = await run(sm({ A: { Type: "Pass", Output: "{% $match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', /(a+)+$/) %}", End: true } }, { QueryLanguage: "JSONata" }));
    assert.equal(redos.error, "States.QueryEvaluationError");
  });
});

describe("activities, task tokens and timeouts", () => {
  test("CreateActivity, DescribeActivity, ListActivities, DeleteActivity", async () => {
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: "crud" }));
    assert.equal(activityArn, "arn:aws:states:us-east-1:000000000000:activity:crud");
    assert.equal((await sfn().send(new CreateActivityCommand({ name: "crud" }))).activityArn, activityArn, "idempotent");
    const d = await sfn().send(new DescribeActivityCommand({ activityArn }));
    assert.equal(d.name, "crud");
    assert.equal(d.creationDate!.getTime(), clock.now());
    assert.ok((await sfn().send(new ListActivitiesCommand({}))).activities!.some((a) => a.activityArn === activityArn));
    await sfn().send(new DeleteActivityCommand({ activityArn }));
    await assert.rejects(sfn().send(new DescribeActivityCommand({ activityArn })), { name: "ActivityDoesNotExist" });
    await assert.rejects(sfn().send(new DescribeActivityCommand({ activityArn: "nope" })), { name: "InvalidArn" });
    await assert.rejects(sfn().send(new CreateActivityCommand({ name: "bad name" })), { name: "InvalidName" });
  });

  test("an activity worker long-polls, gets the task once, and completes it with SendTaskSuccess", async () => {
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: "worker" }));
    // The poll starts before there is any task: the runner's scheduling wakes it.
    const poll = sfn().send(new GetActivityTaskCommand({ activityArn, workerName: "w1" }));
    await new Promise((r) => setTimeout(r, 20));
    const arn = await start(sm({ A: { Type: "Task", Resource: activityArn, Parameters: { "job.$": "$.job", "token.$": "$$.Task.Token" }, ResultPath: "$.result", End: true } }), { job: 7 });
    const task = await poll;
    assert.ok(task.taskToken);
    const input = JSON.parse(task.input!);
    assert.equal(input.job, 7);
    assert.equal(input.token, task.taskToken, "$$.Task.Token is the token the worker gets");
    await until(arn, "ActivityStarted");
    // A second worker finds nothing: it waits its 60 seconds and gets an empty answer.
    const second = sfn().send(new GetActivityTaskCommand({ activityArn, workerName: "w2" }));
    await advanceTo(clock.now() + 60_000);
    assert.equal((await second).taskToken, undefined);
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    await sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"done":true}' }));
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output, { job: 7, result: { done: true } });
    const ev = await history(arn);
    assert.deepEqual(ev.map((e) => e.type), ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]);
    assert.equal(ev[2].activityScheduledEventDetails!.resource, activityArn);
    assert.deepEqual(ev[3].activityStartedEventDetails, { workerName: "w1" });
    await assert.rejects(sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" })), { name: "TaskDoesNotExist" });
    await assert.rejects(sfn().send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" })), { name: "InvalidToken" });
  });

  test("SendTaskFailure fails the task with the worker's error, which Retry and Catch see", async () => {
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: "failing" }));
    const arn = await start(sm({
      A: { Type: "Task", Resource: activityArn, Catch: [{ ErrorEquals: ["Worker.Error"], Next: "C" }], End: true },
      C: { Type: "Pass", End: true },
    }));
    const task = await sfn().send(new GetActivityTaskCommand({ activityArn }));
    await assert.rejects(sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{not json" })), { name: "InvalidOutput" });
    await sfn().send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: "Worker.Error", cause: "it broke" }));
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(d.output, { Error: "Worker.Error", Cause: "it broke" });
    assert.deepEqual(await types(arn), [
      "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivityFailed", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
    ], "a caught error goes to the Catcher's Next even from an End state");
  });

  test("HeartbeatSeconds and TimeoutSeconds time a task out (States.HeartbeatTimeout, States.Timeout); late callbacks answer TaskTimedOut", async () => {
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: "slow" }));
    const hb = await start(sm({ A: { Type: "Task", Resource: activityArn, HeartbeatSeconds: 10, TimeoutSeconds: 100, End: true } }));
    const task = await sfn().send(new GetActivityTaskCommand({ activityArn }));
    await until(hb, "ActivityStarted");
    const t0 = clock.now();
    await advanceTo(t0 + 8000);
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    // The heartbeat moved the deadline to 8 + 10 s.
    clock.advance(2001);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await waitFor(sfn(), hb, () => true)).status, "RUNNING");
    await advanceTo(t0 + 18_000);
    const d = await finish(hb);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.HeartbeatTimeout");
    assert.ok((await types(hb)).includes("ActivityTimedOut"));
    await assert.rejects(sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "{}" })), { name: "TaskTimedOut" });
    await assert.rejects(sfn().send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken })), { name: "TaskTimedOut" });

    const to = await start(sm({ A: { Type: "Task", Resource: activityArn, TimeoutSecondsPath: "$.t", End: true } }), { t: 30 });
    await until(to, "ActivityScheduled");
    await advanceTo(clock.now() + 30_000);
    const e = await finish(to);
    assert.equal(e.error, "States.Timeout");
  });

  test("probe: oversized and malformed callbacks are refused with AWS's errors, never accepted", async () => {
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: "probe" }));
    const arn = await start(sm({ A: { Type: "Task", Resource: activityArn, End: true } }));
    const task = await sfn().send(new GetActivityTaskCommand({ activityArn }));
    await assert.rejects(sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify("x".repeat(262_145)) })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new SendTaskSuccessCommand({ taskToken: "t".repeat(2049), output: "{}" })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: "e".repeat(257) })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new SendTaskHeartbeatCommand({ taskToken: `MR${"A".repeat(128)}` })), { name: "TaskDoesNotExist" });
    await assert.rejects(sfn().send(new GetActivityTaskCommand({ activityArn, workerName: "w".repeat(81) })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new GetActivityTaskCommand({ activityArn: `${activityArn}-gone` })), { name: "ActivityDoesNotExist" });
    assert.equal((await sfn().send(new DescribeExecutionCommand({ executionArn: arn }))).status, "RUNNING", "nothing reached the task");
    await sfn().send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: "[]" }));
    assert.equal((await finish(arn)).status, "SUCCEEDED");
  });

  test("StopExecution ends a waiting task: its token answers TaskDoesNotExist", async () => {
    const { activityArn } = await sfn().send(new CreateActivityCommand({ name: "stopped" }));
    const arn = await start(sm({ A: { Type: "Task", Resource: activityArn, End: true } }));
    await until(arn, "ActivityScheduled");
    await sfn().send(new StopExecutionCommand({ executionArn: arn }));
    // The task was never claimed: a poll now finds nothing.
    const poll = sfn().send(new GetActivityTaskCommand({ activityArn }));
    await advanceTo(clock.now() + 60_000);
    assert.equal((await poll).taskToken, undefined);
  });
});

describe("RedriveExecution", () => {
  // Fails on the first run ($$.Execution.RedriveCount 0), succeeds once redriven.
  const flaky = (name: string) => ({
    StartAt: `${name}Check`, States: {
      [`${name}Check`]: { Type: "Choice", Choices: [{ Variable: "$$.Execution.RedriveCount", NumericEquals: 0, Next: `${name}Fail` }], Default: `${name}Ok` },
      [`${name}Fail`]: { Type: "Fail", Error: "First.Run" },
      [`${name}Ok`]: { Type: "Pass", Result: `${name} ok`, End: true },
    },
  });

  test("a failed execution continues from the failed state; a Parallel reruns only the branch that failed", async () => {
    const arn = await start(sm({
      Before: { Type: "Pass", Result: "kept", ResultPath: "$.before", Next: "P" },
      P: { Type: "Parallel", End: true, Branches: [{ StartAt: "Steady", States: { Steady: { Type: "Pass", Result: "steady", End: true } } }, flaky("B")] },
    }));
    const first = await finish(arn);
    assert.equal(first.status, "FAILED");
    assert.equal(first.error, "First.Run");
    assert.equal(first.redriveStatus, "REDRIVABLE");
    assert.equal(first.redriveStatusReason, undefined);
    const { redriveDate } = await sfn().send(new RedriveExecutionCommand({ executionArn: arn }));
    assert.equal(redriveDate!.getTime(), clock.now());
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(d.output, ["steady", "B ok"]);
    assert.equal(d.redriveCount, 1);
    assert.equal(d.redriveDate!.getTime(), clock.now());
    const ev = await history(arn);
    const redriven = ev.find((e) => e.type === "ExecutionRedriven")!;
    assert.deepEqual(redriven.executionRedrivenEventDetails, { redriveCount: 1 });
    assert.equal(ev.filter((e) => e.type === "PassStateEntered" && e.stateEnteredEventDetails!.name === "Steady").length, 1, "the branch that succeeded is not rerun");
    assert.equal(ev.filter((e) => e.type === "PassStateEntered" && e.stateEnteredEventDetails!.name === "Before").length, 1, "nor the states before");
    ev.forEach((e, i) => assert.equal(e.id, i + 1));
    await assert.rejects(sfn().send(new RedriveExecutionCommand({ executionArn: arn })), { name: "ExecutionNotRedrivable", message: /Execution is SUCCEEDED and cannot be redriven/ });
    const stateMachineArn = d.stateMachineArn!;
    const listed = await sfn().send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: "REDRIVEN" }));
    assert.deepEqual(listed.executions!.map((e) => [e.executionArn, e.redriveCount]), [[arn, 1]]);
    assert.deepEqual((await sfn().send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: "NOT_REDRIVEN" }))).executions, []);
  });

  test("a Map reruns only its failed iterations; an aborted execution resumes its waiting states", async () => {
    const proc = { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ And: [{ Variable: "$.v", StringEquals: "flaky" }, { Variable: "$$.Execution.RedriveCount", NumericEquals: 0 }], Next: "F" }], Default: "S" }, F: { Type: "Fail", Error: "Flaky" }, S: { Type: "Pass", End: true } } };
    const arn = await start(sm({ M: { Type: "Map", ItemSelector: { "v.$": "$$.Map.Item.Value", "r.$": "$$.Execution.RedriveCount" }, ItemProcessor: proc, End: true } }), ["a", "flaky", "b"]);
    assert.equal((await finish(arn)).status, "FAILED");
    await sfn().send(new RedriveExecutionCommand({ executionArn: arn }));
    const d = await finish(arn);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    // "a" finished before "flaky" failed and is kept; "flaky" failed and "b" was aborted with it: both run again.
    assert.deepEqual(d.output, [{ v: "a", r: 0 }, { v: "flaky", r: 1 }, { v: "b", r: 1 }]);

    // A distributed Map's run fails, is redriven: a new child for the failed item, the run succeeds.
    const distArn = await start(sm({
      M: {
        Type: "Map", End: true, ItemSelector: { "v.$": "$$.Map.Item.Value", "r.$": "$$.Execution.RedriveCount" },
        // A child is an execution of its own (its RedriveCount is 0): it reads the parent's from its input.
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" }, StartAt: "C",
          States: { C: { Type: "Choice", Choices: [{ And: [{ Variable: "$.v", StringEquals: "flaky" }, { Variable: "$.r", NumericEquals: 0 }], Next: "F" }], Default: "S" }, F: { Type: "Fail", Error: "Flaky" }, S: { Type: "Pass", End: true } },
        },
      },
    }), ["a", "flaky"]);
    assert.equal((await finish(distArn)).error, "States.ExceedToleratedFailureThreshold");
    await sfn().send(new RedriveExecutionCommand({ executionArn: distArn }));
    const dd = await finish(distArn);
    assert.equal(dd.status, "SUCCEEDED", dd.cause);
    assert.equal(dd.output[1].v, "flaky");
    const runArn = (await history(distArn)).find((e) => e.type === "MapRunStarted")!.mapRunStartedEventDetails!.mapRunArn!;
    assert.equal((await sfn().send(new DescribeMapRunCommand({ mapRunArn: runArn }))).status, "SUCCEEDED");

    const waiting = await start(sm({ W: { Type: "Wait", Seconds: 100, Next: "Done" }, Done: { Type: "Pass", Result: "resumed", End: true } }));
    await until(waiting, "WaitStateEntered");
    await sfn().send(new StopExecutionCommand({ executionArn: waiting }));
    assert.equal((await sfn().send(new DescribeExecutionCommand({ executionArn: waiting }))).redriveStatus, "REDRIVABLE");
    await sfn().send(new RedriveExecutionCommand({ executionArn: waiting, clientToken: "once" }));
    await sfn().send(new RedriveExecutionCommand({ executionArn: waiting, clientToken: "once" }));
    await until(waiting, "WaitStateEntered");
    await advanceTo(clock.now() + 100_000);
    const w = await finish(waiting);
    assert.equal(w.status, "SUCCEEDED");
    assert.equal(w.output, "resumed");
    assert.equal(w.redriveCount, 1);
  });
});

describe("TestState", () => {
  test("a Pass state alone: output, next state, and at DEBUG the data after each step", async () => {
    const r = await sfn().send(new TestStateCommand({
      definition: JSON.stringify({ Type: "Pass", InputPath: "$.a", Parameters: { "v.$": "$.v", "n.$": "States.MathAdd($.v, 1)" }, ResultPath: "$.r", Next: "Later" }),
      roleArn: ROLE, input: JSON.stringify({ a: { v: 1 } }), inspectionLevel: "DEBUG",
    }));
    assert.equal(r.status, "SUCCEEDED");
    assert.equal(r.nextState, "Later");
    assert.deepEqual(JSON.parse(r.output!), { a: { v: 1 }, r: { v: 1, n: 2 } });
    assert.equal(r.inspectionData!.afterInputPath, '{"v":1}');
    assert.equal(r.inspectionData!.afterParameters, '{"v":1,"n":2}');
    assert.equal(r.inspectionData!.afterResultPath, '{"a":{"v":1},"r":{"v":1,"n":2}}');
    const info = await sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", End: true }), input: "{}" }));
    assert.equal(info.inspectionData, undefined, "INFO answers the outcome only");
  });

  test("a Task with a mocked result or error: SUCCEEDED, RETRIABLE, CAUGHT_ERROR, FAILED; a state of a whole machine by stateName", async () => {
    const task = { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", ResultSelector: { "id.$": "$.MessageId" }, ResultPath: "$.sent", Next: "N",
      Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 2, IntervalSeconds: 3 }], Catch: [{ ErrorEquals: ["Bad"], ResultPath: "$.err", Next: "Recover" }] };
    const ok = await sfn().send(new TestStateCommand({ definition: JSON.stringify(task), input: '{"k":1}', mock: { result: '{"MessageId":"m-1"}' }, inspectionLevel: "DEBUG" }));
    assert.deepEqual([ok.status, JSON.parse(ok.output!), ok.nextState], ["SUCCEEDED", { k: 1, sent: { id: "m-1" } }, "N"]);
    assert.equal(ok.inspectionData!.result, '{"MessageId":"m-1"}');
    assert.equal(ok.inspectionData!.afterResultSelector, '{"id":"m-1"}');
    const retry = await sfn().send(new TestStateCommand({ definition: JSON.stringify(task), input: "{}", mock: { errorOutput: { error: "Flaky", cause: "c" } }, inspectionLevel: "DEBUG" }));
    assert.deepEqual([retry.status, retry.error, retry.inspectionData!.errorDetails], ["RETRIABLE", "Flaky", { retryIndex: 0, retryBackoffIntervalSeconds: 3 }]);
    const spent = await sfn().send(new TestStateCommand({ definition: JSON.stringify(task), input: "{}", mock: { errorOutput: { error: "Flaky" } }, stateConfiguration: { retrierRetryCount: 2 } }));
    assert.equal(spent.status, "FAILED");
    const caught = await sfn().send(new TestStateCommand({ definition: JSON.stringify(task), input: '{"k":1}', mock: { errorOutput: { error: "Bad", cause: "why" } } }));
    assert.deepEqual([caught.status, JSON.parse(caught.output!), caught.nextState], ["CAUGHT_ERROR", { k: 1, err: { Error: "Bad", Cause: "why" } }, "Recover"]);
    const machine = JSON.stringify(sm({ A: { Type: "Choice", Choices: [{ Variable: "$.x", NumericGreaterThan: 1, Next: "Big" }], Default: "Small" }, Big: { Type: "Succeed" }, Small: { Type: "Succeed" } }));
    const choice = await sfn().send(new TestStateCommand({ definition: machine, stateName: "A", input: '{"x":2}' }));
    assert.deepEqual([choice.status, choice.nextState], ["SUCCEEDED", "Big"]);
    const jsonata = await sfn().send(new TestStateCommand({
      definition: JSON.stringify({ Type: "Pass", QueryLanguage: "JSONata", Assign: { t: "{% $states.input.a * 2 %}" }, Output: "{% $v + $states.input.a %}", End: true }),
      input: '{"a":3}', variables: '{"v":10}', inspectionLevel: "DEBUG",
    }));
    assert.deepEqual([jsonata.status, jsonata.output, JSON.parse(jsonata.inspectionData!.variables!)], ["SUCCEEDED", "13", { v: 10, t: 6 }]);
    const fail = await sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Fail", Error: "E", Cause: "C" }), input: "{}" }));
    assert.deepEqual([fail.status, fail.error, fail.cause], ["FAILED", "E", "C"]);
    const unmocked = await sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:missing", End: true }), input: "{}" }));
    assert.deepEqual([unmocked.status, unmocked.error], ["FAILED", "Lambda.ResourceNotFoundException"]);
    await assert.rejects(sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", Bogus: 1, End: true }), input: "{}" })), { name: "InvalidDefinition" });
    await assert.rejects(sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", End: true }), input: "{nope" })), { name: "InvalidExecutionInput" });
    await assert.rejects(sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", End: true }), input: "{}" })), { name: "ValidationException" });
    await assert.rejects(sfn().send(new TestStateCommand({ definition: JSON.stringify({ Type: "Map", ItemProcessor: { StartAt: "P", States: { P: { Type: "Succeed" } } }, End: true }), input: "[]" })), { name: "ValidationException" });
  });
});

describe("ValidateStateMachineDefinition", () => {
  test("answers OK, or FAIL with the diagnostics CreateStateMachine reports", async () => {
    const ok = await sfn().send(new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(sm({ A: { Type: "Succeed" } })) }));
    assert.equal(ok.result, "OK");
    assert.deepEqual(ok.diagnostics, []);
    const bad = await sfn().send(new ValidateStateMachineDefinitionCommand({
      definition: JSON.stringify(sm({ A: { Type: "Pass", Next: "Nowhere" }, B: { Type: "Task", End: true, Retry: [{ ErrorEquals: ["States.ALL", "X"] }] } })),
    }));
    assert.equal(bad.result, "FAIL");
    assert.deepEqual(bad.diagnostics!.map((d) => [d.severity, d.code, d.location]), [
      ["ERROR", "MISSING_TRANSITION_TARGET", "/States/A/Next"],
      ["ERROR", "SCHEMA_VALIDATION_FAILED", "/States/B"],
      ["ERROR", "SCHEMA_VALIDATION_FAILED", "/States/B/Retry[0]/ErrorEquals"],
    ]);
    assert.equal(bad.diagnostics![0].message, "Missing 'Next' target: Nowhere");
    const nested = await sfn().send(new ValidateStateMachineDefinitionCommand({
      definition: JSON.stringify(sm({ P: { Type: "Parallel", End: true, Branches: [{ StartAt: "X", States: { X: { Type: "Pass", Next: "Y" } } }] } })),
    }));
    assert.deepEqual(nested.diagnostics!.map((d) => d.location), ["/States/P/Branches[0]/States/X/Next"]);
    const jsonata = await sfn().send(new ValidateStateMachineDefinitionCommand({
      definition: JSON.stringify(sm({ A: { Type: "Pass", Output: "{% $states.input. %}", InputPath: "$", End: true } }, { QueryLanguage: "JSONata" })),
    }));
    assert.deepEqual(jsonata.diagnostics!.map((d) => d.location), ["/States/A/InputPath", "/States/A/Output"]);
  });
});
