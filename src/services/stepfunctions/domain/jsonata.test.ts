// JSONata as Step Functions evaluates it, a table: "{% %}" expressions over $states and variables, the functions
// Step Functions adds ($partition, $range, $hash, $random, $uuid, $parse) and their argument errors, templates
// whose undefined fields are left out, and the bounds that keep an expression from running away.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Json } from "./definition.ts";
import { compileProblem, evaluate, evaluateTemplate, isExpression, nestedQuantifier, QueryError } from "./jsonata.ts";

const b = { states: { input: { a: 2, items: [{ p: 1 }, { p: 4 }], s: '{"x":[1]}' }, context: { Execution: { Name: "e1" } } }, total: 10 };

const OK: [string, Json | undefined][] = [
  ["{% $states.input.a + 1 %}", 3],
  ["{% $sum($states.input.items.p) %}", 5],
  ["{% $total * 2 %}", 20],
  ["{% $states.context.Execution.Name %}", "e1"],
  ["{% $states.input.missing %}", undefined],
  ["{% $partition([1,2,3,4,5], 2) %}", [[1, 2], [3, 4], [5]]],
  ["{% $range(0, 10, 5) %}", [0, 5, 10]],
  ["{% $range(3, 1, -1) %}", [3, 2, 1]],
  ["{% $hash('abc', 'SHA-256') %}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["{% $hash({'a': 1}, 'MD5') %}", "bb6cb5c68df4652941caf652a366f2d8"],
  ["{% $parse($states.input.s) %}", { x: [1] }],
  ["{% $length($uuid()) %}", 36],
  ["{% $random() >= 0 and $random() < 1 %}", true],
  ["{% $random(7) = $random(7) %}", true],
  ["{% [1,2,3][$ > 1] %}", [2, 3]],
  ["{% $string(42) & '!' %}", "42!"],
];

test("expressions evaluate over $states and variables", async () => {
  for (const [expr, expected] of OK) assert.deepEqual(await evaluate(expr, b), expected, expr);
});

const BAD: [string, RegExp][] = [
  ["{% $partition('x', 2) %}", /\$partition: the first argument must be an array/],
  ["{% $partition([1], 0) %}", /chunk size must be a positive integer/],
  ["{% $range(0, 5000, 1) %}", /more than 1000 elements/],
  ["{% $range(0, 5, 0) %}", /step must not be 0/],
  ["{% $hash('a', 'SHA-3') %}", /is not one of MD5/],
  ["{% $parse('{bad') %}", /is not valid JSON/],
  ["{% $undefinedFunction() %}", /T1006|not a function|undefined/i],
  ["{% 1 / 0 %}", /not finite|D1001/],
  ["{% function($x){$x} %}", /returned a function/],
  ["{% ($f := function($n){ $f($n + 1) }; $f(0)) %}", /D1012|D1011/],
  ["{% $match('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', /(a+)+$/) %}", /may backtrack catastrophically/],
  ["{% $count([1..100000000]) %}", /D2014|D1012/],
];

test("failures are QueryError (States.QueryEvaluationError), runaway expressions are stopped", async () => {
  for (const [expr, message] of BAD) {
    const started = Date.now();
    await assert.rejects(evaluate(expr, b), (e: unknown) => e instanceof QueryError && message.test((e as Error).message), expr);
    assert.ok(Date.now() - started < 5000, `${expr} is stopped`);
  }
});

test("templates: nested expressions, undefined fields left out, other values kept", async () => {
  assert.deepEqual(await evaluateTemplate({ a: "{% $states.input.a %}", n: [1, "{% $total %}", "{% $nothing %}"], gone: "{% $nothing %}", lit: "plain", x: null }, b),
    { a: 2, n: [1, 10, null], lit: "plain", x: null });
  assert.equal(isExpression("{% 1 %}"), true);
  assert.equal(isExpression(" {% 1 %}"), false);
  assert.equal(compileProblem("{% $states.input. %}") !== undefined, true);
  assert.equal(compileProblem("{% 1 + 1 %}"), undefined);
});

test("the backtracking guard refuses quantified groups that hold a quantifier or |, and is itself linear", () => {
  for (const p of ["(a+)+$", "(a|aa)*b", "((a)+)+", "(?:x*){2,}", "(a[)]+)+"]) assert.equal(nestedQuantifier(p), true, p);
  for (const p of ["(ab)+", "(a+)?", "\\(a+\\)+", "[(a+)+]", "(\\d{3})-(\\d+)", "^a+b*$"]) assert.equal(nestedQuantifier(p), false, p);
  // A pattern built to make a regex-based guard backtrack (cubic there): one pass here.
  const started = Date.now();
  assert.equal(nestedQuantifier("(".repeat(100_000) + "+".repeat(100_000)), false);
  assert.equal(nestedQuantifier("(".repeat(100_000) + "|".repeat(100_000)), false);
  assert.ok(Date.now() - started < 5_000, "a hang guard, not a speed target");
});
