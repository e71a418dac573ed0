// Every event-pattern operator EventBridge documents ("Comparison operators for use in event patterns", "Content
// filtering in event patterns", "Arrays in event patterns", "Matching null values and empty strings"), one row per
// case, against one event: exact values and arrays, null, booleans, numbers compared as numbers, prefix/suffix and
// their equals-ignore-case forms, equals-ignore-case, anything-but with values/prefix/suffix/wildcard/
// equals-ignore-case, numeric ranges, exists, cidr (IPv4 and IPv6), wildcard and $or, then refusals with AWS's
// InvalidEventPatternException messages (as recorded against AWS in LocalStack's events snapshots, and the rule
// compiler AWS publishes, aws/event-ruler). Together with event-pattern.test.ts: well over 150 cases. Each row also
// runs through the linear-time guarantee: the whole table matches in a few milliseconds.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileEventPattern, matchesEvent, PatternError } from "./event-pattern.ts";

const EVENT = {
  version: "0",
  id: "e-1",
  "detail-type": "Order Placed",
  source: "com.shop",
  account: "123456789012",
  time: "2026-05-17T08:30:15Z",
  region: "eu-west-1",
  resources: ["arn:aws:s3:::bucket-a", "arn:aws:s3:::bucket-b"],
  detail: {
    id: "ORD-0042",
    total: 300,
    fraction: 0.25,
    negative: -12,
    big: 4.9e9,
    zero: 0,
    flag: true,
    off: false,
    none: null,
    empty: "",
    file: "Report.PDF",
    items: [{ sku: "a-1", qty: 2 }, { sku: "b-2", qty: 5 }],
    tags: ["red", "Blue", "green"],
    numbers: [1, 20, 300],
    ip: "192.168.1.77",
    ip6: "2001:db8::ff00:42:8329",
    nested: { deep: { value: "x" } },
    "dotted.key": "dk",
    customer: { tier: "gold", country: "NL" },
  },
};

type Row = [name: string, pattern: object, expected: boolean];
const d = (detail: object) => ({ detail });

