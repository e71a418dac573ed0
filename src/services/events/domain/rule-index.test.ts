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
  { source: ["a", "b"], "detail-type": ["t"] },
  { source: ["a"], "detail-type": ["u", "t"], detail: { n: [2] } },
  { "detail-type": ["u"] },
  { "detail-type": ["u"], source: [{ prefix: "" }] },
  { source: ["c"], "detail-type": [{ prefix: "t" }] },
];
const EVENTS = ["a", "b", "c", "ab", "x", "z"].flatMap((source) =>
  ["t", "u"].flatMap((dt) => [0, 2].map((n) => ({ source, "detail-type": dt, detail: { n } }))));

test("plainSources: only lists of plain strings", () => {
  assert.deepEqual(plainSources(JSON.stringify({ source: ["a", "b", "a"] })), ["a", "b"]);
  assert.equal(plainSources(JSON.stringify({ source: [{ prefix: "a" }] })), undefined);
  assert.equal(plainSources(JSON.stringify({ detail: {} })), undefined);
});

test("the index matches exactly what a full scan matches", () => {
  const rules = PATTERNS.map((p, i) => ({ rule: i, text: JSON.stringify(p), id: i + 100 }));
  const index = new RuleIndex([...rules, { rule: -1, text: "", id: 7 }], undefined, [{ id: 1 }, { id: 2, text: JSON.stringify({ source: ["a"] }) }]);
  assert.equal(index.rule(7), -1);
  assert.equal(index.rule(100), 0);
  assert.deepEqual(index.archivesFor({ source: "a" }), [1, 2]);
  assert.deepEqual(index.archivesFor({ source: "b" }), [1]);
  for (const e of EVENTS) {
    const scan = rules.filter((r) => matchesEvent(compileEventPattern(r.text), e)).map((r) => r.rule);
    assert.deepEqual(index.match(e).sort(), scan.sort(), JSON.stringify(e));
  }
});

test("cost per event stays flat: 10,000 rules by source and detail-type, one candidate per event", () => {
  const rules = Array.from({ length: 10_000 }, (_, i) => ({ rule: i, text: JSON.stringify({ source: [`s${i % 10}`], "detail-type": [`t${i}`] }) }));
  const index = new RuleIndex(rules);
  assert.equal(index.candidates({ source: "s7", "detail-type": "t4567" }), 1);
  assert.deepEqual(index.match({ source: "s7", "detail-type": "t4567" }), [4567]);
  assert.equal(index.candidates({ source: "s7", "detail-type": "t4568" }), 0);
  // Rules naming only a source or only a detail-type are filed under it; the rest are tested always.
  const mixed = new RuleIndex([...rules, { rule: -1, text: JSON.stringify({ source: ["s7"] }) }, { rule: -2, text: JSON.stringify({ "detail-type": ["t4567"] }) },
    { rule: -3, text: JSON.stringify({ detail: { x: [1] } }) }]);
  assert.equal(mixed.candidates({ source: "s7", "detail-type": "t4567" }), 4);
  assert.equal(mixed.candidates({ source: "s1", "detail-type": "t1" }), 2);
});

test("a rule naming only plain sources and detail-types matches from the index alone, without flattening the event", () => {
  const index = new RuleIndex([
    { rule: "pair", text: JSON.stringify({ source: ["s"], "detail-type": ["t"] }) },
    { rule: "source", text: JSON.stringify({ source: ["s"] }) },
    { rule: "type", text: JSON.stringify({ "detail-type": ["t"] }) },
    { rule: "more", text: JSON.stringify({ source: ["s"], "detail-type": ["t"], detail: { n: [1] } }) },
  ]);
  // A detail that cannot be read: only the rule that names a detail field has to look at it.
  const event = { source: "s", "detail-type": "t", get detail(): unknown { throw new Error("flattened"); } };
  assert.throws(() => index.match(event), /flattened/);
  const plain = new RuleIndex([
    { rule: "pair", text: JSON.stringify({ source: ["s"], "detail-type": ["t", "u"] }) },
    { rule: "source", text: JSON.stringify({ source: ["s", "r"] }) },
    { rule: "type", text: JSON.stringify({ "detail-type": ["t"] }) },
    { rule: "other", text: JSON.stringify({ source: ["r"], "detail-type": ["t"] }) },
  ]);
  assert.deepEqual(plain.match(event).sort(), ["pair", "source", "type"]);
  assert.deepEqual(plain.match({ source: "r", "detail-type": "u" }).sort(), ["source"]);
});
