// EventBridge event patterns, one row per case. The events and patterns are the EventBridge user guide's
// examples ("Amazon EventBridge event patterns", "Content filtering in event patterns", "Arrays in event
// patterns", "Matching null values and empty strings", "Comparison operators for use in event patterns") and
// each expected answer is the guide's, or follows from the rule it states. Refusals carry the messages AWS
// answered, as recorded against AWS in LocalStack's events snapshot (test_events_patterns.snapshot.json).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compileEventPattern, matchesEvent, MAX_EVENT_PATTERN_DEPTH, PatternError } from "./event-pattern.ts";

// The guide's EC2 state-change event.
const EC2 = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};
// An event in the shape of the content-filtering page's numeric, IP and file examples.
const CONTENT = {
  ...EC2,
  time: "2017-10-02T18:43:48Z",
  detail: {
    state: "running",
    "c-count": 5,
    "d-count": 7,
    "x-limit": 301.8,
    "sourceIPAddress": "10.0.0.123",
    "sourceIPv6": "2001:db8:1234:1a00::123",
    FileName: "image.png",
    FilePath: "/usr/lib/file",
    "service": "EventBridge",
  },
};
// The arrays page's event: three resources.
const ARRAYS = {
  ...EC2,
  resources: [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
  ],
};
// The null/empty-string page's event.
const NULLS = { ...EC2, detail: { eventVersion: "", responseElements: null } };

type Row = [name: string, pattern: object, event: object, expected: boolean];

