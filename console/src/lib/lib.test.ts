// The console's pure logic (routing, ARNs, formatting, graph layout, execution paths), run by `npm test`
// (scripts/test.sh picks up console/src/**/*.test.ts).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { accountOf, arnName, parseArn, queueArnFromUrl } from "./arn.ts";
import { formatAge, formatTime, hashShare, oldestAgeSeconds, prettyBody, progressPercent } from "./format.ts";
import { executionPath, layoutDefinition, NODE_W } from "./graph.ts";
import { formatRoute, paneForKey, parseRoute } from "./route.ts";

describe("routes", () => {
  test("round-trip an ARN with colons and slashes as one segment", () => {
    const r = { pane: "statemachines" as const, id: "arn:aws:states:us-east-1:000000000000:stateMachine:m", sub: "arn:aws:states:us-east-1:000000000000:execution:m:e/1" };
    const hash = formatRoute(r);
    assert.equal(hash.split("/").length, 4);
    assert.deepEqual(parseRoute(hash), r);
  });
  test("unknown or empty hashes open the queues list", () => {
    assert.deepEqual(parseRoute(""), { pane: "queues" });
    assert.deepEqual(parseRoute("#/nope/x"), { pane: "queues" });
    assert.deepEqual(parseRoute("#/topics/"), { pane: "topics" });
  });
  test("a malformed escape names no resource", () => {
    assert.deepEqual(parseRoute("#/queues/%E0%A4%A"), { pane: "queues" });
  });
  test("digits open panes", () => {
    assert.equal(paneForKey("1"), "queues");
    assert.equal(paneForKey("5"), "statemachines");
    assert.equal(paneForKey("6"), undefined);
    assert.equal(paneForKey("x"), undefined);
  });
});

describe("ARNs", () => {
  test("names", () => {
    assert.equal(arnName("arn:aws:sqs:us-east-1:000000000000:orders-dlq"), "orders-dlq");
    assert.equal(arnName("arn:aws:sns:us-east-1:000000000000:t:5c4e"), "t");
    assert.equal(arnName("arn:aws:events:us-east-1:000000000000:event-bus/default"), "default");
    assert.equal(arnName("arn:aws:kinesis:us-east-1:000000000000:stream/s1"), "s1");
    assert.equal(arnName("arn:aws:states:us-east-1:000000000000:execution:m:run-1"), "run-1");
    assert.equal(arnName("not an arn"), "not an arn");
  });
  test("queue ARN from URL and account from a bus", () => {
    assert.equal(queueArnFromUrl("http://localhost:4566/000000000000/q1", "eu-west-1"), "arn:aws:sqs:eu-west-1:000000000000:q1");
    assert.equal(queueArnFromUrl("nonsense", "us-east-1"), undefined);
    assert.equal(accountOf("arn:aws:events:us-east-1:123456789012:event-bus/default"), "123456789012");
    assert.equal(parseArn("arn:aws:sqs:r"), undefined);
  });
});

describe("formatting", () => {
  test("ages", () => {
    assert.equal(formatAge(5), "5s");
    assert.equal(formatAge(185), "3m 5s");
    assert.equal(formatAge(7440), "2h 4m");
    assert.equal(formatAge(90000), "1d 1h");
    assert.equal(formatAge(undefined), "–");
    assert.equal(formatAge(-1), "–");
  });
  test("JSON bodies are pretty-printed, others kept", () => {
    assert.deepEqual(prettyBody('{"a":1}'), { text: '{\n  "a": 1\n}', json: true });
    assert.deepEqual(prettyBody("{not json}"), { text: "{not json}", json: false });
    assert.deepEqual(prettyBody("plain"), { text: "plain", json: false });
  });
  test("progress is clamped and safe with unknown totals", () => {
    assert.equal(progressPercent(5, 20), 25);
    assert.equal(progressPercent(30, 20), 100);
    assert.equal(progressPercent(1, 0), 0);
    assert.equal(progressPercent(undefined, 3), 0);
  });
  test("times and ages of oldest", () => {
    assert.equal(formatTime("0"), "1970-01-01 00:00:00Z");
    assert.equal(formatTime("garbage"), "–");
    assert.equal(oldestAgeSeconds(["1000", "3000", undefined], 11_000), 10);
    assert.equal(oldestAgeSeconds([], 1), undefined);
  });
  test("hash key shares", () => {
    assert.equal(hashShare("0", ((1n << 128n) - 1n).toString()), "100.0%");
    assert.equal(hashShare("0", ((1n << 127n) - 1n).toString()), "50.0%");
    assert.equal(hashShare("x", "1"), "–");
  });
});

