// The interpreter's pure parts, as tables: which Retrier/Catcher an error matches (States.ALL, States.TaskFailed and
// the terminal errors), retry delays (IntervalSeconds, BackoffRate, MaxDelaySeconds, JitterStrategy), Resource
// parsing into the contract's service/action/pattern, definition diagnostics for the new state types and fields,
// and whole runs in memory (runInMemory, the entry point EXPRESS executions use).
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkDefinition, type Definition, type Json } from "./definition.ts";
import { placeResult } from "./paths.ts";
import { errorMatches, type NewEvent, parseResource, retryDelay, runInMemory, startPosition, step, type StepIO, type StepResult, type Thread } from "./step.ts";

test("ErrorEquals matching", () => {
  const cases: [Json, string, boolean][] = [
    [["States.ALL"], "Custom.Error", true],
    [["States.ALL"], "States.Timeout", true],
    [["States.ALL"], "States.Runtime", false],
    [["States.ALL"], "States.DataLimitExceeded", false],
    [["States.DataLimitExceeded"], "States.DataLimitExceeded", true],
    [["States.TaskFailed"], "Lambda.Unknown", true],
    [["States.TaskFailed"], "States.Timeout", false],
    [["States.TaskFailed"], "States.HeartbeatTimeout", true],
    [["States.Timeout"], "States.Timeout", true],
    [["A", "B"], "B", true],
    [["A"], "a", false],
  ];
  for (const [list, error, expected] of cases) assert.equal(errorMatches(list, error), expected, `${JSON.stringify(list)} ${error}`);
});

test("retry delays", () => {
  assert.equal(retryDelay({}, 0), 1000, "IntervalSeconds 1 by default");
  assert.equal(retryDelay({}, 2), 4000, "BackoffRate 2 by default");
  assert.equal(retryDelay({ IntervalSeconds: 3, BackoffRate: 1.5 }, 2), 6750);
  assert.equal(retryDelay({ IntervalSeconds: 10, BackoffRate: 10, MaxDelaySeconds: 60 }, 3), 60_000);
  assert.equal(retryDelay({ IntervalSeconds: 10, JitterStrategy: "FULL" }, 0, () => 0.25), 2500);
  assert.equal(retryDelay({ IntervalSeconds: 10, JitterStrategy: "NONE" }, 0, () => 0.25), 10_000);
});

