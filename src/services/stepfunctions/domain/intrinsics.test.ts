// Intrinsic functions, a table: each function's results as the developer guide's examples give them, and the
// wrong-argument cases that raise States.IntrinsicFailure (IntrinsicError here; the step names the state).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Json } from "./definition.ts";
import { evaluateIntrinsic, IntrinsicError, parseIntrinsic } from "./intrinsics.ts";
import { select } from "./paths.ts";

const input: Json = { name: "World", list: [1, 2, 2, 3], obj: { a: 1, b: { c: 2 } }, other: { b: 3 }, s: "a,b;c", n: 7, big: 2147483647 };
const run = (expr: string) => evaluateIntrinsic(expr, (p) => select(p, input, { State: { Name: "S" } }));

const OK: [string, Json][] = [
  ["States.Format('Hello, {}!', $.name)", "Hello, World!"],
  ["States.Format('{} {} {}', 1, true, null)", "1 true null"],
  ["States.Format('\\\\{} is literal, {} is not', $.n)", "{} is literal, 7 is not"],
  ["States.Format('it\\'s {}', $.name)", "it's World"],
  ["States.Format('ctx {}', $$.State.Name)", "ctx S"],
  ["States.StringToJson('{\"a\":[1,2]}')", { a: [1, 2] }],
  ["States.JsonToString($.obj)", '{"a":1,"b":{"c":2}}'],
  ["States.Array(1, 'two', $.n, States.Array())", [1, "two", 7, []]],
  ["States.ArrayPartition($.list, 3)", [[1, 2, 2], [3]]],
  ["States.ArrayContains($.list, 2)", true],
  ["States.ArrayContains(States.Array($.obj), $.obj)", true],
  ["States.ArrayContains($.list, '2')", false],
  ["States.ArrayRange(1, 9, 2)", [1, 3, 5, 7, 9]],
  ["States.ArrayRange(5, 1, -2)", [5, 3, 1]],
  ["States.ArrayGetItem($.list, 3)", 3],
  ["States.ArrayLength($.list)", 4],
  ["States.ArrayUnique($.list)", [1, 2, 3]],
  ["States.Base64Encode('Data to encode')", "RGF0YSB0byBlbmNvZGU="],
  ["States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "Data to encode"],
  ["States.Hash('input data', 'SHA-1')", "aaff4a450a104cd177d28d18d74485e8cae074b7"],
  ["States.Hash('', 'MD5')", "d41d8cd98f00b204e9800998ecf8427e"],
  ["States.JsonMerge($.obj, $.other, false)", { a: 1, b: 3 }],
  ["States.MathAdd($.n, -20)", -13],
  ["States.MathRandom(1, 2)", 1],
  ["States.StringSplit($.s, ',;')", ["a", "b", "c"]],
  ["States.StringSplit('1,2,3,4,5', ',')", ["1", "2", "3", "4", "5"]],
  ["States.ArrayLength(States.StringSplit(States.UUID(), '-'))", 5],
];

test("intrinsic functions give the documented results", () => {
  for (const [expr, expected] of OK) assert.deepEqual(run(expr), expected, expr);
  // A seed makes MathRandom repeatable.
  assert.equal(run("States.MathRandom(1, 1000, 42)"), run("States.MathRandom(1, 1000, 42)"));
  assert.match(run("States.UUID()") as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

const BAD: [string, RegExp][] = [
  ["States.Format('{} and {}', $.n)", /more placeholders than arguments/],
  ["States.Format('{}', $.n, $.n)", /does not match the number of placeholders/],
  ["States.Format('{}', $.obj)", /must be a string, number, boolean or null/],
  ["States.StringToJson('{bad')", /is not valid JSON/],
  ["States.StringToJson($.n)", /must be a string/],
  ["States.ArrayPartition($.list, 0)", /chunk size must be greater than 0/],
  ["States.ArrayPartition($.obj, 2)", /must be an array/],
  ["States.ArrayRange(1, 2, 0)", /step must not be 0/],
  ["States.ArrayRange(0, 1000, 1)", /more than 1000 elements/],
  ["States.ArrayRange(1.5, 3, 1)", /must be an integer/],
  ["States.ArrayGetItem($.list, 4)", /out of bounds/],
  ["States.ArrayGetItem($.list, -1)", /out of bounds/],
  ["States.ArrayLength($.n)", /must be an array/],
  ["States.Base64Decode('***')", /not valid base64/],
  ["States.Hash($.name, 'SHA-3')", /is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512/],
  ["States.JsonMerge($.obj, $.other, true)", /deep merging is not supported/],
  ["States.JsonMerge($.list, $.other, false)", /must be a JSON object/],
  ["States.MathAdd($.big, 'x')", /must be an integer/],
  ["States.MathAdd(2147483648, 1)", /out of the integer range/],
  ["States.MathRandom(5, 5)", /end must be greater than start/],
  ["States.StringSplit($.list, ',')", /must be a string/],
];

test("wrong arguments raise IntrinsicError (States.IntrinsicFailure)", () => {
  for (const [expr, message] of BAD) assert.throws(() => run(expr), (e: unknown) => e instanceof IntrinsicError && message.test((e as Error).message), expr);
});

test("malformed calls are refused by the parser (validation answers SCHEMA_VALIDATION_FAILED)", () => {
  for (const expr of ["States.Nope(1)", "States.Format(", "States.Format('x') extra", "States.ArrayLength()", "States.UUID(1)", "States.Format('x', @)", "States.Format('unterminated)"]) {
    assert.throws(() => parseIntrinsic(expr), IntrinsicError, expr);
  }
  // Nesting is bounded: a deeply nested call is refused rather than overflowing the stack.
  const deep = `${"States.Array(".repeat(100)}1${")".repeat(100)}`;
  assert.throws(() => parseIntrinsic(deep), /nested too deeply/);
});
