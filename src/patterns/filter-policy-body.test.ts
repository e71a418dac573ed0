// Filter policies on the message body (FilterPolicyScope MessageBody), one row per case. The body is the SNS
// developer guide's payload example ("Amazon SNS message filtering" → "Payload-based filtering" and the operator
// pages, which show each policy against the message body as well as against attributes), with a nested part in
// the shape of the guide's nested example. Each expected answer is the guide's, or follows from the rule it states.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkFilterPolicy, matchesBody, PatternError } from "./filter-policy.ts";

const DOC = {
  store: "example_corp",
  event: "order_placed",
  customer_interests: ["soccer", "rugby", "hockey"],
  price_usd: 210.75,
  encrypted: false,
  coupon: null,
  order: {
    id: "ord-1234",
    status: "completed",
    total: 150,
    shipping: { method: "express", country: "DE", address: { city: "Berlin", zip: "10115" } },
    items: [
      { sku: "A-1", qty: 2, tags: ["new", "sale"] },
      { sku: "B-2", qty: 1, tags: ["gift"] },
    ],
  },
  source_ip: "10.0.0.255",
};

type Row = [name: string, policy: object, expected: boolean, body?: unknown];

const rows: Row[] = [
  // Exact and AND/OR on top-level properties.
  ["exact top-level value", { store: ["example_corp"] }, true],
  ["exact top-level, no match", { store: ["other"] }, false],
  ["case-sensitive", { store: ["EXAMPLE_CORP"] }, false],
  ["list element matches", { customer_interests: ["rugby"] }, true],
  ["list element, several values", { customer_interests: ["rugby", "football", "baseball"] }, true],
  ["list element, none", { customer_interests: ["golf"] }, false],
  ["number equal", { price_usd: [210.75] }, true],
  ["number written differently", { price_usd: [2.1075e2] }, true],
  ["number vs string", { price_usd: ["210.75"] }, false],
  ["string vs number", { store: [0] }, false],
  ["boolean false", { encrypted: [false] }, true],
  ["boolean true does not match false", { encrypted: [true] }, false],
  ["null value", { coupon: [null] }, true],
  ["null does not match a string", { store: [null] }, false],
  ["missing property", { color: ["red"] }, false],
  ["two keys both match", { store: ["example_corp"], event: ["order_placed"] }, true],
  ["two keys, one fails", { store: ["example_corp"], event: ["order_cancelled"] }, false],
  // Nested properties ("Payload-based filtering": nested objects in the policy mirror the body).
  ["nested one level", { order: { status: ["completed"] } }, true],
  ["nested one level, no match", { order: { status: ["pending"] } }, false],
  ["nested two levels", { order: { shipping: { method: ["express"] } } }, true],
  ["nested three levels", { order: { shipping: { address: { city: ["Berlin"] } } } }, true],
  ["nested three levels, no match", { order: { shipping: { address: { city: ["Paris"] } } } }, false],
  ["nested and top level together", { store: ["example_corp"], order: { status: ["completed"] } }, true],
  ["nested path missing", { order: { refund: { reason: ["x"] } } }, false],
  ["nested under a leaf value", { store: { name: ["example_corp"] } }, false],
  ["list value where an object was expected", { price_usd: { value: [210.75] } }, false],
  ["array of objects: any element", { order: { items: { sku: ["B-2"] } } }, true],
  ["array of objects: none", { order: { items: { sku: ["C-3"] } } }, false],
  ["array of objects: numbers", { order: { items: { qty: [2] } } }, true],
  ["array of objects, array inside", { order: { items: { tags: ["gift"] } } }, true],
  ["array of objects, array inside, none", { order: { items: { tags: ["clearance"] } } }, false],
  ["leaf condition on an object value does not match", { order: ["completed"] }, false],
  // Prefix / suffix / equals-ignore-case.
  ["prefix", { order: { id: [{ prefix: "ord-" }] } }, true],
  ["prefix no match", { order: { id: [{ prefix: "inv-" }] } }, false],
  ["prefix on list element", { customer_interests: [{ prefix: "hock" }] }, true],
  ["prefix on a number never matches", { price_usd: [{ prefix: "2" }] }, false],
  ["prefix ignoring case", { store: [{ prefix: { "equals-ignore-case": "EXAMPLE" } }] }, true],
  ["suffix", { event: [{ suffix: "_placed" }] }, true],
  ["suffix no match", { event: [{ suffix: "_cancelled" }] }, false],
  ["suffix ignoring case", { event: [{ suffix: { "equals-ignore-case": "_PLACED" } }] }, true],
  ["suffix on a nested value", { order: { shipping: { address: { zip: [{ suffix: "115" }] } } } }, true],
  ["equals-ignore-case", { order: { status: [{ "equals-ignore-case": "COMPLETED" }] } }, true],
  ["equals-ignore-case, other word", { order: { status: [{ "equals-ignore-case": "PENDING" }] } }, false],
  ["equals-ignore-case on a boolean never matches", { encrypted: [{ "equals-ignore-case": "false" }] }, false],
  // anything-but.
  ["anything-but a different value", { event: [{ "anything-but": "order_cancelled" }] }, true],
  ["anything-but the value", { event: [{ "anything-but": "order_placed" }] }, false],
  ["anything-but a list", { order: { status: [{ "anything-but": ["pending", "failed"] }] } }, true],
  ["anything-but a list holding the value", { order: { status: [{ "anything-but": ["pending", "completed"] }] } }, false],
  ["anything-but numbers", { order: { total: [{ "anything-but": [100, 200] }] } }, true],
  ["anything-but the number", { order: { total: [{ "anything-but": [150] }] } }, false],
  ["anything-but a prefix", { order: { id: [{ "anything-but": { prefix: "inv-" } }] } }, true],
  ["anything-but the value's prefix", { order: { id: [{ "anything-but": { prefix: "ord-" } }] } }, false],
  ["anything-but a prefix on a nested value", { order: { shipping: { method: [{ "anything-but": { prefix: "std" } }] } } }, true],
  ["anything-but a single string on a nested value", { order: { shipping: { country: [{ "anything-but": "DE" }] } } }, false],
  ["anything-but ignoring case", { store: [{ "anything-but": { "equals-ignore-case": ["EXAMPLE_CORP"] } }] }, false],
  ["anything-but ignoring case, other", { store: [{ "anything-but": { "equals-ignore-case": ["OTHER_CORP"] } }] }, true],
  ["anything-but on a missing property", { color: [{ "anything-but": ["red"] }] }, false],
  ["anything-but on a list: some element differs", { customer_interests: [{ "anything-but": ["rugby"] }] }, true],
  // Numeric.
  ["numeric =", { order: { total: [{ numeric: ["=", 150] }] } }, true],
  ["numeric = other", { order: { total: [{ numeric: ["=", 151] }] } }, false],
  ["numeric range (0, 150]", { order: { total: [{ numeric: [">", 0, "<=", 150] }] } }, true],
  ["numeric range (0, 150)", { order: { total: [{ numeric: [">", 0, "<", 150] }] } }, false],
  ["numeric >= ", { price_usd: [{ numeric: [">=", 100] }] }, true],
  ["numeric <", { price_usd: [{ numeric: ["<", 100] }] }, false],
  ["numeric on a string", { store: [{ numeric: [">", 0] }] }, false],
  ["numeric on array elements", { order: { items: { qty: [{ numeric: [">", 1] }] } } }, true],
  ["numeric on array elements, none", { order: { items: { qty: [{ numeric: [">", 5] }] } } }, false],
  ["numeric on a string of digits", { order: { shipping: { address: { zip: [{ numeric: [">", 0] }] } } } }, false],
  // exists.
  ["exists true", { order: { id: [{ exists: true }] } }, true],
  ["exists true, missing", { order: { refund: [{ exists: true }] } }, false],
  ["exists false, missing", { order: { refund: [{ exists: false }] } }, true],
  ["exists false, present", { order: { id: [{ exists: false }] } }, false],
  ["exists false under a missing parent", { refund: { reason: [{ exists: false }] } }, true],
  ["exists true on a boolean", { encrypted: [{ exists: true }] }, true],
  ["exists true on an object (leaves only)", { order: [{ exists: true }] }, false],
  ["exists true on a list", { customer_interests: [{ exists: true }] }, true],
  ["exists true on an empty list", { tags: [{ exists: true }] }, false, { tags: [] }],
  ["exists false on an empty list", { tags: [{ exists: false }] }, true, { tags: [] }],
  // cidr.
  ["cidr v4", { source_ip: [{ cidr: "10.0.0.0/24" }] }, true],
  ["cidr v4 outside", { source_ip: [{ cidr: "10.0.1.0/24" }] }, false],
  ["cidr v6", { ip: [{ cidr: "2001:db8::/32" }] }, true, { ip: "2001:db8::ff" }],
  ["cidr on a number", { price_usd: [{ cidr: "10.0.0.0/8" }] }, false],
  // wildcard.
  ["wildcard", { order: { id: [{ wildcard: "ord-*" }] } }, true],
  ["wildcard, two stars", { store: [{ wildcard: "*_c*" }] }, true],
  ["wildcard, no match", { store: [{ wildcard: "*_org" }] }, false],
  ["wildcard with no star is exact", { store: [{ wildcard: "example_corp" }] }, true],
  ["wildcard on a list element", { customer_interests: [{ wildcard: "*ck*" }] }, true],
  ["wildcard on a number never matches", { price_usd: [{ wildcard: "*" }] }, false],
  ["seven stars against 1000 a's", { k: [{ wildcard: "*a*a*a*a*a*a*a*b" }] }, false, { k: "a".repeat(1000) }],
  // $or.
  ["$or first branch", { $or: [{ store: ["example_corp"] }, { event: ["x"] }] }, true],
  ["$or second branch", { $or: [{ store: ["x"] }, { order: { status: ["completed"] } }] }, true],
  ["$or none", { $or: [{ store: ["x"] }, { order: { status: ["pending"] } }] }, false],
  ["$or inside a nested object", { order: { $or: [{ status: ["pending"] }, { total: [{ numeric: [">", 100] }] }] } }, true],
  ["$or inside a nested object, none", { order: { $or: [{ status: ["pending"] }, { total: [{ numeric: [">", 200] }] }] } }, false],
  ["$or beside a key", { store: ["example_corp"], $or: [{ encrypted: [true] }, { coupon: [null] }] }, true],
  ["$or beside a failing key", { store: ["x"], $or: [{ encrypted: [false] }, { coupon: [null] }] }, false],
  ["$or in $or", { $or: [{ store: ["x"] }, { $or: [{ event: ["y"] }, { price_usd: [210.75] }], encrypted: [false] }] }, true],
  // Dotted keys: nested keys are joined with dots on both sides (AWS-recorded: LocalStack SNS
  // test_filter_policy_on_message_body_dot_attribute).
  ["a dotted policy key matches nested properties", { "object.nested": ["string.value"] }, true, { object: { nested: "string.value" } }],
  ["a dotted policy key matches a dotted property", { "object.nested": ["string.value"] }, true, { "object.nested": "string.value" }],
  ["a dotted policy key, other value", { "object.nested": ["string.value"] }, false, { object: { nested: "test-auto" } }],
  ["a deeper dotted key against a half-dotted body", { "object.nested.test": ["string.value"] }, true, { object: { "nested.test": "string.value" } }],
  // The S3-records example of the AWS Compute Blog post "Introducing payload-based message filtering for Amazon SNS".
  ["S3 records: created object with the prefix", { Records: { s3: { object: { key: [{ prefix: "auto-" }] } }, eventName: [{ prefix: "ObjectCreated:" }] } }, true,
    { Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { bucket: { name: "insurance-bucket-demo" }, object: { key: "auto-insurance-2314.xml", size: 17 } } }] }],
  ["S3 records: removed object", { Records: { s3: { object: { key: [{ prefix: "auto-" }] } }, eventName: [{ prefix: "ObjectCreated:" }] } }, false,
    { Records: [{ eventSource: "aws:s3", eventName: "ObjectRemoved:Delete", s3: { object: { key: "auto-insurance-2314.xml" } } }] }],
  ["S3 records: another key", { Records: { s3: { object: { key: [{ prefix: "auto-" }] } }, eventName: [{ prefix: "ObjectCreated:" }] } }, false,
    { Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { object: { key: "home-insurance-2314.xml" } } }] }],
  ["S3 records: a list of lists of objects", { Records: { s3: { object: { key: [{ prefix: "auto-" }] } }, eventName: [{ prefix: "ObjectCreated:" }] } }, true,
    { Records: [{ eventName: "ObjectCreated:Put", s3: { object: [[{ key: "auto-insurance-2314.xml", size: 17 }]] } }, { eventName: "ObjectRemoved:Delete", s3: { object: { key: "home-insurance-2314.xml" } } }] }],
  // Bodies that are not JSON objects match nothing ("Payload-based filtering": the payload must be a JSON object).
  ["a plain-text body", { store: ["example_corp"] }, false, "example_corp"],
  ["a JSON array body", { store: ["example_corp"] }, false, [{ store: "example_corp" }]],
  ["a JSON string body", { store: ["example_corp"] }, false, JSON.stringify("example_corp")],
  ["exists false on a non-JSON body still matches nothing", { store: [{ exists: false }] }, false, "not json"],
  ["an empty object body", { store: [{ exists: false }] }, true, {}],
];