const rows: Row[] = [
  // Exact values and arrays.
  ["exact string", d({ id: ["ORD-0042"] }), true],
  ["exact string, one of several", d({ id: ["x", "ORD-0042"] }), true],
  ["exact string is case-sensitive", d({ id: ["ord-0042"] }), false],
  ["exact string vs a number field", d({ total: ["300"] }), false],
  ["top-level field", { source: ["com.shop"] }, true],
  ["top-level field, other value", { source: ["com.other"] }, false],
  ["event array: any element", { resources: ["arn:aws:s3:::bucket-b"] }, true],
  ["event array: no element", { resources: ["arn:aws:s3:::bucket-c"] }, false],
  ["array of objects flattened", d({ items: { sku: ["b-2"] } }), true],
  ["array of objects, number", d({ items: { qty: [5] } }), true],
  ["array of objects, missing value", d({ items: { sku: ["c-3"] } }), false],
  ["missing field", d({ absent: ["x"] }), false],
  ["nested objects", d({ nested: { deep: { value: ["x"] } } }), true],
  ["nested objects, wrong value", d({ nested: { deep: { value: ["y"] } } }), false],
  ["several fields: AND", d({ id: ["ORD-0042"], total: [300] }), true],
  ["several fields: one fails", d({ id: ["ORD-0042"], total: [301] }), false],
  ["dotted event key", d({ dotted: { key: ["dk"] } }), true],
  // null, empty string, booleans.
  ["null matches null", d({ none: [null] }), true],
  ["null does not match a missing field", d({ absent: [null] }), false],
  ["null does not match an empty string", d({ empty: [null] }), false],
  ["empty string matches empty string", d({ empty: [""] }), true],
  ["empty string does not match null", d({ none: [""] }), false],
  ["true", d({ flag: [true] }), true],
  ["false", d({ off: [false] }), true],
  ["true vs false", d({ off: [true] }), false],
  ["boolean vs the string 'true'", d({ flag: ["true"] }), false],
  // Numbers compared as numbers.
  ["integer", d({ total: [300] }), true],
  ["300.0 equals 300", d({ total: [300.0] }), true],
  ["3.0e2 equals 300", d({ total: [3.0e2] }), true],
  ["fraction", d({ fraction: [0.25] }), true],
  ["negative", d({ negative: [-12] }), true],
  ["zero", d({ zero: [0] }), true],
  ["number in an event array", d({ numbers: [20] }), true],
  ["number not in an event array", d({ numbers: [21] }), false],
  ["number vs a string field", d({ id: [42] }), false],
  // prefix, suffix and their equals-ignore-case forms.
  ["prefix", d({ id: [{ prefix: "ORD-" }] }), true],
  ["prefix, no match", d({ id: [{ prefix: "INV-" }] }), false],
  ["prefix is case-sensitive", d({ id: [{ prefix: "ord-" }] }), false],
  ["empty prefix matches any string", d({ id: [{ prefix: "" }] }), true],
  ["prefix on a number", d({ total: [{ prefix: "3" }] }), false],
  ["prefix on an event array", d({ tags: [{ prefix: "gr" }] }), true],
  ["prefix equals-ignore-case", d({ id: [{ prefix: { "equals-ignore-case": "ord-" } }] }), true],
  ["prefix equals-ignore-case, no match", d({ id: [{ prefix: { "equals-ignore-case": "inv" } }] }), false],
  ["suffix", d({ file: [{ suffix: ".PDF" }] }), true],
  ["suffix is case-sensitive", d({ file: [{ suffix: ".pdf" }] }), false],
  ["suffix equals-ignore-case", d({ file: [{ suffix: { "equals-ignore-case": ".pdf" } }] }), true],
  ["suffix equals-ignore-case, no match", d({ file: [{ suffix: { "equals-ignore-case": ".png" } }] }), false],
  ["suffix on a number", d({ total: [{ suffix: "0" }] }), false],
  // equals-ignore-case.
  ["equals-ignore-case", d({ tags: [{ "equals-ignore-case": "BLUE" }] }), true],
  ["equals-ignore-case, top level", { "detail-type": [{ "equals-ignore-case": "order placed" }] }, true],
  ["equals-ignore-case, other text", d({ tags: [{ "equals-ignore-case": "yellow" }] }), false],
  ["equals-ignore-case on a number", d({ total: [{ "equals-ignore-case": "300" }] }), false],
  // anything-but.
  ["anything-but a string", d({ id: [{ "anything-but": "x" }] }), true],
  ["anything-but the value", d({ id: [{ "anything-but": "ORD-0042" }] }), false],
  ["anything-but a list of strings", d({ id: [{ "anything-but": ["x", "y"] }] }), true],
  ["anything-but a list holding the value", d({ id: [{ "anything-but": ["x", "ORD-0042"] }] }), false],
  ["anything-but a number", d({ total: [{ "anything-but": 100 }] }), true],
  ["anything-but the number", d({ total: [{ "anything-but": 300 }] }), false],
  ["anything-but numbers", d({ total: [{ "anything-but": [100, 200, 300] }] }), false],
  ["anything-but on a missing field", d({ absent: [{ "anything-but": "x" }] }), false],
  ["anything-but matches null", d({ none: [{ "anything-but": "x" }] }), true],
  ["anything-but on an array: some element differs", d({ tags: [{ "anything-but": "red" }] }), true],
  ["anything-but prefix", d({ id: [{ "anything-but": { prefix: "INV" } }] }), true],
  ["anything-but prefix, excluded", d({ id: [{ "anything-but": { prefix: "ORD" } }] }), false],
  ["anything-but suffix", d({ file: [{ "anything-but": { suffix: ".png" } }] }), true],
  ["anything-but suffix, excluded", d({ file: [{ "anything-but": { suffix: ".PDF" } }] }), false],
  ["anything-but wildcard", d({ id: [{ "anything-but": { wildcard: "INV-*" } }] }), true],
  ["anything-but wildcard, excluded", d({ id: [{ "anything-but": { wildcard: "ORD-*2" } }] }), false],
  ["anything-but wildcard list", d({ id: [{ "anything-but": { wildcard: ["A*", "B*"] } }] }), true],
  ["anything-but equals-ignore-case", d({ id: [{ "anything-but": { "equals-ignore-case": "inv-1" } }] }), true],
  ["anything-but equals-ignore-case, excluded", d({ id: [{ "anything-but": { "equals-ignore-case": "ord-0042" } }] }), false],
  ["anything-but equals-ignore-case list, excluded", d({ id: [{ "anything-but": { "equals-ignore-case": ["x", "ORD-0042"] } }] }), false],
  // Numeric ranges.
  ["numeric =", d({ total: [{ numeric: ["=", 300] }] }), true],
  ["numeric = 300.0", d({ total: [{ numeric: ["=", 300.0] }] }), true],
  ["numeric >", d({ total: [{ numeric: [">", 299] }] }), true],
  ["numeric > itself", d({ total: [{ numeric: [">", 300] }] }), false],
  ["numeric >= itself", d({ total: [{ numeric: [">=", 300] }] }), true],
  ["numeric <", d({ total: [{ numeric: ["<", 301] }] }), true],
  ["numeric <= itself", d({ total: [{ numeric: ["<=", 300] }] }), true],
  ["numeric < itself", d({ total: [{ numeric: ["<", 300] }] }), false],
  ["numeric range inside", d({ total: [{ numeric: [">", 0, "<=", 300] }] }), true],
  ["numeric range below", d({ total: [{ numeric: [">", 300, "<", 400] }] }), false],
  ["numeric range with fractions", d({ fraction: [{ numeric: [">=", 0.2, "<", 0.3] }] }), true],
  ["numeric negative range", d({ negative: [{ numeric: [">", -20, "<", -10] }] }), true],
  ["numeric near the bound", d({ big: [{ numeric: [">", 4.8e9] }] }), true],
  ["numeric on a string", d({ id: [{ numeric: [">", 0] }] }), false],
  ["numeric on an event array", d({ numbers: [{ numeric: [">", 250] }] }), true],
  ["numeric on an array of objects", d({ items: { qty: [{ numeric: [">", 4] }] } }), true],
  ["numeric OR an exact value", d({ total: [{ numeric: ["<", 10] }, 300] }), true],
  // exists.
  ["exists true", d({ id: [{ exists: true }] }), true],
  ["exists true on null", d({ none: [{ exists: true }] }), true],
  ["exists true, missing", d({ absent: [{ exists: true }] }), false],
  ["exists false, missing", d({ absent: [{ exists: false }] }), true],
  ["exists false, present", d({ id: [{ exists: false }] }), false],
  ["exists true on an object: not a leaf", d({ customer: [{ exists: true }] }), false],
  ["exists false on an object", d({ customer: [{ exists: false }] }), true],
  ["exists under an array of objects", d({ items: { sku: [{ exists: true }] } }), true],
  // cidr.
  ["cidr v4", d({ ip: [{ cidr: "192.168.1.0/24" }] }), true],
  ["cidr v4 outside", d({ ip: [{ cidr: "192.168.2.0/24" }] }), false],
  ["cidr v4 /32", d({ ip: [{ cidr: "192.168.1.77/32" }] }), true],
  ["cidr v4 /0", d({ ip: [{ cidr: "0.0.0.0/0" }] }), true],
  ["cidr v4 /16 with host bits set", d({ ip: [{ cidr: "192.168.200.1/16" }] }), true],
  ["cidr v6", d({ ip6: [{ cidr: "2001:db8::/32" }] }), true],
  ["cidr v6 outside", d({ ip6: [{ cidr: "2001:db9::/32" }] }), false],
  ["cidr v6 /128", d({ ip6: [{ cidr: "2001:0db8:0000:0000:0000:ff00:0042:8329/128" }] }), true],
  ["cidr v4 range on a v6 address", d({ ip6: [{ cidr: "10.0.0.0/8" }] }), false],
  ["cidr on a non-address", d({ id: [{ cidr: "10.0.0.0/8" }] }), false],
  // wildcard.
  ["wildcard prefix", d({ id: [{ wildcard: "ORD-*" }] }), true],
  ["wildcard suffix", d({ file: [{ wildcard: "*.PDF" }] }), true],
  ["wildcard middle", d({ id: [{ wildcard: "O*-*2" }] }), true],
  ["wildcard several stars", d({ id: [{ wildcard: "*R*0*4*" }] }), true],
  ["wildcard, order matters", d({ id: [{ wildcard: "*4*R*" }] }), false],
  ["wildcard without stars is exact", d({ id: [{ wildcard: "ORD-0042" }] }), true],
  ["wildcard star alone", d({ empty: [{ wildcard: "*" }] }), true],
  ["wildcard is case-sensitive", d({ file: [{ wildcard: "*.pdf" }] }), false],
  ["wildcard on an event array", { resources: [{ wildcard: "arn:aws:s3:::*-b" }] }, true],
  // $or.
  ["$or: first branch", { $or: [{ source: ["com.shop"] }, { source: ["x"] }] }, true],
  ["$or: second branch", { $or: [{ source: ["x"] }, d({ total: [{ numeric: [">", 100] }] })] }, true],
  ["$or: no branch", { $or: [{ source: ["x"] }, { region: ["y"] }] }, false],
  ["$or inside detail", d({ $or: [{ flag: [false] }, { customer: { tier: ["gold"] } }] }), true],
  ["$or AND another field", { source: ["com.shop"], $or: [{ region: ["x"] }, { account: ["123456789012"] }] }, true],
  ["$or AND another field that fails", { source: ["x"], $or: [{ region: ["eu-west-1"] }, { account: ["1"] }] }, false],
  ["$or of exists false and a value", d({ $or: [{ absent: [{ exists: false }] }, { id: ["x"] }] }), true],
  ["two $or in one pattern (different levels)", { $or: [{ source: ["com.shop"] }, { source: ["y"] }], detail: { $or: [{ zero: [0] }, { zero: [1] }] } }, true],
];