const rows: Row[] = [
  // Event patterns: fields, values, nesting.
  ["the guide's EC2 pattern", { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"], detail: { state: ["terminated"] } }, EC2, true],
  ["source only", { source: ["aws.ec2"] }, EC2, true],
  ["source, other service", { source: ["aws.s3"] }, EC2, false],
  ["source, one of two", { source: ["aws.ec2", "aws.fargate"] }, EC2, true],
  ["detail state", { detail: { state: ["terminated"] } }, EC2, true],
  ["detail state, another", { detail: { state: ["running"] } }, EC2, false],
  ["detail state, one of several", { detail: { state: ["running", "stopped", "terminated"] } }, EC2, true],
  ["values are case-sensitive", { source: ["AWS.EC2"] }, EC2, false],
  ["field names are case-sensitive", { Source: ["aws.ec2"] }, EC2, false],
  ["missing field", { detail: { "instance-type": ["t2.micro"] } }, EC2, false],
  ["nesting must match", { state: ["terminated"] }, EC2, false],
  ["pattern field under a leaf", { source: { name: ["aws.ec2"] } }, EC2, false],
  ["leaf values against an object", { detail: ["terminated"] }, EC2, false],
  ["account", { account: ["111122223333"] }, EC2, true],
  ["a number does not match a string", { region: [1] }, EC2, false],
  ["a number beyond the numeric range matches literally (an account number)", { detail: { acct: [111122223333] } }, { ...EC2, detail: { acct: 111122223333 } }, true],
  ["region and source", { region: ["us-west-1"], source: ["aws.ec2"] }, EC2, true],
  ["region differs", { region: ["us-east-1"], source: ["aws.ec2"] }, EC2, false],
  ["every field must match", { source: ["aws.ec2"], detail: { state: ["running"] } }, EC2, false],
  // Arrays.
  ["arrays: event array and pattern array intersect", { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f", "arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] }, ARRAYS, true],
  ["arrays: one event element matches", { resources: ["arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"] }, ARRAYS, true],
  ["arrays: no intersection", { resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] }, ARRAYS, false],
  ["arrays: prefix against elements", { resources: [{ prefix: "arn:aws:ec2:us-east-1:111122223333" }] }, ARRAYS, true],
  ["arrays: empty event array matches no value", { resources: ["x"] }, { ...EC2, resources: [] }, false],
  ["arrays: empty event array does not match null", { resources: [null] }, { ...EC2, resources: [] }, false],
  ["arrays: array of objects, any element", { detail: { items: { id: ["b"] } } }, { ...EC2, detail: { items: [{ id: "a" }, { id: "b" }] } }, true],
  ["arrays: array of objects, none", { detail: { items: { id: ["c"] } } }, { ...EC2, detail: { items: [{ id: "a" }, { id: "b" }] } }, false],
  ["arrays: nested arrays flatten", { detail: { m: [3] } }, { ...EC2, detail: { m: [[1, 2], [3]] } }, true],
  // Null and empty strings.
  ["empty string matches empty string", { detail: { eventVersion: [""] } }, NULLS, true],
  ["null matches null", { detail: { responseElements: [null] } }, NULLS, true],
  ["the guide's null and empty pattern", { detail: { eventVersion: [""], responseElements: [null] } }, NULLS, true],
  ["null does not match an empty string", { detail: { eventVersion: [null] } }, NULLS, false],
  ["empty string does not match null", { detail: { responseElements: [""] } }, NULLS, false],
  ["null does not match a missing field", { detail: { other: [null] } }, NULLS, false],
  // Booleans and numbers.
  ["boolean true", { detail: { ok: [true] } }, { ...EC2, detail: { ok: true } }, true],
  ["boolean false vs true", { detail: { ok: [false] } }, { ...EC2, detail: { ok: true } }, false],
  ["boolean vs the string", { detail: { ok: ["true"] } }, { ...EC2, detail: { ok: true } }, false],
  ["numbers compare as numbers", { detail: { n: [5] } }, { ...EC2, detail: { n: 5.0 } }, true],
  ["numbers: 300 and 3e2", { detail: { n: [3e2] } }, { ...EC2, detail: { n: 300 } }, true],
  ["numbers vs strings", { detail: { n: ["5"] } }, { ...EC2, detail: { n: 5 } }, false],
  ["strings vs numbers", { detail: { n: [5] } }, { ...EC2, detail: { n: "5" } }, false],
  // Prefix.
  ["prefix on time", { time: [{ prefix: "2017-10-02" }] }, CONTENT, true],
  ["prefix on time, other day", { time: [{ prefix: "2017-10-03" }] }, CONTENT, false],
  ["empty prefix matches any string", { source: [{ prefix: "" }] }, EC2, true],
  ["prefix on a number", { detail: { "c-count": [{ prefix: "5" }] } }, CONTENT, false],
  ["prefix ignoring case", { detail: { service: [{ prefix: { "equals-ignore-case": "eventb" } }] } }, CONTENT, true],
  ["prefix ignoring case, no match", { detail: { service: [{ prefix: { "equals-ignore-case": "lambda" } }] } }, CONTENT, false],
  ["prefix is case-sensitive", { detail: { service: [{ prefix: "eventb" }] } }, CONTENT, false],
  // Suffix.
  ["suffix .png", { detail: { FileName: [{ suffix: ".png" }] } }, CONTENT, true],
  ["suffix .jpg", { detail: { FileName: [{ suffix: ".jpg" }] } }, CONTENT, false],
  ["suffix ignoring case", { detail: { FileName: [{ suffix: { "equals-ignore-case": ".PNG" } }] } }, CONTENT, true],
  ["suffix is case-sensitive", { detail: { FileName: [{ suffix: ".PNG" }] } }, CONTENT, false],
  ["empty suffix matches any string", { detail: { FileName: [{ suffix: "" }] } }, CONTENT, true],
  // equals-ignore-case.
  ["equals-ignore-case on detail-type", { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] }, EC2, true],
  ["equals-ignore-case, other text", { "detail-type": [{ "equals-ignore-case": "ec2 instance launch" }] }, EC2, false],
  ["equals-ignore-case on a number", { detail: { "c-count": [{ "equals-ignore-case": "5" }] } }, CONTENT, false],
  // anything-but.
  ["anything-but a string", { detail: { state: [{ "anything-but": "initializing" }] } }, CONTENT, true],
  ["anything-but the value", { detail: { state: [{ "anything-but": "running" }] } }, CONTENT, false],
  ["anything-but a list", { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, CONTENT, true],
  ["anything-but a list holding the value", { detail: { state: [{ "anything-but": ["stopped", "running"] }] } }, CONTENT, false],
  ["anything-but a number", { detail: { "x-limit": [{ "anything-but": 123 }] } }, CONTENT, true],
  ["anything-but numbers holding the value", { detail: { "c-count": [{ "anything-but": [4, 5] }] } }, CONTENT, false],
  ["anything-but a number vs a string value", { detail: { state: [{ "anything-but": [5] }] } }, CONTENT, true],
  ["anything-but on a missing field", { detail: { missing: [{ "anything-but": "x" }] } }, CONTENT, false],
  ["anything-but on a null value", { detail: { responseElements: [{ "anything-but": "x" }] } }, NULLS, true],
  ["anything-but prefix", { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, CONTENT, true],
  ["anything-but the value's prefix", { detail: { state: [{ "anything-but": { prefix: "run" } }] } }, CONTENT, false],
  ["anything-but prefixes, one is the value's", { detail: { state: [{ "anything-but": { prefix: ["init", "run"] } }] } }, CONTENT, false],
  ["anything-but suffix", { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } }, CONTENT, true],
  ["anything-but the value's suffix", { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } }, CONTENT, false],
  ["anything-but ignoring case", { detail: { state: [{ "anything-but": { "equals-ignore-case": "RUNNING" } }] } }, CONTENT, false],
  ["anything-but ignoring case, list", { detail: { state: [{ "anything-but": { "equals-ignore-case": ["initializing", "STOPPED"] } }] } }, CONTENT, true],
  ["anything-but wildcard", { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } }, CONTENT, false],
  ["anything-but wildcard, not in the path", { detail: { FilePath: [{ "anything-but": { wildcard: "*/bin/*" } }] } }, CONTENT, true],
  ["anything-but wildcards, one matches", { detail: { FilePath: [{ "anything-but": { wildcard: ["*/bin/*", "/usr/*"] } }] } }, CONTENT, false],
  // Numeric.
  ["the guide's numeric example", { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }], "d-count": [{ numeric: ["<", 10] }], "x-limit": [{ numeric: ["=", 3.018e2] }] } }, CONTENT, true],
  ["numeric range excludes the value", { detail: { "c-count": [{ numeric: [">", 5, "<", 10] }] } }, CONTENT, false],
  ["numeric >= at the value", { detail: { "c-count": [{ numeric: [">=", 5] }] } }, CONTENT, true],
  ["numeric < at the value", { detail: { "c-count": [{ numeric: ["<", 5] }] } }, CONTENT, false],
  ["numeric on a string", { detail: { state: [{ numeric: [">", 0] }] } }, CONTENT, false],
  ["numeric on a numeric string", { detail: { n: [{ numeric: [">", 0] }] } }, { ...EC2, detail: { n: "5" } }, false],
  ["numeric on null", { detail: { responseElements: [{ numeric: [">", 0] }] } }, NULLS, false],
  ["numeric on a negative float", { detail: { n: [{ numeric: [">", -10.5, "<", 0] }] } }, { ...EC2, detail: { n: -3.25 } }, true],
  ["numeric on array elements", { detail: { n: [{ numeric: ["=", 3] }] } }, { ...EC2, detail: { n: [1, 2, 3] } }, true],
  // IP address matching.
  ["cidr v4", { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } }, CONTENT, true],
  ["cidr v4 outside", { detail: { sourceIPAddress: [{ cidr: "10.0.1.0/24" }] } }, CONTENT, false],
  ["cidr v6", { detail: { sourceIPv6: [{ cidr: "2001:db8:1234:1a00::/64" }] } }, CONTENT, true],
  ["cidr v6 outside", { detail: { sourceIPv6: [{ cidr: "2001:db8:1234:1b00::/64" }] } }, CONTENT, false],
  ["cidr on a non-address", { detail: { state: [{ cidr: "10.0.0.0/8" }] } }, CONTENT, false],
  // exists.
  ["exists true", { detail: { state: [{ exists: true }] } }, EC2, true],
  ["exists true, missing", { detail: { "c-count": [{ exists: true }] } }, EC2, false],
  ["exists false, missing", { detail: { "c-count": [{ exists: false }] } }, EC2, true],
  ["exists false, present", { detail: { state: [{ exists: false }] } }, EC2, false],
  ["exists only on leaves: an object does not exist", { detail: [{ exists: true }] }, EC2, false],
  ["exists true on an empty array", { resources: [{ exists: true }] }, { ...EC2, resources: [] }, false],
  ["exists true on a non-empty array", { resources: [{ exists: true }] }, EC2, true],
  ["exists false under a missing parent", { detail: { x: { y: [{ exists: false }] } } }, EC2, true],
  ["exists false OR a value", { detail: { "c-count": [{ exists: false }, 3] } }, EC2, true],
  // Wildcard.
  ["wildcard on an ARN", { resources: [{ wildcard: "arn:aws:ec2:us-west-1:*:instance/*" }] }, EC2, true],
  ["wildcard on an ARN, other region", { resources: [{ wildcard: "arn:aws:ec2:us-east-1:*:instance/*" }] }, EC2, false],
  ["wildcard on the guide's event bus ARN", { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] }, { ...EC2, EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/myEventBus" }, true],
  ["wildcard with an escaped star", { detail: { k: [{ wildcard: "a\\*" }] } }, { ...EC2, detail: { k: "a*" } }, true],
  ["wildcard with an escaped star, no literal star", { detail: { k: [{ wildcard: "a\\*" }] } }, { ...EC2, detail: { k: "ab" } }, false],
  ["wildcard with an escaped backslash", { detail: { k: [{ wildcard: "a\\\\*" }] } }, { ...EC2, detail: { k: "a\\b" } }, true],
  ["wildcard on a number", { detail: { "c-count": [{ wildcard: "*" }] } }, CONTENT, false],
  ["wildcard: seven stars against 1000 a's", { detail: { k: [{ wildcard: "*a*a*a*a*a*a*a*b" }] } }, { ...EC2, detail: { k: "a".repeat(1000) } }, false],
  // $or.
  ["the guide's $or example", { detail: { $or: [{ "c-count": [{ numeric: [">", 0, "<=", 5] }] }, { "d-count": [{ numeric: ["<", 10] }] }, { "x-limit": [{ numeric: ["=", 3.018e2] }] }] } }, CONTENT, true],
  ["$or, no branch matches", { detail: { $or: [{ "c-count": [{ numeric: [">", 5] }] }, { "d-count": [{ numeric: [">", 10] }] }] } }, CONTENT, false],
  ["$or at the top with source", { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }] }, { ...EC2, source: "aws.cloudwatch", namespace: "AWS/ES" }, true],
  ["$or at the top, source differs", { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }] }, { ...EC2, namespace: "AWS/EC2" }, false],
  ["$or of exists and anything-but", { detail: { $or: [{ tier: [{ exists: false }] }, { tier: [{ "anything-but": "free" }] }] } }, EC2, true],
  ["$or nested in $or", { $or: [{ source: ["x"] }, { $or: [{ region: ["y"] }, { account: ["111122223333"] }] }] }, EC2, true],
  // The guide's complex example.
  ["the guide's multiple-matching example", { time: [{ prefix: "2017-10-02" }], detail: { state: [{ "anything-but": "initializing" }], "c-count": [{ numeric: [">", 0, "<=", 5] }], "d-count": [{ numeric: ["<", 10] }], "x-limit": [{ "anything-but": [100, 200, 300] }] } }, CONTENT, true],
  ["the same with an excluded limit", { detail: { "x-limit": [{ "anything-but": [301.8] }] } }, CONTENT, false],
  // Dotted keys: EventBridge joins nested keys with dots (AWS-recorded: LocalStack snapshot dot_joining_event/pattern).
  ["a dotted event key matches a nested pattern", { detail: { state: { status: ["running"] } } }, { ...EC2, detail: { "state.status": "running" } }, true],
  ["a dotted pattern key matches a nested event", { detail: { "state.status": ["running"] } }, { ...EC2, detail: { state: { status: "running" } } }, true],
];

