// Filter policies on message attributes (FilterPolicyScope MessageAttributes), one row per case. The message is
// the SNS developer guide's example ("Amazon SNS message filtering" → "Filter policy matching" and its operator
// pages: it carries customer_interests ["soccer","rugby","hockey"], store "example_corp", event "order_placed",
// price_usd 210.75) and each expected answer is the one those pages give for the policy, or follows from the rule
// the page states (named in the row).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkFilterPolicy, matchesAttributes, PatternError, type AttributeValue } from "./filter-policy.ts";

const S = (v: string): AttributeValue => ({ DataType: "String", StringValue: v });
const N = (v: string): AttributeValue => ({ DataType: "Number", StringValue: v });
const A = (v: unknown[]): AttributeValue => ({ DataType: "String.Array", StringValue: JSON.stringify(v) });
const B = (): AttributeValue => ({ DataType: "Binary", BinaryValue: Buffer.from("x") });

// The guide's example message attributes.
const DOC: Record<string, AttributeValue> = {
  customer_interests: A(["soccer", "rugby", "hockey"]),
  store: S("example_corp"),
  event: S("order_placed"),
  price_usd: N("210.75"),
};

type Row = [name: string, policy: object, expected: boolean, attrs?: Record<string, AttributeValue>];

const rows: Row[] = [
  // Exact string matching and OR over values ("Exact matching"; "AND/OR logic").
  ["exact value present", { store: ["example_corp"] }, true],
  ["exact value absent", { store: ["other_corp"] }, false],
  ["any value of the list", { event: ["order_cancelled", "order_placed"] }, true],
  ["string matching is case-sensitive", { store: ["Example_Corp"] }, false],
  ["String.Array: one element matches", { customer_interests: ["rugby"] }, true],
  ["String.Array: one of several values in the array", { customer_interests: ["rugby", "football", "baseball"] }, true],
  ["String.Array: no element matches", { customer_interests: ["football", "baseball"] }, false],
  ["missing attribute does not match", { color: ["red"] }, false],
  ["AND across keys: all match", { store: ["example_corp"], event: ["order_placed"] }, true],
  ["AND across keys: one fails", { store: ["example_corp"], event: ["order_cancelled"] }, false],
  ["the guide's combined example policy", {
    store: ["example_corp"], event: [{ "anything-but": "order_cancelled" }], customer_interests: ["rugby", "football", "baseball"], price_usd: [{ numeric: [">=", 100] }],
  }, true],
  ["the guide's combined policy, price below the bound", { store: ["example_corp"], price_usd: [{ numeric: [">=", 300] }] }, false],
  ["a number value matches a Number attribute numerically", { price_usd: [210.75] }, true],
  ["a number value with another representation", { price_usd: [2.1075e2] }, true],
  ["a number value against a different number", { price_usd: [210.7] }, false],
  ["a string value does not match a Number attribute", { price_usd: ["210.75"] }, false],
  ["a number value does not match a String attribute", { store: [5] }, false, { store: S("5") }],
  ["an integer Number matches its decimal form", { n: [5] }, true, { n: N("5.0") }],
  ["Binary attributes are not compared", { b: ["x"] }, false, { b: B() }],
  ["exact match on an empty string", { s: [""] }, true, { s: S("") }],
  ["String.Array with numbers", { nums: [2] }, true, { nums: A([1, 2, 3]) }],
  ["String.Array with booleans", { flags: [true] }, true, { flags: A([false, true]) }],
  ["String.Array with a string not in it", { tags: ["d"] }, false, { tags: A(["a", "b", "c"]) }],
  ["String.Array's string form is not matched when it parses", { tags: ['["a"]'] }, false, { tags: A(["a"]) }],
  // Prefix ("String value matching": prefix).
  ["prefix matches", { customer_interests: [{ prefix: "bas" }] }, true, { customer_interests: S("baseball") }],
  ["prefix does not match", { customer_interests: [{ prefix: "bas" }] }, false, { customer_interests: S("rugby") }],
  ["prefix is case-sensitive", { store: [{ prefix: "Example" }] }, false],
  ["prefix on a String.Array element", { customer_interests: [{ prefix: "hock" }] }, true],
  ["prefix equal to the whole value", { store: [{ prefix: "example_corp" }] }, true],
  ["prefix longer than the value", { store: [{ prefix: "example_corp_x" }] }, false],
  ["prefix on a Number attribute never matches", { price_usd: [{ prefix: "2" }] }, false],
  ["prefix with equals-ignore-case", { store: [{ prefix: { "equals-ignore-case": "EXAMPLE" } }] }, true],
  ["prefix with equals-ignore-case, no match", { store: [{ prefix: { "equals-ignore-case": "SAMPLE" } }] }, false],
  // Suffix.
  ["suffix matches", { customer_interests: [{ suffix: "ball" }] }, true, { customer_interests: S("baseball") }],
  ["suffix does not match", { customer_interests: [{ suffix: "ball" }] }, false, { customer_interests: S("rugby") }],
  ["suffix on the example's event", { event: [{ suffix: "_placed" }] }, true],
  ["suffix is case-sensitive", { event: [{ suffix: "_PLACED" }] }, false],
  ["suffix with equals-ignore-case", { event: [{ suffix: { "equals-ignore-case": "_PLACED" } }] }, true],
  ["suffix with equals-ignore-case, no match", { event: [{ suffix: { "equals-ignore-case": "_SHIPPED" } }] }, false],
  // equals-ignore-case.
  ["equals-ignore-case", { store: [{ "equals-ignore-case": "EXAMPLE_CORP" }] }, true],
  ["equals-ignore-case mixed case", { event: [{ "equals-ignore-case": "Order_Placed" }] }, true],
  ["equals-ignore-case is not a prefix match", { store: [{ "equals-ignore-case": "EXAMPLE" }] }, false],
  ["equals-ignore-case on a String.Array element", { customer_interests: [{ "equals-ignore-case": "RUGBY" }] }, true],
  // anything-but ("Anything-but matching").
  ["anything-but a list, value not in it", { customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, true, { customer_interests: S("baseball") }],
  ["anything-but a list, value in it", { customer_interests: [{ "anything-but": ["rugby", "tennis"] }] }, false, { customer_interests: S("rugby") }],
  ["anything-but a single string", { event: [{ "anything-but": "order_cancelled" }] }, true],
  ["anything-but the value itself", { event: [{ "anything-but": "order_placed" }] }, false],
  ["anything-but on a String.Array: some element differs", { customer_interests: [{ "anything-but": ["rugby"] }] }, true],
  ["anything-but a number, different number", { price_usd: [{ "anything-but": [100] }] }, true],
  ["anything-but a number, that number", { price_usd: [{ "anything-but": [210.75] }] }, false],
  ["anything-but a single number", { price_usd: [{ "anything-but": 100 }] }, true],
  ["anything-but a prefix, value has it", { event: [{ "anything-but": { prefix: "order-" } }] }, true],
  ["anything-but a prefix, the example's prefix", { event: [{ "anything-but": { prefix: "order_" } }] }, false],
  ["anything-but a prefix on String.Array elements", { customer_interests: [{ "anything-but": { prefix: "soc" } }] }, true],
  ["anything-but equals-ignore-case, a single string", { event: [{ "anything-but": { "equals-ignore-case": "ORDER_PLACED" } }] }, false],
  ["anything-but equals-ignore-case, value in any case", { store: [{ "anything-but": { "equals-ignore-case": ["EXAMPLE_CORP"] } }] }, false],
  ["anything-but equals-ignore-case, other value", { store: [{ "anything-but": { "equals-ignore-case": ["OTHER"] } }] }, true],
  ["anything-but on a missing attribute does not match", { color: [{ "anything-but": ["red"] }] }, false],
  // Numeric ("Numeric value matching").
  ["numeric = matches", { price_usd: [{ numeric: ["=", 210.75] }] }, true],
  ["numeric = does not match", { price_usd: [{ numeric: ["=", 301.5] }] }, false],
  ["numeric <", { price_usd: [{ numeric: ["<", 0] }] }, false],
  ["numeric >", { price_usd: [{ numeric: [">", 0] }] }, true],
  ["numeric range (0, 150]", { price_usd: [{ numeric: [">", 0, "<=", 150] }] }, false],
  ["numeric range (100, 300]", { price_usd: [{ numeric: [">", 100, "<=", 300] }] }, true],
  ["numeric >= at the bound", { price_usd: [{ numeric: [">=", 210.75] }] }, true],
  ["numeric > at the bound", { price_usd: [{ numeric: [">", 210.75] }] }, false],
  ["numeric <= at the bound", { price_usd: [{ numeric: ["<=", 210.75] }] }, true],
  ["numeric < at the bound", { price_usd: [{ numeric: ["<", 210.75] }] }, false],
  ["numeric on a String attribute never matches", { store: [{ numeric: [">", 0] }] }, false],
  ["numeric on a negative Number", { t: [{ numeric: ["<", 0] }] }, true, { t: N("-3.5") }],
  ["numeric on the largest accepted value", { t: [{ numeric: ["=", 1e9] }] }, true, { t: N("1000000000") }],
  ["numeric on a Number attribute with a custom type", { t: [{ numeric: [">", 1] }] }, true, { t: { DataType: "Number.float", StringValue: "2" } }],
  // Key matching ("Key matching": exists).
  ["exists true, attribute present", { store: [{ exists: true }] }, true],
  ["exists true, attribute absent", { encrypted: [{ exists: true }] }, false],
  ["exists false, attribute absent", { encrypted: [{ exists: false }] }, true],
  ["exists false, attribute present", { store: [{ exists: false }] }, false],
  ["exists true on a Binary attribute (not compared)", { b: [{ exists: true }] }, false, { b: B() }],
  ["exists false on a Binary attribute", { b: [{ exists: false }] }, true, { b: B() }],
  ["exists true on a Number attribute", { price_usd: [{ exists: true }] }, true],
  ["exists false OR a value: absent", { color: [{ exists: false }, "red"] }, true],
  ["exists false OR a value: present with it", { color: [{ exists: false }, "red"] }, true, { color: S("red") }],
  ["exists false OR a value: present with another", { color: [{ exists: false }, "red"] }, false, { color: S("blue") }],
  // IP address matching.
  ["cidr v4 inside", { source_ip: [{ cidr: "10.0.0.0/24" }] }, true, { source_ip: S("10.0.0.255") }],
  ["cidr v4 outside", { source_ip: [{ cidr: "10.0.0.0/24" }] }, false, { source_ip: S("10.0.1.0") }],
  ["cidr v4 /32", { source_ip: [{ cidr: "203.0.113.7/32" }] }, true, { source_ip: S("203.0.113.7") }],
  ["cidr v4 /0 matches any v4", { source_ip: [{ cidr: "0.0.0.0/0" }] }, true, { source_ip: S("8.8.8.8") }],
  ["cidr v6 inside", { source_ip: [{ cidr: "2001:db8::/32" }] }, true, { source_ip: S("2001:db8:1234::1") }],
  ["cidr v6 outside", { source_ip: [{ cidr: "2001:db8::/32" }] }, false, { source_ip: S("2001:db9::1") }],
  ["cidr against something not an address", { source_ip: [{ cidr: "10.0.0.0/8" }] }, false, { source_ip: S("example_corp") }],
  ["cidr against a v6 address with a v4 range", { source_ip: [{ cidr: "10.0.0.0/8" }] }, false, { source_ip: S("::1") }],
  // Wildcard (a linear matcher, ADR 0013).
  ["wildcard in the middle", { store: [{ wildcard: "example_*" }] }, true],
  ["wildcard at both ends", { event: [{ wildcard: "*_plac*" }] }, true],
  ["wildcard with no match", { event: [{ wildcard: "*cancel*" }] }, false],
  ["wildcard: the rest is literal", { event: [{ wildcard: "order.placed" }] }, false],
  ["wildcard: escaped star is literal", { k: [{ wildcard: "a\\*b" }] }, true, { k: S("a*b") }],
  ["wildcard: escaped star does not match others", { k: [{ wildcard: "a\\*b" }] }, false, { k: S("axb") }],
  ["wildcard: seven stars against 60 a's, no b", { k: [{ wildcard: "*a*a*a*a*a*a*a*b" }] }, false, { k: S("a".repeat(60)) }],
  ["wildcard: seven stars against 60 a's and a b", { k: [{ wildcard: "*a*a*a*a*a*a*a*b" }] }, true, { k: S("a".repeat(60) + "b") }],
  // $or ("AND/OR logic": OR operator).
  ["$or: first branch", { $or: [{ store: ["example_corp"] }, { event: ["order_cancelled"] }] }, true],
  ["$or: second branch", { $or: [{ store: ["other"] }, { event: ["order_placed"] }] }, true],
  ["$or: neither", { $or: [{ store: ["other"] }, { event: ["order_cancelled"] }] }, false],
  ["$or beside a key (AND with it)", { store: ["example_corp"], $or: [{ event: ["x"] }, { price_usd: [{ numeric: [">", 200] }] }] }, true],
  ["$or beside a failing key", { store: ["other"], $or: [{ event: ["order_placed"] }, { price_usd: [{ numeric: [">", 200] }] }] }, false],
  ["$or nested in $or", { $or: [{ store: ["x"] }, { event: ["order_placed"], $or: [{ price_usd: [1] }, { customer_interests: ["hockey"] }] }] }, true],
  ["$or nested in $or, inner fails", { $or: [{ store: ["x"] }, { event: ["order_placed"], $or: [{ price_usd: [1] }, { customer_interests: ["golf"] }] }] }, false],
  ["$or of exists", { $or: [{ encrypted: [{ exists: true }] }, { store: [{ exists: true }] }] }, true],
  // Several conditions in one list are ORed.
  ["conditions of different kinds ORed", { price_usd: [{ numeric: ["<", 10] }, 210.75] }, true],
  ["prefix OR suffix", { event: [{ prefix: "x" }, { suffix: "placed" }] }, true],
];

describe("filter policy on message attributes (SNS guide examples)", () => {
  for (const [name, policy, expected, attrs] of rows) {
    test(name, () => {
      const compiled = checkFilterPolicy(JSON.stringify(policy), "MessageAttributes");
      assert.equal(matchesAttributes(compiled, attrs ?? DOC), expected);
    });
  }
  test("the table has at least 100 rows", () => assert.ok(rows.length >= 100, String(rows.length)));
});

// Refusals, with the message after "Invalid parameter: " ("Filter policy constraints in Amazon SNS").
const refusals: [name: string, policy: string, message: string | RegExp][] = [
  ["nested policies are for the body scope", '{"a":{"b":["c"]}}', "Filter policy scope MessageAttributes does not support nested filter policy"],
  ["six keys", JSON.stringify({ a: ["1"], b: ["1"], c: ["1"], d: ["1"], e: ["1"], f: ["1"] }), "FilterPolicy: Filter policy can not have more than 5 keys"],
  ["151 combinations", JSON.stringify({ a: Array.from({ length: 151 }, (_, i) => `v${i}`) }), "FilterPolicy: Filter policy is too complex"],
  ["combinations multiply across keys", JSON.stringify({ a: Array.from({ length: 11 }, (_, i) => i), b: Array.from({ length: 14 }, (_, i) => i) }), "FilterPolicy: Filter policy is too complex"],
  ["$or branches add", JSON.stringify({ $or: [{ a: Array.from({ length: 76 }, (_, i) => i) }, { b: Array.from({ length: 75 }, (_, i) => i) }] }), "FilterPolicy: Filter policy is too complex"],
  // Mailroom's reading: an $or adds the keys of its largest branch to the keys beside it (AWS documents no example).
  ["$or keys count per branch plus outer keys", JSON.stringify({ a: ["1"], b: ["1"], c: ["1"], $or: [{ d: ["1"], e: ["1"], f: ["1"] }, { g: ["1"] }] }), "FilterPolicy: Filter policy can not have more than 5 keys"],
  ["24 keys each with a 2-way $or is refused without expanding", JSON.stringify(Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`k${i}`, { $or: [{ a: ["1"] }, { b: ["2"] }] }]))), "Filter policy scope MessageAttributes does not support nested filter policy"],
  ["over 256 KB", JSON.stringify({ a: ["x".repeat(256 * 1024)] }), "FilterPolicy: Filter policy is too large"],
  ["not JSON", "{", /^FilterPolicy: failed to parse JSON/],
  ["not an object", "[]", "FilterPolicy: Filter policy must be a JSON object"],
  ["empty object", "{}", "FilterPolicy: Filter policy can not be empty"],
  ["empty list", '{"a":[]}', "FilterPolicy: Empty arrays are not allowed"],
  ["bare value", '{"a":1}', 'FilterPolicy: "a" must be an object or an array'],
  ["unknown operator", '{"a":[{"contains":"x"}]}', "FilterPolicy: Unrecognized match type contains"],
  ["numeric out of range", '{"a":[{"numeric":[">",1e10]}]}', "FilterPolicy: Numeric value must be between -1.0E9 and 1.0E9"],
  ["numeric bottom above top", '{"a":[{"numeric":[">",10,"<",5]}]}', "FilterPolicy: Bottom must be less than top"],
  ["numeric two lower bounds", '{"a":[{"numeric":[">",0,">",0]}]}', "FilterPolicy: Bad numeric range operator: >"],
  ["numeric operator without a value", '{"a":[{"numeric":[">",0,"<"]}]}', "FilterPolicy: Value of < must be numeric"],
  ["wildcard with two stars in a row", '{"a":[{"wildcard":"a**b"}]}', "FilterPolicy: Consecutive wildcard characters at pos 2"],
  // AWS-recorded refusals (LocalStack SNS snapshot test_sns_filter_policy: validate_policy_* tests).
  ["anything-but suffix is not supported by SNS", '{"key":[{"anything-but":{"suffix":"test"}}]}', "FilterPolicy: Unsupported anything-but pattern: suffix"],
  ["anything-but exists", '{"key":[{"anything-but":{"exists":false}}]}', "FilterPolicy: Unsupported anything-but pattern: exists"],
  ["anything-but prefix not a string", '{"key":[{"anything-but":{"prefix":false}}]}', "FilterPolicy: prefix match pattern must be a string"],
  ["two operators in one expression", '{"key":[{"suffix":"value","prefix":"value2"}]}', "FilterPolicy: Only one key allowed in match expression"],
  ["an operator outside a list", '{"key":{"suffix":"value"}}', 'FilterPolicy: "suffix" must be an object or an array'],
  ["suffix null", '{"key":[{"suffix":null}]}', "FilterPolicy: suffix match pattern must be a string"],
  ["cidr as a list", '{"key":[{"cidr":["bad-filter"]}]}', "FilterPolicy: prefix match pattern must be a string"],
  ["cidr without a slash", '{"key":[{"cidr":"bad-filter"}]}', "FilterPolicy: Malformed CIDR, one '/' required"],
  ["cidr with a bad address", '{"key":[{"cidr":"bad-filter/32"}]}', "FilterPolicy: Nonstandard IP address: bad-filter"],
  ["numeric empty", '{"key":[{"numeric":[]}]}', "FilterPolicy: Invalid member in numeric match: ]"],
  ["numeric starting with a number", '{"key":[{"numeric":[1,"<="]}]}', "FilterPolicy: Invalid member in numeric match: 1"],
  ["numeric = of a string", '{"key":[{"numeric":["=","000"]}]}', "FilterPolicy: Value of equals must be numeric"],
  ["numeric upper then lower", '{"key":[{"numeric":["<",100,">",10]}]}', "FilterPolicy: Too many elements in numeric expression"],
  ["numeric missing range operator", '{"key":[{"numeric":[">",20,30]}]}', "FilterPolicy: Bad value in numeric range: 30"],
  ["numeric unknown second operator", '{"key":[{"numeric":[">",20,"test"]}]}', "FilterPolicy: Bad numeric range operator: test"],
  ["numeric three terms", '{"key":[{"numeric":[">",20,"<",30,"<",50]}]}', "FilterPolicy: Too many terms in numeric range expression"],
  ["$or combinations: the recorded 152", JSON.stringify({ source: ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"], $or: [{ metricName: ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"] }, { metricType: ["MetricType", "TestType", "TestType2", "TestType3"], $or: [{ metricId: [1234, 4321, 5678, 9012] }, { spaceId: [1, 2, 3, 4] }] }] }), "FilterPolicy: Filter policy is too complex"],
  ["$or with one branch", '{"$or":[{"a":["1"]}]}', "FilterPolicy: Value of $or must be an array of at least 2 objects"],
];

describe("filter policy refusals (attribute scope)", () => {
  test("the recorded 150-combination $or policy is accepted", () => {
    checkFilterPolicy(JSON.stringify({ source: ["aws.cloudwatch", "aws.events", "aws.test"], $or: [{ metricName: ["CPUUtilization", "ReadLatency", "TestVal", "TestVal2", "TestVal3", "TestVal4"] }, { metricType: ["MetricType", "TestType", "TestType2", "TestType3"], $or: [{ metricId: [1234, 4321, 5678, 9012] }, { spaceId: [1, 2, 3, 4, 5, 6, 7] }] }] }), "MessageAttributes");
  });
  for (const [name, policy, message] of refusals) {
    test(name, () => {
      assert.throws(() => checkFilterPolicy(policy, "MessageAttributes"), (e: unknown) => {
        assert.ok(e instanceof PatternError);
        if (typeof message === "string") assert.equal(e.message, message);
        else assert.match(e.message, message);
        return true;
      });
    });
  }
});