describe("event-pattern operators: matches", () => {
  for (const [name, pattern, expected] of rows) {
    test(name, () => assert.equal(matchesEvent(compileEventPattern(JSON.stringify(pattern)), EVENT), expected));
  }
});

const R = "Event pattern is not valid. Reason: ";
const refusals: [name: string, pattern: string, message: string][] = [
  ["an empty object value", '{"detail": {}}', `${R}Empty objects are not allowed`],
  ["a boolean value", '{"flag": true}', `${R}"flag" must be an object or an array`],
  ["null as a value", '{"none": null}', `${R}"none" must be an object or an array`],
  ["an unknown operator", '{"a": [{"foo": 1}]}', `${R}Unrecognized match type foo`],
  ["two operators in one object", '{"a": [{"prefix": "x", "suffix": "y"}]}', `${R}Only one key allowed in match expression`],
  ["exists with a string", '{"a": [{"exists": "true"}]}', `${R}exists match pattern must be either true or false.`],
  ["numeric: an empty list", '{"a": [{"numeric": []}]}', `${R}Invalid member in numeric match: ]`],
  ["numeric: an unknown operator", '{"a": [{"numeric": ["!=", 1]}]}', `${R}Unrecognized numeric range operator: !=`],
  ["numeric: a string value", '{"a": [{"numeric": ["=", "5"]}]}', `${R}Value of equals must be numeric`],
  ["numeric: range upside down", '{"a": [{"numeric": [">", 5, "<", 1]}]}', `${R}Bottom must be less than top`],
  ["numeric: two upper bounds", '{"a": [{"numeric": ["<", 5, "<", 6]}]}', `${R}Too many elements in numeric expression`],
  ["numeric: too many terms", '{"a": [{"numeric": [">", 0, "<", 5, "<", 6]}]}', `${R}Too many terms in numeric range expression`],
  ["numeric: below -5e9", '{"a": [{"numeric": ["<", -6e9]}]}', `${R}Value must be between -5.0E9 and 5.0E9, inclusive`],
  ["anything-but: an empty list", '{"a": [{"anything-but": []}]}', `${R}Empty arrays are not allowed`],
  ["anything-but: a boolean", '{"a": [{"anything-but": true}]}', `${R}Value of anything-but must be an array or single string/number value.`],
  ["anything-but: a boolean in a list", '{"a": [{"anything-but": ["x", true]}]}', `${R}Inside anything but list, start|null|boolean is not supported.`],
  ["anything-but: unknown inner operator", '{"a": [{"anything-but": {"numeric": [">", 1]}}]}', `${R}Unsupported anything-but pattern: numeric`],
  ["anything-but: two inner operators", '{"a": [{"anything-but": {"prefix": "a", "suffix": "b"}}]}', `${R}Value of anything-but must be an array or single string/number value.`],
  ["wildcard: two stars", '{"a": [{"wildcard": "a**b"}]}', `${R}Consecutive wildcard characters at pos 2`],
  ["wildcard: bad escape", '{"a": [{"wildcard": "a\\\\b"}]}', `${R}Invalid escape character at pos 1`],
  ["cidr: v4 mask over 32", '{"a": [{"cidr": "10.0.0.0/33"}]}', `${R}Nonstandard IP address: 10.0.0.0`],
  ["cidr: bad v6", '{"a": [{"cidr": "2001:db8:::1/64"}]}', `${R}Nonstandard IP address: 2001:db8:::1`],
  ["equals-ignore-case: a number", '{"a": [{"equals-ignore-case": 5}]}', `${R}equals-ignore-case match pattern must be a string`],
  ["suffix equals-ignore-case: a number", '{"a": [{"suffix": {"equals-ignore-case": 5}}]}', `${R}suffix match pattern must be a string`],
  ["$or: an empty list", '{"$or": []}', `${R}There must have at least 2 Objects in $or relationship.`],
  ["a match value that is a list", '{"a": [["x"]]}', `${R}Match value must be String, number, true, false, or null`],
  ["JSON cut short", '{"a": [', `${R}Unexpected end-of-input`],
];

describe("event-pattern operators: refusals (InvalidEventPatternException)", () => {
  for (const [name, pattern, message] of refusals) {
    test(name, () => {
      assert.throws(() => compileEventPattern(pattern), (e: unknown) => {
        assert.ok(e instanceof PatternError);
        assert.equal(e.code, "InvalidEventPatternException");
        assert.equal(e.message, message);
        return true;
      });
    });
  }
  test("this table has at least 150 cases", () => assert.ok(rows.length + refusals.length >= 150, String(rows.length + refusals.length)));
});

test("linear time: the whole table, and a 7-star wildcard against 100,000 characters, match at once", () => {
  const t0 = performance.now();
  for (const [, pattern] of rows) matchesEvent(compileEventPattern(JSON.stringify(pattern)), EVENT);
  const p = compileEventPattern(JSON.stringify(d({ k: [{ wildcard: "*a*a*a*a*a*a*a*b" }, { "anything-but": { wildcard: "*a*a*a*a*a*a*a*b" } }] })));
  assert.equal(matchesEvent(p, { detail: { k: "a".repeat(100_000) } }), true);
  assert.ok(performance.now() - t0 < 500, `${performance.now() - t0} ms`);
});
