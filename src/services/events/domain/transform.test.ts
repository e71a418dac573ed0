// InputTransformer: the user guide's examples ("Amazon EventBridge input transformation", Input Transform Examples),
// quoting inside and outside string literals, missing values, wildcards, and PutTargets' template checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AwsError } from "../../../protocol/errors.ts";
import { applyTransformer, checkTransformer, MAX_TRANSFORMED_BYTES, parsePath, selectPath, TransformTooLarge } from "./transform.ts";

const EVENT = {
  version: "0", id: "7bf73129-1428-4cd3-a780-95db273d1602", "detail-type": "EC2 Instance State-change Notification", source: "aws.ec2",
  account: "123456789012", time: "2015-11-11T21:29:54Z", region: "us-east-1", resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING", n: 5, tags: { a: 1 } },
};
const MAP = { timestamp: "$.time", instance: "$.detail.instance-id", state: "$.detail.state", resource: "$.resources[0]", n: "$.detail.n", tags: "$.detail.tags", none: "$.detail.none" };
const CTX = { ruleArn: "arn:aws:events:us-east-2:123456789012:rule/example", ruleName: "example", ingestedAt: Date.UTC(2015, 10, 11, 21, 29, 55) };
const run = (template: string) => applyTransformer({ InputPathsMap: MAP, InputTemplate: template }, EVENT, CTX);

test("the user guide's examples", () => {
  assert.equal(run('"instance <instance> is in <state>"'), '"instance i-0123456789 is in RUNNING"');
  assert.equal(run('"instance \\"<instance>\\" is in <state>"'), '"instance \\"i-0123456789\\" is in RUNNING"');
  assert.deepEqual(JSON.parse(run('{"instance" : <instance>, "state": <state>}')), { instance: "i-0123456789", state: "RUNNING" });
  assert.deepEqual(JSON.parse(run('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}')), { instance: "i-0123456789", state: [9, "RUNNING", true], Transformed: "Yes" });
  const reserved = JSON.parse(run('{"ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event.json>, "event": <aws.events.event>, "at": <aws.events.event.ingestion-time>}'));
  assert.equal(reserved.ruleArn, CTX.ruleArn);
  assert.equal(reserved.ruleName, "example");
  assert.deepEqual(reserved.originalEvent, EVENT);
  assert.equal(reserved.event.detail, undefined);
  assert.equal(reserved.event.id, EVENT.id);
  assert.equal(reserved.at, "2015-11-11T21:29:55.000Z");
  assert.equal(run('"<aws.events.rule-name> triggered"'), '"example triggered"');
});

test("values keep their JSON type outside strings, are text inside, missing ones are null or nothing", () => {
  assert.deepEqual(JSON.parse(run('{"n": <n>, "tags": <tags>, "none": <none>, "s": "<n>/<none>/<state>"}')), { n: 5, tags: { a: 1 }, none: null, s: "5//RUNNING" });
  assert.equal(run('"<tags>"'), '"{"a":1}"');
  // Values are not escaped inside strings (user guide, Common issues): a quote in a value breaks out of the string.
  const quoted = applyTransformer({ InputPathsMap: { v: "$.detail.v" }, InputTemplate: '"x <v>"' }, { detail: { v: 'a"b' } }, CTX);
  assert.equal(quoted, '"x a"b"');
});

