// The source index narrows candidates only: every rule a full scan would match is still matched, once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileEventPattern, matchesEvent } from "../../../patterns/event-pattern.ts";
import { plainSources, RuleIndex } from "./rule-index.ts";

const PATTERNS = [
  { source: ["a"] },
  { source: ["a", "b", "a"] },
  { source: [{ prefix: "a" }] },
  { "detail-type": ["t"] },
  { source: ["b"], detail: { n: [{ numeric: [">", 1] }] } },
  { $or: [{ source: ["c"] }, { "detail-type": ["u"] }] },
  { source: ["x"] },
];
const EVENTS = ["a", "b", "c", "ab", "x", "z"].flatMap((source) =>
  ["t", "u"].flatMap((dt) => [0, 2].map((n) => ({ source, "detail-type": dt, detail: { n } }))));

test("plainSources: only lists of plain strings", () => {
  assert.deepEqual(plainSources(JSON.stringify({ source: ["a", "b", "a"] })), ["a", "b"]);
  assert.equal(plainSources(JSON.stringify({ source: [{ prefix: "a" }] })), undefined);
  assert.equal(plainSources(JSON.stringify({ detail: {} })), undefined);
});

test("the index matches exactly what a full scan matches", () => {
  const rules = PATTERNS.map((p, i) => ({ rule: i, text: JSON.stringify(p) }));
  const index = new RuleIndex(rules);
  for (const e of EVENTS) {
    const scan = rules.filter((r) => matchesEvent(compileEventPattern(r.text), e)).map((r) => r.rule);
    assert.deepEqual(index.match(e).sort(), scan.sort(), JSON.stringify(e));
  }
});