test("Resource parsing", () => {
  assert.deepEqual(parseResource("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), { service: "sqs", action: "sendMessage", pattern: "waitForTaskToken", resourceType: "sqs", resourceName: "sendMessage.waitForTaskToken" });
  assert.deepEqual(parseResource("arn:aws:states:::states:startExecution.sync:2"), { service: "states", action: "startExecution", pattern: "sync:2", resourceType: "states", resourceName: "startExecution.sync:2" });
  assert.equal(parseResource("arn:aws:states:::aws-sdk:sqs:sendMessage").service, "aws-sdk:sqs");
  assert.equal(parseResource("arn:aws:states:us-east-1:000000000000:activity:a").activity, "arn:aws:states:us-east-1:000000000000:activity:a");
  assert.equal(parseResource("arn:aws:lambda:us-east-1:000000000000:function:f").service, "lambda");
});

test("definition diagnostics for Task, Parallel, Map, Retry/Catch, JSONata and variables", () => {
  const sm = (States: object, extra: object = {}) => JSON.stringify({ StartAt: Object.keys(States)[0], States, ...extra });
  const cases: [string, string[]][] = [
    [sm({ T: { Type: "Task", End: true } }), ["SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/T"]],
    [sm({ T: { Type: "Task", Resource: "arn:aws:states:::x:y", HeartbeatSeconds: 10, TimeoutSeconds: 5, End: true } }), ["SCHEMA_VALIDATION_FAILED: The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds' at /States/T/HeartbeatSeconds"]],
    [sm({ T: { Type: "Task", Resource: "arn:aws:states:::x:y", Retry: [{ ErrorEquals: ["States.ALL"] }, { ErrorEquals: ["X"] }], End: true } }), ["SCHEMA_VALIDATION_FAILED: States.ALL must appear in the last Retrier at /States/T/Retry[0]/ErrorEquals"]],
    [sm({ T: { Type: "Task", Resource: "arn:aws:states:::x:y", Retry: [{ ErrorEquals: ["X"], BackoffRate: 0.5, JitterStrategy: "SOME" }], End: true } }), [
      "SCHEMA_VALIDATION_FAILED: The value for the field 'BackoffRate' must be a number greater than or equal to 1.0 at /States/T/Retry[0]/BackoffRate",
      "SCHEMA_VALIDATION_FAILED: The field 'JitterStrategy' should have one of these values: [FULL, NONE] at /States/T/Retry[0]/JitterStrategy",
    ]],
    [sm({ T: { Type: "Task", Resource: "arn:aws:states:::x:y", Catch: [{ ErrorEquals: ["X"], Next: "Gone" }], End: true } }), ["MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone at /States/T/Catch[0]/Next"]],
    [sm({ P: { Type: "Parallel", Branches: [], End: true } }), ["SCHEMA_VALIDATION_FAILED: The field 'Branches' should be non-empty at /States/P/Branches"]],
    [sm({ M: { Type: "Map", End: true } }), ["SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor] at /States/M"]],
    [sm({ M: { Type: "Map", ItemProcessor: { StartAt: "A", States: { A: { Type: "Pass", Next: "A" } } }, End: true } }), ["MISSING_TERMINAL_STATE: Workflow has no terminal state at /States/M/ItemProcessor"]],
    [sm({ M: { Type: "Map", ToleratedFailurePercentage: 120, ItemProcessor: { StartAt: "A", States: { A: { Type: "Succeed" } } }, End: true } }), ["SCHEMA_VALIDATION_FAILED: The value for the field 'ToleratedFailurePercentage' must be a number between 0 and 100 at /States/M/ToleratedFailurePercentage"]],
    [sm({ A: { Type: "Pass", Parameters: { "x.$": "States.Nope()" }, End: true } }), ["SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call (The value 'States.Nope()' is not a valid intrinsic function call: unknown function States.Nope) at /States/A/Parameters/x.$"]],
    [sm({ A: { Type: "Pass", Output: 1, End: true } }), ["SCHEMA_VALIDATION_FAILED: The field 'Output' is not supported when the QueryLanguage is JSONPath at /States/A/Output"]],
    [sm({ A: { Type: "Pass", Parameters: {}, End: true } }, { QueryLanguage: "JSONata" }), ["SCHEMA_VALIDATION_FAILED: The field 'Parameters' is not supported when the QueryLanguage is JSONata at /States/A/Parameters"]],
    [sm({ A: { Type: "Pass", QueryLanguage: "JSONPath", End: true } }, { QueryLanguage: "JSONata" }), ["SCHEMA_VALIDATION_FAILED: A state cannot set QueryLanguage to JSONPath when the state machine's QueryLanguage is JSONata at /States/A/QueryLanguage"]],
    [sm({ A: { Type: "Choice", Choices: [{ Variable: "$.x", BooleanEquals: true, Next: "B" }], Default: "B" }, B: { Type: "Succeed" } }, { QueryLanguage: "JSONata" }), [
      "SCHEMA_VALIDATION_FAILED: The field 'Variable' is not supported when the QueryLanguage is JSONata at /States/A/Choices[0]/Variable",
      "SCHEMA_VALIDATION_FAILED: The field 'BooleanEquals' is not supported when the QueryLanguage is JSONata at /States/A/Choices[0]/BooleanEquals",
      "SCHEMA_VALIDATION_FAILED: These fields are required: [Condition] at /States/A/Choices[0]",
    ]],
    [sm({ A: { Type: "Pass", Assign: { "1bad": 1, states: 2 }, End: true } }), [
      "SCHEMA_VALIDATION_FAILED: The variable name '1bad' is not valid at /States/A/Assign/1bad",
      "SCHEMA_VALIDATION_FAILED: The variable name 'states' is not valid at /States/A/Assign/states",
    ]],
  ];
  for (const [text, expected] of cases) assert.deepEqual(checkDefinition(text).problems, expected, text);
  assert.deepEqual(checkDefinition(sm({ A: { Type: "Pass", Parameters: { "v.$": "$myVar.field" }, End: true } })).problems, []);
  // EXPRESS machines take request-response tasks only.
  const callback = sm({ A: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", End: true } });
  assert.deepEqual(checkDefinition(callback).problems, []);
  assert.deepEqual(checkDefinition(callback, "EXPRESS").problems, ["SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration at /States/A/Resource"]);
  assert.deepEqual(checkDefinition(sm({ A: { Type: "Task", Resource: "arn:aws:states:us-east-1:000000000000:activity:x", End: true } }), "EXPRESS").problems.length, 1);
});

test("runInMemory runs a machine to its end without a store (the EXPRESS entry point)", async () => {
  const def = JSON.parse(JSON.stringify({
    StartAt: "T", States: {
      T: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { "n.$": "$.n" }, ResultSelector: { "v.$": "$.n" }, Retry: [{ ErrorEquals: ["Flaky"], MaxAttempts: 2 }], Next: "W" },
      W: { Type: "Wait", Seconds: 3600, Next: "Done" },
      Done: { Type: "Succeed" },
    },
  })) as Definition;
  let calls = 0;
  const r = await runInMemory(def, {
    arn: "arn:aws:states:us-east-1:000000000000:express:m:e:x", name: "e", input: '{"n":5}', roleArn: "r", startDate: 0,
    machineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m", machineName: "m",
  }, async (call) => (++calls < 2 ? { type: "failed", error: "Flaky" } : { type: "succeeded", output: call.parameters }), 0);
  assert.equal(r.status, "SUCCEEDED");
  assert.equal(r.output, '{"v":5}');
  assert.equal(calls, 2);
  assert.deepEqual(r.history.map((e) => e.type), [
    "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
    "WaitStateEntered", "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
  ]);
});

test("variables: an Assign over 256 KiB fails with States.DataLimitExceeded", async () => {
  const def = { StartAt: "A", States: { A: { Type: "Pass", Assign: { "big.$": "$.s" }, End: true } } } as unknown as Definition;
  const r = await runInMemory(def, {
    arn: "arn:aws:states:us-east-1:000000000000:execution:m:e", name: "e", input: JSON.stringify({ s: "x".repeat(262_144) }), roleArn: "r", startDate: 0,
    machineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m", machineName: "m",
  }, undefined, 0);
  assert.equal(r.status, "FAILED");
  assert.equal(r.error, "States.DataLimitExceeded");
});

/** Runs an execution with `step` until it ends (Waits skipped ahead), with the given io; the events it kept. */
async function runWith(def: Definition, input: string, io: StepIO): Promise<{ r: StepResult; events: NewEvent[]; entered: number; calls: number }> {
  const x = { arn: "arn:aws:states:us-east-1:000000000000:execution:m:e", name: "e", input, roleArn: "r", startDate: 0, machineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m", machineName: "m" };
  let pos = startPosition(def, input, 0) as Thread;
  let last = 1;
  let now = 0;
  let entered = 0;
  let calls = 0;
  const events: NewEvent[] = [];
  for (;;) {
    const r = await step(def, x, pos, last, now, io);
    calls++;
    events.push(...r.events);
    entered += r.entered;
    assert.equal(r.lastEventId, last + (io.history === false ? r.lastEventId - last : r.events.length), "lastEventId counts the events, kept or not");
    last = r.lastEventId;
    if (r.status !== "RUNNING") return { r, events, entered, calls };
    pos = r.position;
    now = Math.max(now, pos.dueAt ?? now);
  }
}

test("chained steps (io.chain) and no history (io.history false) end as one step per call does, with the same events and transitions", async () => {
  const def = JSON.parse(JSON.stringify({
    StartAt: "P", States: {
      P: { Type: "Pass", Parameters: { "n.$": "$.n", "id.$": "$$.Execution.Name", "sum.$": "States.MathAdd($.n, 1)" }, ResultPath: "$.p", Next: "C" },
      C: { Type: "Choice", Choices: [{ And: [{ Variable: "$.p.n", NumericGreaterThan: 1 }, { Variable: "$.p.id", StringMatches: "e*" }], Next: "W" }], Default: "F" },
      W: { Type: "Wait", Seconds: 5, Next: "Par" },
      Par: { Type: "Parallel", Branches: [
        { StartAt: "B1", States: { B1: { Type: "Pass", Result: 1, End: true } } },
        { StartAt: "B2", States: { B2: { Type: "Pass", InputPath: "$.p", End: true } } },
      ], ResultPath: "$.par", Next: "M" },
      M: { Type: "Map", ItemsPath: "$.items", ItemProcessor: { StartAt: "I", States: { I: { Type: "Pass", End: true } } }, ResultPath: "$.m", Next: "S" },
      S: { Type: "Succeed", OutputPath: "$" },
      F: { Type: "Fail", Error: "E" },
    },
  })) as Definition;
  const input = JSON.stringify({ n: 2, items: [1, 2, 3] });
  const one = await runWith(def, input, {});
  const chained = await runWith(def, input, { chain: { steps: 64, events: 256 } });
  const bare = await runWith(def, input, { history: false, chain: { steps: 100, events: Number.POSITIVE_INFINITY } });
  assert.equal(one.r.status, "SUCCEEDED");
  assert.deepEqual(JSON.parse(one.r.output!), { n: 2, items: [1, 2, 3], p: { n: 2, id: "e", sum: 3 }, par: [1, { n: 2, id: "e", sum: 3 }], m: [1, 2, 3] });
  for (const other of [chained, bare]) {
    assert.equal(other.r.status, one.r.status);
    assert.equal(other.r.output, one.r.output);
    assert.equal(other.r.lastEventId, one.r.lastEventId);
    assert.equal(other.entered, one.entered);
  }
  assert.equal(one.entered, one.events.filter((e) => e.type.endsWith("StateEntered")).length);
  assert.deepEqual(chained.events, one.events, "the same events, ids and details");
  assert.equal(bare.events.length, 0, "no history kept");
  assert.ok(chained.calls < one.calls, `fewer calls when chained (${chained.calls} < ${one.calls})`);
  // The Wait ends a chain (it is not due at the chain's `now`).
  assert.ok(chained.calls >= 2);
});

test("a step does not change the position it was given (the runner and EXPRESS keep theirs)", async () => {
  const def = { StartAt: "Par", States: { Par: { Type: "Parallel", Branches: [{ StartAt: "B", States: { B: { Type: "Wait", Seconds: 1, End: true } } }], End: true } } } as unknown as Definition;
  const x = { arn: "a", name: "e", input: "{}", roleArn: "r", startDate: 0, machineArn: "m", machineName: "m" };
  const r1 = await step(def, x, startPosition(def, "{}", 0), 1, 0);
  const before = JSON.stringify(r1.position);
  const r2 = await step(def, x, r1.position, r1.lastEventId, 1000);
  assert.equal(JSON.stringify(r1.position), before);
  assert.notEqual(JSON.stringify(r2.position), before);
  const after = JSON.stringify(r2.position);
  await step(def, x, r2.position, r2.lastEventId, 1000);
  assert.equal(JSON.stringify(r2.position), after);
});

test("probe: ResultPath and Parameters named __proto__ make members, and never reach Object.prototype", async () => {
  const def = JSON.parse(JSON.stringify({
    StartAt: "A", States: {
      A: { Type: "Pass", Result: "yes", ResultPath: "$.__proto__.polluted", Next: "B" },
      B: { Type: "Pass", Parameters: { "__proto__.$": "$.__proto__", "plain": 1 }, ResultPath: "$.q", Next: "C" },
      C: { Type: "Pass", Result: 7, ResultPath: "$.list[3]", End: true },
    },
  })) as Definition;
  const r = await runInMemory(def, { arn: "a", name: "e", input: '{"list":[0]}', roleArn: "r", startDate: 0, machineArn: "m", machineName: "m" }, undefined, 0);
  assert.equal(r.status, "SUCCEEDED", `${r.error} ${r.cause}`);
  assert.equal(({} as Record<string, unknown>).polluted, undefined, "Object.prototype untouched");
  assert.equal(r.output, '{"list":[0,null,null,7],"__proto__":{"polluted":"yes"},"q":{"__proto__":{"polluted":"yes"},"plain":1}}');
  assert.deepEqual(placeResult("$.__proto__.x", {}, 1), JSON.parse('{"__proto__":{"x":1}}'));
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test("ResultPath copies the input along its path only, and leaves the input unchanged", () => {
  const input = { a: { b: { c: 1 }, keep: { deep: [1, 2] } }, other: { z: 1 } };
  const text = JSON.stringify(input);
  const out = placeResult("$.a.b.d", input, 5) as Record<string, any>;
  assert.equal(JSON.stringify(input), text, "input unchanged");
  assert.deepEqual(out, { a: { b: { c: 1, d: 5 }, keep: { deep: [1, 2] } }, other: { z: 1 } });
  assert.throws(() => placeResult("$.a", [1] as never, 5), /Unable to apply ResultPath/);
  assert.throws(() => placeResult("$.a", 3, 5), /Unable to apply ResultPath/);
});
