// EventBridge first increment through @aws-sdk/client-eventbridge (AWS JSON 1.1), deliveries read with
// @aws-sdk/client-sqs: buses, rules, targets, TestEventPattern, PutEvents into standard and FIFO queues.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateEventBusCommand, DeleteEventBusCommand, DeleteRuleCommand, DescribeEventBusCommand, DescribeRuleCommand,
  DisableRuleCommand, EnableRuleCommand, EventBridgeClient, ListEventBusesCommand, ListRuleNamesByTargetCommand,
  ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand,
  TestEventPatternCommand, CreateEndpointCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const { server, sqs } = useTestServer();
const ACCOUNT = "000000000000";
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));

async function queue(name: string, attributes: Record<string, string> = {}) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function receive(url: string, max = 10) {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: 0, AttributeNames: ["All"] }))).Messages ?? [];
}

test("event buses: create, describe, list with prefix and paging, the default bus, delete", async () => {
  const c = await eb().send(new CreateEventBusCommand({ Name: "orders-bus", Description: "orders" }));
  assert.equal(c.EventBusArn, `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders-bus`);
  await rejectsAws(eb().send(new CreateEventBusCommand({ Name: "orders-bus" })), { name: "ResourceAlreadyExistsException", message: "Event bus orders-bus already exists." });
  const d = await eb().send(new DescribeEventBusCommand({ Name: "orders-bus" }));
  assert.equal(d.Name, "orders-bus");
  assert.equal(d.Description, "orders");
  assert.ok(d.CreationTime instanceof Date);
  assert.equal((await eb().send(new DescribeEventBusCommand({ Name: c.EventBusArn }))).Name, "orders-bus");
  const def = await eb().send(new DescribeEventBusCommand({}));
  assert.equal(def.Arn, `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`);
  for (const n of ["pg-0", "pg-1", "pg-2", "pg-3", "pg-4"]) await eb().send(new CreateEventBusCommand({ Name: n }));
  const p1 = await eb().send(new ListEventBusesCommand({ NamePrefix: "pg-", Limit: 3 }));
  assert.deepEqual(p1.EventBuses!.map((b) => b.Name), ["pg-0", "pg-1", "pg-2"]);
  const p2 = await eb().send(new ListEventBusesCommand({ NamePrefix: "pg-", Limit: 3, NextToken: p1.NextToken }));
  assert.deepEqual(p2.EventBuses!.map((b) => b.Name), ["pg-3", "pg-4"]);
  assert.equal(p2.NextToken, undefined);
  const all = await eb().send(new ListEventBusesCommand({}));
  assert.deepEqual(all.EventBuses!.map((b) => b.Name), ["default", "orders-bus", "pg-0", "pg-1", "pg-2", "pg-3", "pg-4"]);
  await rejectsAws(eb().send(new DeleteEventBusCommand({ Name: "default" })), { name: "ValidationException", message: "Cannot delete event bus default." });
  await eb().send(new DeleteEventBusCommand({ Name: "orders-bus" }));
  await rejectsAws(eb().send(new DescribeEventBusCommand({ Name: "orders-bus" })), { name: "ResourceNotFoundException", status: 400, message: "Event bus orders-bus does not exist." });
  await rejectsAws(eb().send(new DeleteEventBusCommand({ Name: "orders-bus" })), { name: "ResourceNotFoundException", message: "Event bus orders-bus does not exist." });
  await rejectsAws(eb().send(new CreateEventBusCommand({ Name: "bad name" })), { name: "ValidationException" });
});