describe("event patterns (EventBridge guide examples)", () => {
  for (const [name, pattern, event, expected] of rows) {
    test(name, () => {
      const p = compileEventPattern(JSON.stringify(pattern));
      assert.equal(matchesEvent(p, event), expected);
      assert.equal(matchesEvent(p, JSON.stringify(event)), expected);
    });
  }
  test("the table has at least 100 rows", () => assert.ok(rows.length >= 100, String(rows.length)));
  test("an event that is not a JSON object matches nothing", () => {
    const p = compileEventPattern('{"source":[{"exists":false}]}');
    assert.equal(matchesEvent(p, "not json"), false);
    assert.equal(matchesEvent(p, [1]), false);
  });
});

const R = "Event pattern is not valid. Reason: ";
const refusals: [name: string, pattern: string, message: string, code?: string][] = [
  ["a bare string value", '{"string": "my-value"}', `${R}"string" must be an object or an array`],
  ["a bare number value", '{"int": 42}', `${R}"int" must be an object or an array`],
  ["an empty list", '{"resources": []}', `${R}Empty arrays are not allowed`],
  ["operators are case-sensitive", '{"my_key": [{"EXISTS": true}]}', `${R}Unrecognized match type EXISTS`],
  ["NUMERIC", '{"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}', `${R}Unrecognized match type NUMERIC`],
  ["two lower bounds", '{"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}', `${R}Bad numeric range operator: >`],
  ["an operator without its number", '{"detail": {"c-count": [{"numeric": [">", 0, "<"]}]}}', `${R}Value of < must be numeric`],
  ["numeric not a list", '{"detail": {"c-count": [{"numeric": 10}]}}', `${R}Value of numeric must be an array.`],
  ["prefix not a string", '{"time": [{"prefix": 123}]}', `${R}prefix match pattern must be a string`],
  ["prefix as a list", '{"time": [{"prefix": ["2022-07-13"]}]}', `${R}prefix match pattern must be a string`],
  ["suffix not a string", '{"FileName": [{"suffix": 123}]}', `${R}suffix match pattern must be a string`],
  ["equals-ignore-case as a list", '{"detail-type": [{"equals-ignore-case": ["ec2"]}]}', `${R}equals-ignore-case match pattern must be a string`],
  ["equals-ignore-case of an operator", '{"detail-type": [{"equals-ignore-case": {"prefix": "ec2"}}]}', `${R}equals-ignore-case match pattern must be a string`],
  ["anything-but null", '{"detail": {"state": [{"anything-but": null}]}}', `${R}Value of anything-but must be an array or single string/number value.`],
  ["anything-but list with null", '{"detail": {"state": [{"anything-but": ["x", null]}]}}', `${R}Inside anything but list, start|null|boolean is not supported.`],
  ["anything-but empty prefix", '{"detail": {"FileName": [{"anything-but": {"prefix": ""}}]}}', `${R}Null prefix/suffix not allowed`],
  ["anything-but empty suffix", '{"detail": {"FileName": [{"anything-but": {"suffix": ""}}]}}', `${R}Null prefix/suffix not allowed`],
  ["anything-but prefix not a string", '{"detail": {"state": [{"anything-but": {"prefix": 123}}]}}', `${R}prefix/suffix match pattern must be a string`],
  ["anything-but prefix ignoring case", '{"detail": {"FileName": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]}}', `${R}Value of anything-but must be an array or single string/number value.`],
  ["anything-but equals-ignore-case with a number", '{"detail": {"state": [{"anything-but": {"equals-ignore-case": 123}}]}}', `${R}Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.`],
  ["anything-but wildcard not a string", '{"detail": {"FilePath": [{"anything-but": {"wildcard": 123}}]}}', `${R}wildcard match pattern must be a string`],
  ["wildcard not a string", '{"EventBusArn": [{"wildcard": 123}]}', `${R}wildcard match pattern must be a string`],
  ["two stars in a row", '{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}', `${R}Consecutive wildcard characters at pos 26`],
  ["cidr without a mask", '{"detail": {"sourceIPAddress": [{"cidr": "bad-filter"}]}}', `${R}Malformed CIDR, one '/' required`],
  ["cidr mask not a number", '{"detail": {"sourceIPAddress": [{"cidr": "bad-/64filter"}]}}', `${R}Malformed CIDR, mask bits must be an integer`],
  ["cidr bad v4 address", '{"detail": {"sourceIPAddress": [{"cidr": "xx.11.xx/24"}]}}', `${R}Nonstandard IP address: xx.11.xx`],
  ["cidr not a string", '{"detail": {"sourceIPAddress": [{"cidr": ["bad-type"]}]}}', `${R}prefix match pattern must be a string`],
  ["not an object", '["not", "a", "dict"]', `${R}Filter is not an object`],
  ["not JSON", "this is not json", `${R}Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`],
  ["single quotes", "{'bad': 'quotation'}", `${R}Unexpected character (''' (code 39)): was expecting double-quote to start field name`],
  // aws/event-ruler's rule compiler (JsonRuleCompiler, ComparableNumber):
  ["$or not followed by an array", '{"$or": {"a": [1]}}', `${R}It must be an Array followed with $or.`],
  ["$or with one object", '{"$or": [{"a": [1]}]}', `${R}There must have at least 2 Objects in $or relationship.`],
  ["$or with a non-object", '{"$or": [{"a": [1]}, 2]}', `${R}Only JSON object is allowed in array of $or relationship.`],
  ["anything-but mixing numbers and strings", '{"a": [{"anything-but": [1, "x"]}]}', `${R}Inside anything but list, either all values are number or string, mixed type is not supported`],
  ["a numeric bound beyond ±5e9", '{"a": [{"numeric": [">", 6e9]}]}', `${R}Value must be between -5.0E9 and 5.0E9, inclusive`],
  ["nested deeper than the limit", "{\"a\":".repeat(MAX_EVENT_PATTERN_DEPTH + 1) + "[1]" + "}".repeat(MAX_EVENT_PATTERN_DEPTH + 1), `${R}Event pattern is nested deeper than ${MAX_EVENT_PATTERN_DEPTH} levels`],
  ["longer than PutRule's 4096 characters", JSON.stringify({ source: ["x".repeat(4100)] }), "1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096", "ValidationException"],
];

describe("event pattern refusals (AWS-recorded messages)", () => {
  for (const [name, pattern, message, code] of refusals) {
    test(name, () => {
      assert.throws(() => compileEventPattern(pattern), (e: unknown) => {
        assert.ok(e instanceof PatternError);
        assert.equal(e.message, message);
        assert.equal(e.code, code ?? "InvalidEventPatternException");
        return true;
      });
    });
  }
});
