import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateRule, parseRule, ruleAlarms } from "./composite.ts";
import type { AlarmState } from "../store.ts";

const parse = (r: string) => parseRule(r, "123456789012", "us-east-1");
const states: Record<string, AlarmState> = { a: "ALARM", b: "OK", c: "INSUFFICIENT_DATA", "my alarm": "ALARM" };
const ev = (r: string) => evaluateRule(parse(r), (n) => states[n]);

test("functions, constants, quoting and ARNs", () => {
  assert.equal(ev("ALARM(a)"), true);
  assert.equal(ev('OK("b")'), true);
  assert.equal(ev("INSUFFICIENT_DATA(c)"), true);
  assert.equal(ev("ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:a)"), true);
  assert.equal(ev('ALARM("my alarm")'), true);
  assert.equal(ev("TRUE"), true);
  assert.equal(ev("FALSE"), false);
  assert.equal(ev("ALARM(missing)"), false);
  assert.equal(ev("INSUFFICIENT_DATA(missing)"), true);
});

test("AND binds tighter than OR; NOT and parentheses", () => {
  assert.equal(ev("ALARM(b) AND ALARM(a) OR TRUE"), true);
  assert.equal(ev("ALARM(b) AND (ALARM(a) OR TRUE)"), false);
  assert.equal(ev("NOT ALARM(b) AND NOT OK(a)"), true);
  assert.equal(ev("NOT (ALARM(a) OR OK(b))"), false);
  assert.equal(ev("(((ALARM(a))))"), true);
});

test("children in order, once each", () => {
  assert.deepEqual(ruleAlarms(parse("ALARM(b) OR (OK(a) AND NOT ALARM(b)) OR ALARM(arn:aws:cloudwatch:us-east-1:123456789012:alarm:c)")), ["b", "a", "c"]);
});

test("syntax errors and other accounts' alarms are refused", () => {
  for (const r of ["", "ALARM", "ALARM(a", "ALARM(a) AND", "AND ALARM(a)", "alarm(a)", "ALARM(a) ALARM(b)", "(ALARM(a)", 'ALARM("a)', "ALARM(arn:aws:cloudwatch:eu-west-1:123456789012:alarm:a)"]) {
    assert.throws(() => parse(r), Error, r);
  }
  assert.throws(() => parse(`${"NOT ".repeat(200)}TRUE`), /nesting/);
});
