// Filter policy matching and validation, case by case from the SNS developer guide's operator pages
// ("Filter policy matching": exact, anything-but, numeric, prefix, suffix, equals-ignore-case, IP address,
// key matching, OR logic; "Filter policy constraints").
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkFilterPolicy, compileStoredFilterPolicy, matchesAttributes, matchesBody, PatternError, type AttributeValue } from "./filter-policy.ts";

const S = (v: string): AttributeValue => ({ DataType: "String", StringValue: v });
const N = (v: string): AttributeValue => ({ DataType: "Number", StringValue: v });
const A = (v: unknown[]): AttributeValue => ({ DataType: "String.Array", StringValue: JSON.stringify(v) });
const B = (): AttributeValue => ({ DataType: "Binary", BinaryValue: Buffer.from("x") });

function attrs(policy: object, a: Record<string, AttributeValue> | undefined): boolean {
  return matchesAttributes(checkFilterPolicy(JSON.stringify(policy), "MessageAttributes"), a);
}
function body(policy: object, b: unknown): boolean {
  return matchesBody(checkFilterPolicy(JSON.stringify(policy), "MessageBody"), typeof b === "string" ? b : JSON.stringify(b));
}
function rejects(policy: string, message: string | RegExp, scope: "MessageAttributes" | "MessageBody" = "MessageAttributes"): void {
  assert.throws(() => checkFilterPolicy(policy, scope), (e: unknown) => {
    assert.ok(e instanceof PatternError);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

describe("exact matching", () => {
  test("strings are case-sensitive and any value in the list matches", () => {
    assert.equal(attrs({ c: ["red", "blue"] }, { c: S("blue") }), true);
    assert.equal(attrs({ c: ["red"] }, { c: S("Red") }), false);
    assert.equal(attrs({ c: ["red"] }, {}), false);
    assert.equal(attrs({ c: ["red"] }, undefined), false);
  });
  test("numbers match Number attributes numerically, not String ones", () => {
    assert.equal(attrs({ n: [5] }, { n: N("5.0") }), true);
    assert.equal(attrs({ n: [5] }, { n: S("5") }), false);
    assert.equal(attrs({ n: ["5"] }, { n: N("5") }), false);
  });
  test("String.Array attributes match when any element matches", () => {
    assert.equal(attrs({ tags: ["b"] }, { tags: A(["a", "b"]) }), true);
    assert.equal(attrs({ tags: ["z"] }, { tags: A(["a", "b"]) }), false);
    assert.equal(attrs({ tags: [1] }, { tags: A([1, 2]) }), true);
  });
  test("Binary attributes are ignored", () => {
    assert.equal(attrs({ b: [{ exists: true }] }, { b: B() }), false);
    assert.equal(attrs({ b: [{ exists: false }] }, { b: B() }), true);
  });
  test("several keys must all match (AND)", () => {
    assert.equal(attrs({ a: ["1"], b: ["2"] }, { a: S("1"), b: S("2") }), true);
    assert.equal(attrs({ a: ["1"], b: ["2"] }, { a: S("1"), b: S("3") }), false);
  });
});

describe("operators", () => {
  test("prefix and suffix, also ignoring case", () => {
    assert.equal(attrs({ k: [{ prefix: "ord" }] }, { k: S("order-1") }), true);
    assert.equal(attrs({ k: [{ prefix: "ord" }] }, { k: S("Order") }), false);
    assert.equal(attrs({ k: [{ suffix: ".png" }] }, { k: S("a.png") }), true);
    assert.equal(attrs({ k: [{ suffix: ".png" }] }, { k: S("a.jpg") }), false);
    assert.equal(attrs({ k: [{ prefix: { "equals-ignore-case": "ORD" } }] }, { k: S("order") }), true);
    assert.equal(attrs({ k: [{ suffix: { "equals-ignore-case": ".PNG" } }] }, { k: S("a.png") }), true);
  });
  test("equals-ignore-case", () => {
    assert.equal(attrs({ k: [{ "equals-ignore-case": "RED" }] }, { k: S("rEd") }), true);
    assert.equal(attrs({ k: [{ "equals-ignore-case": "RED" }] }, { k: S("reds") }), false);
  });
  test("anything-but: values, single value, numbers, prefix, equals-ignore-case", () => {
    assert.equal(attrs({ k: [{ "anything-but": ["a", "b"] }] }, { k: S("c") }), true);
    assert.equal(attrs({ k: [{ "anything-but": ["a", "b"] }] }, { k: S("a") }), false);
    assert.equal(attrs({ k: [{ "anything-but": "a" }] }, { k: S("a") }), false);
    assert.equal(attrs({ k: [{ "anything-but": [100] }] }, { k: N("100") }), false);
    assert.equal(attrs({ k: [{ "anything-but": [100] }] }, { k: N("101") }), true);
    assert.equal(attrs({ k: [{ "anything-but": { prefix: "tmp" } }] }, { k: S("tmp-1") }), false);
    assert.equal(attrs({ k: [{ "anything-but": { prefix: "tmp" } }] }, { k: S("final") }), true);
    assert.equal(attrs({ k: [{ "anything-but": { "equals-ignore-case": ["A"] } }] }, { k: S("a") }), false);
    // A missing attribute does not match anything-but.
    assert.equal(attrs({ k: [{ "anything-but": ["a"] }] }, {}), false);
  });
  test("numeric: =, ranges, open ends", () => {
    assert.equal(attrs({ p: [{ numeric: ["=", 301.5] }] }, { p: N("301.5") }), true);
    assert.equal(attrs({ p: [{ numeric: [">", 0, "<=", 150] }] }, { p: N("150") }), true);
    assert.equal(attrs({ p: [{ numeric: [">", 0, "<=", 150] }] }, { p: N("0") }), false);
    assert.equal(attrs({ p: [{ numeric: [">=", 10] }] }, { p: N("10") }), true);
    assert.equal(attrs({ p: [{ numeric: ["<", 10] }] }, { p: N("10") }), false);
    assert.equal(attrs({ p: [{ numeric: ["<", 10] }] }, { p: S("5") }), false);
  });
  test("exists true/false", () => {
    assert.equal(attrs({ k: [{ exists: true }] }, { k: S("x") }), true);
    assert.equal(attrs({ k: [{ exists: true }] }, {}), false);
    assert.equal(attrs({ k: [{ exists: false }] }, {}), true);
    assert.equal(attrs({ k: [{ exists: false }] }, { k: S("x") }), false);
  });
  test("cidr for IPv4 and IPv6", () => {
    assert.equal(attrs({ ip: [{ cidr: "10.0.0.0/24" }] }, { ip: S("10.0.0.255") }), true);
    assert.equal(attrs({ ip: [{ cidr: "10.0.0.0/24" }] }, { ip: S("10.0.1.0") }), false);
    assert.equal(attrs({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: S("2001:db8:1::5") }), true);
    assert.equal(attrs({ ip: [{ cidr: "2001:db8::/32" }] }, { ip: S("2001:db9::1") }), false);
    assert.equal(attrs({ ip: [{ cidr: "10.0.0.0/8" }] }, { ip: S("not an ip") }), false);
  });
  test("wildcard", () => {
    assert.equal(attrs({ k: [{ wildcard: "img-*.png" }] }, { k: S("img-1.png") }), true);
    assert.equal(attrs({ k: [{ wildcard: "img-*.png" }] }, { k: S("img-1.jpg") }), false);
    assert.equal(attrs({ k: [{ wildcard: "a.b" }] }, { k: S("axb") }), false);
  });
  test("$or at the top and nested", () => {
    const p = { $or: [{ a: ["1"] }, { b: ["2"] }] };
    assert.equal(attrs(p, { a: S("1") }), true);
    assert.equal(attrs(p, { b: S("2") }), true);
    assert.equal(attrs(p, { a: S("2") }), false);
    const q = { c: ["x"], $or: [{ a: ["1"] }, { b: [{ numeric: [">", 5] }] }] };
    assert.equal(attrs(q, { c: S("x"), b: N("6") }), true);
    assert.equal(attrs(q, { c: S("y"), b: N("6") }), false);
  });
});

describe("message body scope", () => {
  test("nested keys, arrays in the payload, non-JSON bodies", () => {
    const p = { store: ["example_corp"], order: { type: ["pickup"], total: [{ numeric: [">", 100] }] } };
    assert.equal(body(p, { store: "example_corp", order: { type: "pickup", total: 150 } }), true);
    assert.equal(body(p, { store: "example_corp", order: { type: "delivery", total: 150 } }), false);
    assert.equal(body({ items: { sku: ["b"] } }, { items: [{ sku: "a" }, { sku: "b" }] }), true);
    assert.equal(body({ tags: ["x"] }, { tags: ["w", "x"] }), true);
    assert.equal(body({ a: ["1"] }, "plain text"), false);
    assert.equal(body({ a: ["1"] }, "[1,2]"), false);
    assert.equal(body({ a: { b: [{ exists: false }] } }, { c: 1 }), true);
    assert.equal(body({ flag: [true], none: [null] }, { flag: true, none: null }), true);
    assert.equal(body({ $or: [{ a: { b: ["1"] } }, { c: ["2"] }] }, { c: "2" }), true);
  });
});

describe("validation (AWS errors)", () => {
  test("nested policies are refused for the attribute scope", () => {
    rejects('{"a":{"b":["c"]}}', "Filter policy scope MessageAttributes does not support nested filter policy");
    checkFilterPolicy('{"a":{"b":["c"]}}', "MessageBody");
  });
  test("more than 5 keys", () => {
    rejects(JSON.stringify({ a: ["1"], b: ["1"], c: ["1"], d: ["1"], e: ["1"], f: ["1"] }), "FilterPolicy: Filter policy can not have more than 5 keys");
  });
  test("more than 150 combinations; exactly 150 is fine; $or branches add up", () => {
    const vals = (k: number) => Array.from({ length: k }, (_, i) => `v${i}`);
    checkFilterPolicy(JSON.stringify({ a: vals(10), b: vals(15) }), "MessageAttributes");
    rejects(JSON.stringify({ a: vals(10), b: vals(16) }), "FilterPolicy: Filter policy is too complex");
    rejects(JSON.stringify({ $or: [{ a: vals(100) }, { b: vals(51) }] }), "FilterPolicy: Filter policy is too complex");
  });
  test("malformed policies and operators", () => {
    rejects("not json", /^FilterPolicy: failed to parse JSON/);
    rejects("[1]", "FilterPolicy: Filter policy must be a JSON object");
    rejects('{"a":[]}', "FilterPolicy: Empty arrays are not allowed");
    rejects('{"a":"x"}', "FilterPolicy: \"a\" must be an object or an array");
    rejects('{"a":[{"foo":1}]}', "FilterPolicy: Unrecognized match type foo");
    rejects('{"a":[{"prefix":1}]}', "FilterPolicy: prefix match pattern must be a string");
    rejects('{"a":[{"exists":"yes"}]}', "FilterPolicy: exists match pattern must be either true or false.");
    rejects('{"a":[{"numeric":[">","x"]}]}', "FilterPolicy: Value of > must be numeric");
    rejects('{"a":[{"numeric":["!",1]}]}', "FilterPolicy: Unrecognized numeric range operator: !");
    rejects('{"a":[{"numeric":[">",5,"<",1]}]}', "FilterPolicy: Bottom must be less than top");
    rejects('{"a":[{"numeric":["=",1e10]}]}', /Numeric value must be between/);
    rejects('{"a":[{"cidr":"10.0.0.0"}]}', "FilterPolicy: Malformed CIDR, one '/' required");
    rejects('{"a":[{"anything-but":{"foo":"x"}}]}', /Unsupported anything-but pattern/);
    // SNS has no anything-but suffix (AWS-recorded: LocalStack SNS snapshot, error-condition-anything-but-suffix).
    rejects('{"a":[{"anything-but":{"suffix":"x"}}]}', "FilterPolicy: Unsupported anything-but pattern: suffix");
    rejects('{"a":[[1]]}', "FilterPolicy: Match value must be String, number, true, false, or null");
    rejects('{"$or":[{"a":["1"]}]}', /\$or must be an array of at least 2 objects/);
  });
});

describe("stored policies", () => {
  test("a policy refused by today's checks but stored earlier still filters, without the limits", () => {
    const older = JSON.stringify({ k: [{ "anything-but": { suffix: ".tmp" } }], a: Array.from({ length: 200 }, (_, i) => `v${i}`) });
    assert.throws(() => checkFilterPolicy(older, "MessageAttributes"), PatternError);
    const c = compileStoredFilterPolicy(older, "MessageAttributes");
    assert.ok(c);
    assert.equal(matchesAttributes(c, { k: S("a.txt"), a: S("v7") }), true);
    assert.equal(matchesAttributes(c, { k: S("a.tmp"), a: S("v7") }), false);
  });
  test("a policy that does not compile at all gives undefined", () => {
    assert.equal(compileStoredFilterPolicy("not json", "MessageAttributes"), undefined);
    assert.equal(compileStoredFilterPolicy('{"a":[{"nope":1}]}', "MessageAttributes"), undefined);
  });
});

test("utf8Length counts as Buffer.byteLength does (the console bundles this file without Buffer)", async () => {
  const { utf8Length } = await import("./filter-policy.ts");
  for (const s of ["", "abc", "é", "€", "😀", "a😀b", "\ud800", "\udc00x", "\ud800\ud800", "x".repeat(1000)]) {
    assert.equal(utf8Length(s), Buffer.byteLength(s, "utf8"), JSON.stringify(s));
  }
});
