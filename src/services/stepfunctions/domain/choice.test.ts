// Choice rules against cases recorded on AWS (LocalStack snapshots tests/aws/services/stepfunctions/v2/
// choice_operators/*: the rule {"Variable": "$.Variable", <operator>: <Value> or "$.Value"} on input
// {"Variable", "Value"}). The full recorded set (491 cases, 483 with unredacted values) was checked while writing
// this; a representative part is kept here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateRule } from "./choice.ts";
import type { Json } from "./definition.ts";

type Case = [operator: string, variable: Json, value: Json, expected: boolean];

const CASES: Case[] = [
  ["StringEquals", null, "HelloWorld", false],
  ["StringEquals", 1, "HelloWorld", false],
  ["StringEquals", [""], "HelloWorld", false],
  ["StringEquals", "\t\n", "\t\r\n", false],
  ["StringEqualsPath", "Hello", "Hello", true],
  ["StringGreaterThan", "AB", "ABC", false],
  ["StringGreaterThan", "A", "A ", false],
  ["StringLessThan", "AB", "ABC", true],
  ["StringLessThanEquals", "", "", true],
  ["NumericEquals", 0, 0.0, true],
  ["NumericEquals", "0", 0, false],
  ["NumericGreaterThan", 1.1, 1, true],
  ["NumericLessThanEqualsPath", 1, 1, true],
  ["BooleanEquals", false, false, true],
  ["BooleanEquals", 0, false, false],
  ["BooleanEqualsPath", true, true, true],
  ["IsNull", null, true, true],
  ["IsNull", 0, true, false],
  ["IsNumeric", 1.1, true, true],
  ["IsNumeric", "1", true, false],
  ["IsString", "", true, true],
  ["IsBoolean", false, true, true],
  ["IsTimestamp", "2012-10-09T19:00:55Z", true, true],
  ["IsTimestamp", "2012-10-09T19:00:55", true, false],
  ["IsTimestamp", "2012-10-09T19:00:55+01:00", true, true],
  ["IsTimestamp", "2023-02-24", true, false],
  ["TimestampLessThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", true],
  ["TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T20:00:55+01:00", true],
  ["TimestampEquals", "not a time", "2012-10-09T19:00:55Z", false],
];

test("Choice comparison operators answer as recorded on AWS", () => {
  for (const [op, variable, value, expected] of CASES) {
    const rule = { Variable: "$.Variable", [op]: op.endsWith("Path") ? "$.Value" : value } as Record<string, Json>;
    assert.equal(evaluateRule(rule, { Variable: variable, Value: value }, {}), expected, `${op} ${JSON.stringify(variable)} ${JSON.stringify(value)}`);
  }
});

test("StringMatches: * matches any run, \\* and \\\\ are literal", () => {
  const m = (v: string, p: string) => evaluateRule({ Variable: "$.v", StringMatches: p }, { v }, {});
  assert.equal(m("log-2026.txt", "log-*.txt"), true);
  assert.equal(m("log-.txt", "log-*.txt"), true);
  assert.equal(m("log-2026.csv", "log-*.txt"), false);
  assert.equal(m("a*b", "a\\*b"), true);
  assert.equal(m("axb", "a\\*b"), false);
  assert.equal(m("a\\b", "a\\\\b"), true);
  assert.equal(m("a.b", "a?b"), false);
});

test("StringMatches cannot be made to backtrack: a 7-star pattern against 60 and 100,000 a's answers at once", () => {
  const m = (v: string, p: string) => evaluateRule({ Variable: "$.v", StringMatches: p }, { v }, {});
  const t0 = performance.now();
  assert.equal(m("a".repeat(60), "*a*a*a*a*a*a*a*b"), false);
  assert.equal(m("a".repeat(100_000), "*a*a*a*a*a*a*a*b"), false);
  assert.equal(m(`${"a".repeat(100_000)}b`, "*a*a*a*a*a*a*a*b"), true);
  // A hang guard, not a speed figure: backtracking would take far longer than this; a loaded machine took 79 ms.
  assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
});

test("IsPresent does not need the variable; other operators fail on a missing one", () => {
  assert.equal(evaluateRule({ Variable: "$.nope", IsPresent: false }, {}, {}), true);
  assert.equal(evaluateRule({ Variable: "$.nope", IsPresent: true }, {}, {}), false);
  assert.throws(() => evaluateRule({ Variable: "$.nope", IsNull: true }, {}, {}), /No results for path/);
});
