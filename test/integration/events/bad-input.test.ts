// Bad input over raw AWS JSON 1.1 (unsigned on loopback): every case is answered with an AWS error or a per-entry
// error, never a 500, and member paths are worded as AWS words them (1-based list positions then "member").
import assert from "node:assert/strict";
import { test } from "node:test";
import { useTestServer } from "../../helpers/server.ts";

const { server } = useTestServer();

async function call(op: string, body: unknown) {
  const r = await fetch(server.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSEvents.${op}` },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: r.status, body: JSON.parse((await r.text()) || "{}") as Record<string, unknown> };
}

const deep = (n: number) => `{"a":${"[".repeat(n)}${"]".repeat(n)}}`;

test("malformed members, limits and values never produce a 500", async () => {
  const cases: [string, unknown][] = [
    ["PutEvents", {}], ["PutEvents", { Entries: [{ Detail: 5 }] }],
    ["PutEvents", { Entries: [{ Source: "s", DetailType: "t", Detail: "{}", Time: "garbage" }] }],
    ["PutEvents", { Entries: [{ Source: "s", DetailType: "t", Detail: "{}", Time: 1e20 }] }],
    ["PutEvents", { Entries: [{ Source: "s", DetailType: "t", Detail: "{}", EventBusName: "" }] }],
    ["PutEvents", { Entries: [{ Source: "s", DetailType: "t", Detail: "{}", Resources: [null] }] }],
    ["PutEvents", { Entries: [{ Source: "s", DetailType: "t", Detail: deep(5000) }] }],
    ["PutEvents", "{bad json"],
    ["PutRule", { Name: "x" }], ["PutRule", { Name: "x", EventPattern: 5 }], ["PutRule", { Name: "", EventPattern: "{}" }],
    ["PutRule", { Name: "x", EventPattern: `{"a":${"{\"b\":".repeat(100)}[1]${"}".repeat(101)}` }],
    ["PutRule", { Name: "x", EventPattern: "{\"source\":[\"a\"]}", State: "weird" }],
    ["PutTargets", { Rule: "x", Targets: [{}] }], ["ListRules", { Limit: 0 }], ["ListRules", { NextToken: "!!" }],
    ["TestEventPattern", { EventPattern: "{}", Event: "{}" }], ["DescribeEventBus", { Name: "arn:aws:events:us-east-1:000000000000:event-bus/" }],
    ["DescribeRule", { Name: "x", EventBusName: "arn:bad" }], ["CreateEventBus", { Name: "a".repeat(300) }], ["UpdateEventBus", {}],
  ];
  for (const [op, body] of cases) {
    const r = await call(op, body);
    assert.ok(r.status === 400 || r.status === 200, `${op} ${JSON.stringify(body).slice(0, 80)} answered ${r.status} ${JSON.stringify(r.body)}`);
  }
});

test("member paths are 1-based with 'member', as AWS words them", async () => {
  const r = await call("PutTargets", { Rule: "x", Targets: [{ Id: "a" }] });
  assert.equal(r.body.message, "1 validation error detected: Value null at 'targets.1.member.arn' failed to satisfy constraint: Member must not be null");
  const t = await call("PutEvents", { Entries: [{ Source: "s", DetailType: "t", Detail: "{}" }, { Detail: 5 }] });
  assert.equal(t.body.message, "1 validation error detected: Value '5' at 'entries.2.member.detail' failed to satisfy constraint: Member must be of type string");
});