test("paths: brackets, wildcards, slashes; nothing for a missing step", () => {
  assert.deepEqual(parsePath("$"), []);
  assert.deepEqual(parsePath("$[\"detail-type\"]"), ["detail-type"]);
  for (const bad of ["detail", "$..x", "$[?(@.x)]", "$.a[", "$.a b", `$.${"a".repeat(256)}`]) assert.equal(parsePath(bad), undefined, bad);
  const e = { detail: { items: [{ a: 1 }, { "a b": "x" }], n: null } };
  assert.equal(selectPath(e, parsePath("$.detail.items[1]['a b']")!), "x");
  assert.equal(selectPath(e, parsePath("$.detail.n")!), null);
  assert.equal(selectPath(e, parsePath("$.detail.items.length")!), undefined);
  assert.deepEqual(parsePath("$.detail['a b'][2].c"), ["detail", "a b", 2, "c"]);
  assert.equal(parsePath("detail"), undefined);
  assert.equal(parsePath("$..x"), undefined);
  const doc = { list: [{ v: 1 }, { v: 2 }], "a/b": 3 };
  assert.deepEqual(selectPath(doc, parsePath("$.list[*].v")!), [1, 2]);
  assert.deepEqual(selectPath(doc, parsePath("$.list.*.v")!), [1, 2]);
  assert.equal(selectPath(doc, parsePath("$.a/b")!), 3);
  assert.equal(selectPath(doc, parsePath("$.list[5]")!), undefined);
  assert.equal(selectPath(doc, parsePath("$.nope.deeper")!), undefined);
});

test("PutTargets checks: undefined or reserved variables, JSON-only variables in strings, sizes", () => {
  const check = (InputTemplate: string, InputPathsMap: Record<string, string> = {}) => () => checkTransformer({ InputTemplate, InputPathsMap }, "t1", "targets.1.member.inputTransformer");
  const fails = (f: () => void, message: RegExp) => assert.throws(f, (e) => e instanceof AwsError && e.code === "ValidationException" && message.test(e.message));
  fails(check('{"a": <b>}'), /^InputTemplate for target t1 contains invalid placeholder b\.$/);
  fails(check('"<aws.events.event.json>"'), /contains placeholder aws.events.event.json valid only for JSON template/);
  fails(check('{"a": "x <aws.events.event>"}'), /contains placeholder aws.events.event valid only for JSON template/);
  fails(check("x", { "aws.events.rule-arn": "$.x" }), /inputPathsMap|reserved/);
  fails(check("x", { k: "detail" }), /invalid JSONPath/);
  fails(check("x".repeat(8193)), /less than or equal to 8192/);
  fails(check(""), /greater than or equal to 1/);
  fails(check("x", Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, "$.x"]))), /less than or equal to 100/);
  check('{"e": <aws.events.event.json>, "a": <a>, "html": "a < b > c"}', { a: "$.a" })();
});

test("a long template and a deep event are handled in linear time", () => {
  const template = `{${Array.from({ length: 400 }, (_, i) => `"k${i}": <v>`).join(",")}}`.slice(0, 8192 - 2) + "}";
  const started = performance.now();
  for (let i = 0; i < 100; i++) applyTransformer({ InputPathsMap: { v: "$.detail.v" }, InputTemplate: template }, { detail: { v: "x".repeat(500) } }, CTX);
  assert.ok(performance.now() - started < 2000);
  assert.equal(applyTransformer({ InputTemplate: "<<<<<<<<<<".repeat(800) }, {}, CTX), "<<<<<<<<<<".repeat(800));
});

test("probe: a short template repeating a large value stops at the size bound instead of growing without limit", () => {
  const big = { detail: { v: "x".repeat(200_000), list: Array.from({ length: 20_000 }, (_, i) => ({ a: [i, { b: i }] })) } };
  const template = `[${Array.from({ length: 2000 }, () => "<v>").join(",")}]`;
  const started = performance.now();
  assert.throws(() => applyTransformer({ InputPathsMap: { v: "$.detail.v" }, InputTemplate: template }, big, CTX), TransformTooLarge);
  // 100 wildcard paths over 20,000 nodes: each path visits every node once per level, then is rendered once.
  const map = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`w${i}`, "$.detail.list[*].a[1].b"]));
  const out = applyTransformer({ InputPathsMap: map, InputTemplate: "<w0>" }, big, CTX);
  assert.equal(out.length < MAX_TRANSFORMED_BYTES, true);
  assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
});
