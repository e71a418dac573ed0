// The JSONPath filter interpreter: what it evaluates, and that anything else is refused rather than run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateFilter } from "./filter.ts";

const on = (v: unknown, script: string) => evaluateFilter(script, { _$_v: v });

test("comparisons of like types, && before ||, !, parentheses, existence", () => {
  assert.equal(on({ a: 1 }, "_$_v.a == 1"), true);
  assert.equal(on({ a: 1 }, "_$_v.a == '1'"), false);
  assert.equal(on({ a: "x" }, "_$_v.a < 'y'"), true);
  assert.equal(on({ a: 1 }, "_$_v.a < 'y'"), false);
  assert.equal(on({ a: 1, b: 2 }, "_$_v.a == 2 && _$_v.b == 2 || _$_v.b == 2"), true);
  assert.equal(on({ a: 1, b: 2 }, "_$_v.a == 2 && (_$_v.b == 2 || _$_v.b == 2)"), false);
  assert.equal(on({ a: 1 }, "!(_$_v.a == 2)"), true);
  assert.equal(on({ a: { b: [5, 6] } }, "_$_v.a.b[1] == 6"), true);
  assert.equal(on({ a: { "x y": 1 } }, "_$_v.a['x y'] == 1"), true);
  assert.equal(on({ a: null }, "_$_v.a"), false);
  assert.equal(on({ a: 0 }, "_$_v.a"), true);
  assert.equal(on({}, "_$_v.a"), false);
  assert.equal(on({}, "_$_v.a != 1"), false, "a missing member compares false either way");
});

test("anything outside the grammar is refused, never evaluated", () => {
  for (const script of [
    "_$_v.constructor.constructor('return process')().exit()",
    "process.exit(1)",
    "_$_v.a.toString()",
    "_$_root.a == 1",
    "_$_v.a =~ /x/",
    "_$_v.a = 1",
    "1 + 1",
    "`x`",
  ]) assert.throws(() => on({ a: 1 }, script), /unsupported filter expression/, script);
});