test("rules: put, describe, list with prefix and paging, enable/disable, delete refused while targets remain", async () => {
  const pattern = JSON.stringify({ source: ["shop"] });
  const r = await eb().send(new PutRuleCommand({ Name: "r-a", EventPattern: pattern, Description: "d" }));
  assert.equal(r.RuleArn, `arn:aws:events:us-east-1:${ACCOUNT}:rule/r-a`);
  const d = await eb().send(new DescribeRuleCommand({ Name: "r-a" }));
  assert.equal(d.State, "ENABLED");
  assert.equal(d.EventPattern, pattern);
  assert.equal(d.EventBusName, "default");
  assert.equal(d.CreatedBy, ACCOUNT);
  await eb().send(new DisableRuleCommand({ Name: "r-a" }));
  assert.equal((await eb().send(new DescribeRuleCommand({ Name: "r-a" }))).State, "DISABLED");
  await eb().send(new EnableRuleCommand({ Name: "r-a" }));
  assert.equal((await eb().send(new DescribeRuleCommand({ Name: "r-a" }))).State, "ENABLED");
  for (const n of ["r-b", "r-c", "x-d"]) await eb().send(new PutRuleCommand({ Name: n, EventPattern: pattern }));
  const p1 = await eb().send(new ListRulesCommand({ NamePrefix: "r-", Limit: 2 }));
  assert.deepEqual(p1.Rules!.map((x) => x.Name), ["r-a", "r-b"]);
  const p2 = await eb().send(new ListRulesCommand({ NamePrefix: "r-", Limit: 2, NextToken: p1.NextToken }));
  assert.deepEqual(p2.Rules!.map((x) => x.Name), ["r-c"]);
  await rejectsAws(eb().send(new DescribeRuleCommand({ Name: "nope" })), { name: "ResourceNotFoundException", message: "Rule nope does not exist on EventBus default." });
  await eb().send(new CreateEventBusCommand({ Name: "rb" }));
  const onBus = await eb().send(new PutRuleCommand({ Name: "r-a", EventBusName: "rb", EventPattern: pattern }));
  assert.equal(onBus.RuleArn, `arn:aws:events:us-east-1:${ACCOUNT}:rule/rb/r-a`);
  const q = await queue("rules-q");
  await eb().send(new PutTargetsCommand({ Rule: "r-a", Targets: [{ Id: "t1", Arn: q.arn }] }));
  await eb().send(new PutTargetsCommand({ Rule: "r-b", Targets: [{ Id: "t1", Arn: q.arn }] }));
  await rejectsAws(eb().send(new DeleteRuleCommand({ Name: "r-a" })), { name: "ValidationException", message: "Rule can't be deleted since it has targets." });
  const names = await eb().send(new ListRuleNamesByTargetCommand({ TargetArn: q.arn, Limit: 1 }));
  assert.deepEqual(names.RuleNames, ["r-a"]);
  const names2 = await eb().send(new ListRuleNamesByTargetCommand({ TargetArn: q.arn, NextToken: names.NextToken }));
  assert.deepEqual(names2.RuleNames, ["r-b"]);
  await eb().send(new RemoveTargetsCommand({ Rule: "r-a", Ids: ["t1"] }));
  await eb().send(new DeleteRuleCommand({ Name: "r-a" }));
  await eb().send(new DeleteRuleCommand({ Name: "r-a" }));
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "s", ScheduleExpression: "rate(1 minutes)" })), { name: "ValidationException", message: "Parameter ScheduleExpression is not valid." });
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "bad", EventPattern: "[1]" })), { name: "InvalidEventPatternException", message: "Event pattern is not valid. Reason: Filter is not an object" });
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "x", EventBusName: "missing", EventPattern: pattern })), { name: "ResourceNotFoundException", message: "Event bus missing does not exist." });
});

test("TestEventPattern", async () => {
  const event = JSON.stringify({ id: "1", account: ACCOUNT, source: "shop", time: "2026-01-01T00:00:00Z", region: "us-east-1", resources: [], "detail-type": "x", detail: { n: 5 } });
  assert.equal((await eb().send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ detail: { n: [{ numeric: [">", 3] }] } }), Event: event }))).Result, true);
  assert.equal((await eb().send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ["other"] }), Event: event }))).Result, false);
  await rejectsAws(eb().send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: [] }), Event: event })), {
    name: "InvalidEventPatternException", message: "Event pattern is not valid. Reason: Empty arrays are not allowed",
  });
  await rejectsAws(eb().send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ["x"] }), Event: "plain" })), { name: "ValidationException", message: "Parameter Event is not valid." });
  // resources is one of the mandatory fields (TestEventPattern API reference, Event).
  const { resources: _r, ...noResources } = JSON.parse(event);
  await rejectsAws(eb().send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ["x"] }), Event: JSON.stringify(noResources) })), { name: "ValidationException", message: "Parameter Event is not valid." });
});