describe("filter policy on the message body (SNS guide examples)", () => {
  for (const [name, policy, expected, body] of rows) {
    test(name, () => {
      const compiled = checkFilterPolicy(JSON.stringify(policy), "MessageBody");
      const text = body === undefined ? JSON.stringify(DOC) : typeof body === "string" ? body : JSON.stringify(body);
      assert.equal(matchesBody(compiled, text), expected);
    });
  }
  test("the table has at least 100 rows", () => assert.ok(rows.length >= 100, String(rows.length)));
});

describe("filter policy limits in the body scope", () => {
  const rejects = (policy: string, message: string) =>
    assert.throws(() => checkFilterPolicy(policy, "MessageBody"), (e: unknown) => e instanceof PatternError && e.message === message);
  test("only parent keys count toward the 5 keys (SNS \"Filter policy constraints\", payload-based filtering)", () => {
    checkFilterPolicy(JSON.stringify({ a: { b: ["1"], c: ["1"] }, d: { e: ["1"], f: ["1"], g: ["1"] }, h: ["1"] }), "MessageBody");
    rejects(JSON.stringify({ a: { b: ["1"] }, c: { d: ["1"] }, e: ["1"], f: ["1"], g: ["1"], h: { i: ["1"] } }), "FilterPolicy: Filter policy can not have more than 5 keys");
  });
  test("24 keys each holding a 2-way $or: refused at once, nothing expanded", () => {
    const p = JSON.stringify(Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${i}`, { $or: [{ a: ["1"] }, { b: ["2"] }] }])));
    const t = process.hrtime.bigint();
    rejects(p, "FilterPolicy: Filter policy can not have more than 5 keys");
    assert.ok(process.hrtime.bigint() - t < 50_000_000n);
  });
  test("deep $or chains: depth is bounded, and combinations are counted, not built", () => {
    let p: Record<string, unknown> = { a: ["1", "2"] };
    for (let i = 0; i < 40; i++) p = { $or: [p, { a: ["1", "2"] }] };
    rejects(JSON.stringify(p), "FilterPolicy: Filter policy is nested deeper than 32 levels");
    let q: Record<string, unknown> = { a: ["1", "2"] };
    for (let i = 0; i < 7; i++) q = { $or: [q, q] };
    rejects(JSON.stringify(q), "FilterPolicy: Filter policy is too complex");
  });
  test("nesting deeper than 32 levels is refused before recursing further", () => {
    const deep = "{\"a\":".repeat(5000) + "[1]" + "}".repeat(5000);
    rejects(deep, "FilterPolicy: Filter policy is nested deeper than 32 levels");
  });
  test("a nested leaf counts its values times its depth: exactly 150 is accepted", () => {
    // a.b: 5 values × depth 2 = 10; c: 15 values × depth 1 = 15; the rest 1 each.
    checkFilterPolicy(JSON.stringify({ a: { b: Array.from({ length: 5 }, (_, i) => i) }, c: Array.from({ length: 15 }, (_, i) => `${i}`), d: ["x"], h: [{ exists: true }] }), "MessageBody");
  });
  test("the constraints page's nested example counts 3 x 4 x 2 x 3 x 1 x 3 = 216 and is refused", () => {
    rejects(JSON.stringify({ key_a: { key_b: { key_c: ["value_one", "value_two", "value_three", "value_four"] } }, key_d: { key_e: ["value_one", "value_two", "value_three"] }, key_f: ["value_one", "value_two", "value_three"] }), "FilterPolicy: Filter policy is too complex");
  });
  test("nested $or: (3·4·2)+(3·4·6)+(2·4·2)+(2·4·6) = 160 is refused (AWS-recorded, error-complexity-or-nested)", () => {
    rejects(JSON.stringify({ $or: [{ metricName: ["CPUUtilization", "ReadLatency", "TestValue"] }, { namespace: ["AWS/EC2", "AWS/ES"] }], detail: { scope: ["Service", "Test"], $or: [{ source: ["aws.cloudwatch"] }, { type: ["CloudWatch Alarm State Change", "TestValue", "TestValue2"] }] } }), "FilterPolicy: Filter policy is too complex");
  });
});