describe("state machine graph", () => {
  const def = {
    StartAt: "A",
    States: {
      A: { Type: "Task", Resource: "r", Next: "B", Catch: [{ ErrorEquals: ["States.ALL"], Next: "F" }] },
      B: { Type: "Choice", Choices: [{ Variable: "$.x", NumericEquals: 1, Next: "C" }], Default: "D" },
      C: { Type: "Succeed" },
      D: { Type: "Pass", End: true },
      F: { Type: "Fail" },
      Orphan: { Type: "Pass", End: true },
    },
  };
  test("layers by distance from StartAt, unreachable states last, no overlap", () => {
    const g = layoutDefinition(def);
    const layer = Object.fromEntries(g.nodes.map((n) => [n.name, n.layer]));
    assert.deepEqual(layer, { A: 0, B: 1, F: 1, C: 2, D: 2, Orphan: 3 });
    for (const a of g.nodes) for (const b of g.nodes) if (a !== b && a.layer === b.layer) assert.ok(Math.abs(a.x - b.x) >= NODE_W);
    assert.ok(g.nodes.every((n) => n.x >= 0 && n.x + NODE_W <= g.width));
    assert.deepEqual(g.edges.map((e) => `${e.from}>${e.to}:${e.kind}`).sort(), ["A>B:next", "A>F:catch", "B>C:choice", "B>D:default"]);
    assert.ok(g.nodes.find((n) => n.name === "C")!.end);
  });
  test("a definition without States is refused, a dangling Next ignored", () => {
    assert.throws(() => layoutDefinition("{}"));
    const g = layoutDefinition({ StartAt: "X", States: { X: { Type: "Pass", Next: "Gone" } } });
    assert.equal(g.edges.length, 0);
  });
  test("the path of an execution from its history", () => {
    const steps = executionPath([
      { type: "ExecutionStarted" },
      { type: "TaskStateEntered", stateEnteredEventDetails: { name: "A", input: "{}" } },
      { type: "TaskStateExited", stateExitedEventDetails: { name: "A", output: '{"x":1}' } },
      { type: "ChoiceStateEntered", stateEnteredEventDetails: { name: "B" } },
      { type: "ChoiceStateExited", stateExitedEventDetails: { name: "B" } },
      { type: "PassStateEntered", stateEnteredEventDetails: { name: "Inner" } },
      { type: "TaskStateEntered", stateEnteredEventDetails: { name: "D" } },
      { type: "ExecutionFailed" },
    ], new Set(["A", "B", "D"]));
    assert.deepEqual(steps.map((s) => [s.name, s.status]), [["A", "succeeded"], ["B", "succeeded"], ["D", "failed"]]);
    assert.equal(steps[0].output, '{"x":1}');
  });
  test("a redriven execution: the failed state runs again and succeeds", () => {
    const steps = executionPath([
      { type: "ParallelStateEntered", stateEnteredEventDetails: { name: "P" } },
      { type: "ExecutionFailed" },
      { type: "ExecutionRedriven" },
      { type: "ParallelStateExited", stateExitedEventDetails: { name: "P" } },
      { type: "PassStateEntered", stateEnteredEventDetails: { name: "After" } },
    ]);
    assert.deepEqual(steps.map((s) => [s.name, s.status]), [["P", "succeeded"], ["After", "running"]]);
  });
});
