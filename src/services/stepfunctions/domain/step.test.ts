// The interpreter's pure parts, as tables: which Retrier/Catcher an error matches (States.ALL, States.TaskFailed and
// the terminal errors), retry delays (IntervalSeconds, BackoffRate, MaxDelaySeconds, JitterStrategy), Resource
// parsing into the contract's service/action/pattern, definition diagnostics for the new state types and fields,
// and whole runs in memory (runInMemory, the entry point EXPRESS executions use).
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkDefinition, type Definition, type Json } from "./definition.ts";
import { errorMatches, parseResource, retryDelay, runInMemory } from "./step.ts";

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