test("targets: put, list, remove; other target kinds fail their entry; unsupported features refused; 5 per rule", async () => {
  const q = await queue("t-q");
  await eb().send(new PutRuleCommand({ Name: "tr", EventPattern: JSON.stringify({ source: ["a"] }) }));
  const put = await eb().send(new PutTargetsCommand({
    Rule: "tr",
    Targets: [{ Id: "ok", Arn: q.arn, InputPath: "$.detail" }, { Id: "lambda", Arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:f` }],
  }));
  assert.equal(put.FailedEntryCount, 1);
  assert.equal(put.FailedEntries![0].TargetId, "lambda");
  assert.equal(put.FailedEntries![0].ErrorCode, "UnsupportedTarget");
  const list = await eb().send(new ListTargetsByRuleCommand({ Rule: "tr" }));
  assert.deepEqual(list.Targets!.map((t) => [t.Id, t.Arn, t.InputPath]), [["ok", q.arn, "$.detail"]]);
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "tr", Targets: [{ Id: "!@#$@!#$", Arn: q.arn }] })), {
    name: "ValidationException", message: "1 validation error detected: Value '!@#$@!#$' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
  });
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "tr", Targets: [{ Id: "x", Arn: q.arn, EcsParameters: { TaskDefinitionArn: "t" } }] })), { name: "ValidationException", message: /EcsParameters is not supported/ });
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "tr", Targets: [{ Id: "x", Arn: q.arn, InputPath: "$..detail" }] })), { name: "ValidationException", message: /InputPath for target x is not supported/ });
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "tr", Targets: [{ Id: "x", Arn: q.arn, Input: "{" }] })), { name: "ValidationException", message: "Input for target x is not valid JSON text." });
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "tr", Targets: [{ Id: "x", Arn: q.arn, Input: "{}", InputPath: "$" }] })), {
    name: "ValidationException", message: "Only one of Input, InputPath, or InputTransformer must be provided for target x.",
  });
  await eb().send(new PutTargetsCommand({ Rule: "tr", Targets: ["a", "b", "c", "d"].map((Id) => ({ Id, Arn: q.arn })) }));
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "tr", Targets: [{ Id: "e", Arn: q.arn }] })), { name: "LimitExceededException", message: "The requested resource exceeds the maximum number allowed." });
  const rm = await eb().send(new RemoveTargetsCommand({ Rule: "tr", Ids: ["a", "b", "c", "d", "ok"] }));
  assert.equal(rm.FailedEntryCount, 0);
  assert.deepEqual((await eb().send(new ListTargetsByRuleCommand({ Rule: "tr" }))).Targets, []);
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "none", Targets: [{ Id: "x", Arn: q.arn }] })), { name: "ResourceNotFoundException", message: "Rule none does not exist on EventBus default." });
});

test("PutEvents delivers the formed event to matching SQS targets, with Input and InputPath; per-entry errors", async () => {
  const all = await queue("pe-all");
  const path = await queue("pe-path");
  const fixed = await queue("pe-fixed");
  await eb().send(new CreateEventBusCommand({ Name: "pe-bus" }));
  await eb().send(new PutRuleCommand({ Name: "shop", EventBusName: "pe-bus", EventPattern: JSON.stringify({ source: ["shop"], detail: { kind: ["order"] } }) }));
  await eb().send(new PutRuleCommand({ Name: "any", EventBusName: "pe-bus", EventPattern: JSON.stringify({ "detail-type": [{ prefix: "Fixed" }] }) }));
  await eb().send(new PutRuleCommand({ Name: "off", EventBusName: "pe-bus", State: "DISABLED", EventPattern: JSON.stringify({ source: ["shop"] }) }));
  await eb().send(new PutTargetsCommand({ Rule: "shop", EventBusName: "pe-bus", Targets: [{ Id: "all", Arn: all.arn }, { Id: "path", Arn: path.arn, InputPath: "$.detail.id" }] }));
  await eb().send(new PutTargetsCommand({ Rule: "any", EventBusName: "pe-bus", Targets: [{ Id: "fixed", Arn: fixed.arn, Input: "{\"constant\":true}" }] }));
  await eb().send(new PutTargetsCommand({ Rule: "off", EventBusName: "pe-bus", Targets: [{ Id: "all", Arn: all.arn }] }));
  const busArn = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/pe-bus`;
  const res = await eb().send(new PutEventsCommand({
    Entries: [
      { EventBusName: "pe-bus", Source: "shop", DetailType: "Order", Detail: JSON.stringify({ kind: "order", id: 7 }), Time: new Date("2026-03-01T10:20:30.456Z"), Resources: ["r1"] },
      { EventBusName: busArn, Source: "shop", DetailType: "Other", Detail: JSON.stringify({ kind: "refund" }) },
      { EventBusName: "pe-bus", Source: "x", DetailType: "Fixed thing", Detail: "{}" },
      { EventBusName: "pe-bus", DetailType: "t", Detail: "{}" },
      { EventBusName: "pe-bus", Source: "s", DetailType: "t", Detail: "[1]" },
      { EventBusName: "pe-bus", Source: "aws.ec2", DetailType: "t", Detail: "{}" },
    ],
  }));
  assert.equal(res.FailedEntryCount, 3);
  assert.ok(res.Entries![0].EventId && res.Entries![1].EventId && res.Entries![2].EventId);
  assert.deepEqual(res.Entries!.slice(3).map((e) => [e.ErrorCode, e.ErrorMessage]), [
    ["InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."],
    ["MalformedDetail", "Detail is malformed."],
    ["NotAuthorizedForSourceException", "Not authorized for the source."],
  ]);
  const got = await receive(all.url);
  assert.equal(got.length, 1);
  assert.deepEqual(JSON.parse(got[0].Body!), {
    version: "0", id: res.Entries![0].EventId, "detail-type": "Order", source: "shop", account: ACCOUNT, time: "2026-03-01T10:20:30Z",
    region: "us-east-1", resources: ["r1"], detail: { kind: "order", id: 7 },
  });
  assert.deepEqual((await receive(path.url)).map((m) => m.Body), ["7"]);
  assert.deepEqual((await receive(fixed.url)).map((m) => m.Body), ["{\"constant\":true}"]);
  await rejectsAws(eb().send(new PutEventsCommand({ Entries: [{ EventBusName: "missing", Source: "s", DetailType: "t", Detail: "{}" }] })), {
    name: "ResourceNotFoundException", message: "Event bus missing does not exist.",
  });
  await rejectsAws(eb().send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ({ Source: "s", DetailType: "t", Detail: "{}" })) })), { name: "ValidationException" });
  await rejectsAws(eb().send(new PutEventsCommand({ Entries: [{ Source: "s", DetailType: "t", Detail: JSON.stringify({ x: "y".repeat(256 * 1024) }) }] })), {
    name: "ValidationException", message: "Total size of the entries in the request is over the limit.",
  });
});

test("PutEvents into a FIFO queue target with SqsParameters.MessageGroupId; FIFO target without a group is refused", async () => {
  const f = await queue("pe.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  await eb().send(new PutRuleCommand({ Name: "fifo", EventPattern: JSON.stringify({ source: ["fifo-src"] }) }));
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "fifo", Targets: [{ Id: "f", Arn: f.arn }] })), {
    name: "ValidationException", message: "Parameter(s) SqsParameters must be specified for target: f.",
  });
  await eb().send(new PutTargetsCommand({ Rule: "fifo", Targets: [{ Id: "f", Arn: f.arn, SqsParameters: { MessageGroupId: "g1" } }] }));
  await eb().send(new PutEventsCommand({ Entries: [1, 2, 3].map((n) => ({ Source: "fifo-src", DetailType: "t", Detail: JSON.stringify({ n }) })) }));
  const got = await receive(f.url);
  assert.deepEqual(got.map((m) => JSON.parse(m.Body!).detail.n), [1, 2, 3]);
  assert.ok(got.every((m) => m.Attributes!.MessageGroupId === "g1"));
});

test("operations of later increments answer a clear error", async () => {
  await rejectsAws(eb().send(new CreateEndpointCommand({ Name: "e", RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: "h" }, Secondary: { Route: "r" } } }, EventBuses: [] })), {
    message: "CreateEndpoint is not supported by this Mailroom version yet.",
  });
});
