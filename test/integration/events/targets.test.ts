// Targets in one account with the official client: SNS topics and other event buses written in the PutEvents'
// transaction, one hop between buses, InputTransformer into SQS, dead letters at once for targets that do not exist,
// PutTargets' checks and limits, ListTargetsByRule's shapes, UpdateEventBus, PutPermission and RemovePermission, and
// PutEvents' entry checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CreateEventBusCommand, DescribeEventBusCommand, EventBridgeClient, ListEventBusesCommand, ListTargetsByRuleCommand, PutEventsCommand, PutPermissionCommand,
  PutRuleCommand, PutTargetsCommand, RemovePermissionCommand, RemoveTargetsCommand, UpdateEventBusCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { TEST_CREDENTIALS, useTestServer } from "../../helpers/server.ts";

const { server, sqs, sns } = useTestServer();
const ACCOUNT = "000000000000";
let client: EventBridgeClient | undefined;
const eb = () => (client ??= new EventBridgeClient({ endpoint: server.endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 }));

async function queue(name: string, attributes?: Record<string, string>) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  return { url, arn };
}
const messages = async (url: string) =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"], AttributeNames: ["All"] }))).Messages ?? [];
const bodies = async (url: string) => (await messages(url)).map((m) => JSON.parse(m.Body!));
async function rule(name: string, targets: Record<string, unknown>[], bus?: string, pattern: object = { source: ["app"], detail: { rule: [name] } }) {
  await eb().send(new PutRuleCommand({ Name: name, EventBusName: bus, EventPattern: JSON.stringify(pattern) }));
  const r = await eb().send(new PutTargetsCommand({ Rule: name, EventBusName: bus, Targets: targets as never }));
  assert.equal(r.FailedEntryCount, 0, JSON.stringify(r.FailedEntries));
}
const emit = (ruleName: string, extra: object = {}, bus?: string) =>
  eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: JSON.stringify({ rule: ruleName, ...extra }), EventBusName: bus }] }));

test("an SNS topic target: the event is published to the topic, whose subscriptions get it in the same request", async () => {
  const q = await queue("sns-sub");
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "eb-topic" }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
  const envq = await queue("sns-env");
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: envq.arn }));
  await rule("to-sns", [{ Id: "t", Arn: TopicArn }]);
  const r = await emit("to-sns", { n: 1 });
  // A 200 means the topic's queues have it already.
  const [e] = await bodies(q.url);
  assert.equal(e.id, r.Entries![0].EventId);
  assert.equal(e.detail.n, 1);
  const [env] = await bodies(envq.url);
  assert.equal(env.Type, "Notification");
  assert.equal(env.TopicArn, TopicArn);
  assert.equal(JSON.parse(env.Message).id, r.Entries![0].EventId);
});

test("an event bus target in the same account gets the event as it was (same id), one hop only", async () => {
  await eb().send(new CreateEventBusCommand({ Name: "hop-b" }));
  await eb().send(new CreateEventBusCommand({ Name: "hop-c" }));
  const bq = await queue("hop-bq");
  const cq = await queue("hop-cq");
  await rule("hop", [{ Id: "b", Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/hop-b` }]);
  // On bus B: a queue target, and a rule forwarding to bus C, which EventBridge does not follow (one hop).
  await rule("hop", [{ Id: "q", Arn: bq.arn }, { Id: "c", Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/hop-c` }], "hop-b");
  await rule("hop", [{ Id: "q", Arn: cq.arn }], "hop-c");
  const r = await emit("hop", { v: "x" });
  const [e] = await bodies(bq.url);
  assert.equal(e.id, r.Entries![0].EventId);
  assert.equal(e.account, ACCOUNT);
  assert.equal(e.detail.v, "x");
  assert.deepEqual(await bodies(cq.url), []);
  // A bus target takes the event itself: no Input, InputPath or InputTransformer.
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "hop", Targets: [{ Id: "b", Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/hop-b`, InputPath: "$.detail" }] })), {
    name: "ValidationException", message: /not supported for event bus target b/,
  });
});

test("InputTransformer into SQS; the predefined variables; quoting as the user guide shows", async () => {
  const q = await queue("xf");
  await rule("xf", [{
    Id: "q", Arn: q.arn,
    InputTransformer: { InputPathsMap: { name: "$.detail.name", n: "$.detail.n" }, InputTemplate: '{"who": <name>, "n": <n>, "text": "<name> is <n>", "rule": <aws.events.rule-arn>, "event": <aws.events.event.json>}' },
  }, { Id: "s", Arn: (await queue("xf-s")).arn, InputTransformer: { InputPathsMap: { name: "$.detail.name" }, InputTemplate: '"hello <name>"' } }]);
  const r = await emit("xf", { name: "ann", n: 3 });
  const [b] = await bodies(q.url);
  assert.deepEqual({ ...b, event: undefined }, { who: "ann", n: 3, text: "ann is 3", rule: `arn:aws:events:us-east-1:${ACCOUNT}:rule/xf`, event: undefined });
  assert.equal(b.event.id, r.Entries![0].EventId);
  const [m] = await messages(`${server.endpoint}/${ACCOUNT}/xf-s`);
  // InputPath takes the same paths, wildcards included (a list).
  const wild = await queue("xf-wild");
  await rule("xf-wild", [{ Id: "w", Arn: wild.arn, InputPath: "$.detail.items[*].id" }]);
  await emit("xf-wild", { items: [{ id: 1 }, { id: 2 }] });
  assert.deepEqual((await bodies(wild.url))[0], [1, 2]);
  assert.equal(m.Body, '"hello ann"');
  const listed = (await eb().send(new ListTargetsByRuleCommand({ Rule: "xf" }))).Targets!;
  assert.equal(listed[0].InputTransformer?.InputTemplate?.startsWith('{"who"'), true);
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "xf", Targets: [{ Id: "bad", Arn: q.arn, InputTransformer: { InputTemplate: '{"a": <nope>}' } }] })), {
    name: "ValidationException", message: "InputTemplate for target bad contains invalid placeholder nope.",
  });
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "xf", Targets: [{ Id: "bad", Arn: q.arn, InputTransformer: { InputTemplate: '"<aws.events.event.json>"' } }] })), {
    name: "ValidationException", message: "InputTemplate for target bad contains placeholder aws.events.event.json valid only for JSON template.",
  });
});

test("targets that do not exist: the event goes to the target's dead-letter queue at once, with NO_RESOURCE", async () => {
  const dlq = await queue("nores-dlq");
  await rule("nores", [
    { Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:no-such-queue`, DeadLetterConfig: { Arn: dlq.arn } },
    { Id: "t", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:no-such-topic`, DeadLetterConfig: { Arn: dlq.arn }, Input: '{"fixed":true}' },
    { Id: "b", Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/no-such-bus`, DeadLetterConfig: { Arn: dlq.arn } },
    { Id: "quiet", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:no-dlq-either` },
  ]);
  await emit("nores");
  const got = await messages(dlq.url);
  assert.equal(got.length, 3);
  const byTarget = Object.fromEntries(got.map((m) => [m.MessageAttributes!.TARGET_ARN.StringValue!, m]));
  const q = byTarget[`arn:aws:sqs:us-east-1:${ACCOUNT}:no-such-queue`];
  assert.equal(q.MessageAttributes!.ERROR_CODE.StringValue, "NO_RESOURCE");
  assert.equal(q.MessageAttributes!.RULE_ARN.StringValue, `arn:aws:events:us-east-1:${ACCOUNT}:rule/nores`);
  assert.equal(q.MessageAttributes!.RETRY_ATTEMPTS.StringValue, "0");
  assert.equal(q.MessageAttributes!.EXHAUSTED_RETRY_CONDITION, undefined);
  assert.equal(JSON.parse(q.Body!).detail.rule, "nores");
  assert.equal(byTarget[`arn:aws:sns:us-east-1:${ACCOUNT}:no-such-topic`].Body, '{"fixed":true}');
  assert.ok(byTarget[`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/no-such-bus`]);
});

test("probe: an InputTransformer whose output would pass 256 KiB fails its target at once (dead letter), the request does not", async () => {
  const dlq = await queue("big-dlq");
  const q = await queue("big-q");
  const template = `[${Array.from({ length: 2000 }, () => "<v>").join(",")}]`;
  await rule("big", [{ Id: "q", Arn: q.arn, InputTransformer: { InputPathsMap: { v: "$.detail.v" }, InputTemplate: template }, DeadLetterConfig: { Arn: dlq.arn } }]);
  const started = Date.now();
  const r = await emit("big", { v: "x".repeat(200_000) });
  assert.equal(r.FailedEntryCount, 0);
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(await messages(q.url), []);
  const [m] = await messages(dlq.url);
  assert.equal(m.MessageAttributes!.ERROR_CODE.StringValue, "INPUT_TOO_LARGE");
});

test("a queue whose MaximumMessageSize the event exceeds does not get it: the target's DLQ does", async () => {
  const dlq = await queue("small-dlq");
  const small = await queue("small-q", { MaximumMessageSize: "1024" });
  await rule("small", [{ Id: "q", Arn: small.arn, DeadLetterConfig: { Arn: dlq.arn } }]);
  await emit("small", { pad: "x".repeat(2000) });
  assert.deepEqual(await messages(small.url), []);
  const [m] = await messages(dlq.url);
  assert.equal(m.MessageAttributes!.ERROR_CODE.StringValue, "INPUT_TOO_LARGE");
  await emit("small", { pad: "fits" });
  assert.equal((await bodies(small.url))[0].detail.pad, "fits");
});

test("a FIFO queue target gets the target's MessageGroupId; SqsParameters is required for it", async () => {
  const q = await queue("eb.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" });
  await rejectsAws(eb().send(new PutRuleCommand({ Name: "fifo", EventPattern: JSON.stringify({ source: ["app"], detail: { rule: ["fifo"] } }) })).then(() =>
    eb().send(new PutTargetsCommand({ Rule: "fifo", Targets: [{ Id: "f", Arn: q.arn }] }))), { name: "ValidationException", message: "Parameter(s) SqsParameters must be specified for target: f." });
  await rule("fifo", [{ Id: "f", Arn: q.arn, SqsParameters: { MessageGroupId: "g1" } }]);
  await emit("fifo", { i: 1 });
  await emit("fifo", { i: 2 });
  const got = await messages(q.url);
  assert.deepEqual(got.map((m) => [m.Attributes!.MessageGroupId, JSON.parse(m.Body!).detail.i]), [["g1", 1], ["g1", 2]]);
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "fifo", Targets: [{ Id: "x", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t`, SqsParameters: { MessageGroupId: "g" } }] })), {
    name: "ValidationException", message: /SqsParameters is only supported/,
  });
});

test("PutTargets: retry policy ranges, dead-letter ARNs, HttpParameters only for API destinations, refused kinds, 10 per call", async () => {
  const q = await queue("pt");
  await eb().send(new PutRuleCommand({ Name: "pt", EventPattern: JSON.stringify({ source: ["pt"] }) }));
  const put = (t: Record<string, unknown>) => eb().send(new PutTargetsCommand({ Rule: "pt", Targets: [{ Id: "x", Arn: q.arn, ...t }] as never }));
  await rejectsAws(put({ RetryPolicy: { MaximumRetryAttempts: 186 } }), {
    name: "ValidationException", message: "1 validation error detected: Value '186' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185",
  });
  await rejectsAws(put({ RetryPolicy: { MaximumEventAgeInSeconds: 59 } }), { name: "ValidationException", message: /maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60/ });
  await rejectsAws(put({ RetryPolicy: { MaximumEventAgeInSeconds: 86_401 } }), { name: "ValidationException", message: /less than or equal to 86400/ });
  await rejectsAws(put({ DeadLetterConfig: { Arn: "arn:aws:sns:us-east-1:000000000000:t" } }), { name: "ValidationException", message: /not a valid SQS queue ARN/ });
  await rejectsAws(put({ DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:000000000000:d.fifo" } }), { name: "ValidationException", message: /FIFO queue/ });
  await rejectsAws(put({ DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:000000000000:d" } }), { name: "ValidationException", message: /rule's region/ });
  await rejectsAws(put({ HttpParameters: { HeaderParameters: { a: "b" } } }), { name: "ValidationException", message: /only supported for API destination targets/ });
  await rejectsAws(put({ Input: "x".repeat(8193) }), { name: "ValidationException", message: /less than or equal to 8192/ });
  const kinds = await eb().send(new PutTargetsCommand({
    Rule: "pt", Targets: [
      { Id: "k", Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream-not-a-stream` },
      { Id: "s", Arn: `arn:aws:states:us-east-1:${ACCOUNT}:activity:m` },
      { Id: "f", Arn: `arn:aws:sns:us-east-1:${ACCOUNT}:t.fifo` },
      { Id: "ok", Arn: q.arn, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: q.arn }, RoleArn: "arn:aws:iam::000000000000:role/r" },
    ],
  }));
  assert.equal(kinds.FailedEntryCount, 3);
  // Kinesis and Step Functions targets need a stream or state machine ARN (service-targets.test.ts delivers to them).
  assert.deepEqual(kinds.FailedEntries!.map((f) => [f.TargetId, f.ErrorCode]), [["k", "ValidationException"], ["s", "ValidationException"], ["f", "UnsupportedTarget"]]);
  assert.match(kinds.FailedEntries![0].ErrorMessage!, /Kinesis stream ARN/);
  const [t] = (await eb().send(new ListTargetsByRuleCommand({ Rule: "pt" }))).Targets!;
  assert.deepEqual([t.Id, t.RetryPolicy, t.DeadLetterConfig, t.RoleArn], ["ok", { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 }, { Arn: q.arn }, "arn:aws:iam::000000000000:role/r"]);
  await rejectsAws(eb().send(new PutTargetsCommand({ Rule: "pt", Targets: Array.from({ length: 11 }, (_, i) => ({ Id: `t${i}`, Arn: q.arn })) })), {
    name: "ValidationException", message: /at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10/,
  });
  const rm = await eb().send(new RemoveTargetsCommand({ Rule: "pt", Ids: ["ok", "never"], Force: true }));
  assert.equal(rm.FailedEntryCount, 0);
});

test("UpdateEventBus and DescribeEventBus; PutPermission and RemovePermission keep the bus policy", async () => {
  await eb().send(new CreateEventBusCommand({ Name: "upd", Description: "one" }));
  const u = await eb().send(new UpdateEventBusCommand({ Name: "upd", Description: "two" }));
  assert.deepEqual([u.Name, u.Arn, u.Description], ["upd", `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/upd`, "two"]);
  const d = await eb().send(new DescribeEventBusCommand({ Name: "upd" }));
  assert.equal(d.Description, "two");
  assert.equal(d.Policy, undefined);
  assert.ok(d.LastModifiedTime);
  await rejectsAws(eb().send(new UpdateEventBusCommand({ Name: "missing", Description: "x" })), { name: "ResourceNotFoundException", message: "Event bus missing does not exist." });
  await rejectsAws(eb().send(new UpdateEventBusCommand({ Name: "upd", KmsKeyIdentifier: "k" })), { name: "ValidationException", message: /KmsKeyIdentifier is not supported/ });

  await rejectsAws(eb().send(new RemovePermissionCommand({ EventBusName: "upd", StatementId: "s1" })), { name: "ResourceNotFoundException", message: "EventBus does not have a policy." });
  await eb().send(new PutPermissionCommand({ EventBusName: "upd", Action: "events:PutEvents", Principal: "111111111111", StatementId: "s1" }));
  await eb().send(new PutPermissionCommand({ EventBusName: "upd", Action: "events:PutEvents", Principal: "*", StatementId: "s2", Condition: { Type: "StringEquals", Key: "aws:PrincipalOrgID", Value: "o-1" } }));
  const policy = JSON.parse((await eb().send(new DescribeEventBusCommand({ Name: "upd" }))).Policy!);
  const listed = (await eb().send(new ListEventBusesCommand({ NamePrefix: "upd" }))).EventBuses!;
  assert.deepEqual(JSON.parse(listed[0].Policy!), policy);
  assert.deepEqual(policy, {
    Version: "2012-10-17",
    Statement: [
      { Sid: "s1", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "events:PutEvents", Resource: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/upd` },
      { Sid: "s2", Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/upd`, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } },
    ],
  });
  await rejectsAws(eb().send(new PutPermissionCommand({ EventBusName: "upd", Action: "events:PutRule", Principal: "111111111111", StatementId: "s3" })), {
    name: "ValidationException", message: "Provided value in parameter 'action' is not supported.",
  });
  await rejectsAws(eb().send(new PutPermissionCommand({ EventBusName: "upd", Action: "events:PutEvents", StatementId: "s3" })), { name: "ValidationException", message: "Parameter Principal must be specified." });
  await rejectsAws(eb().send(new PutPermissionCommand({ EventBusName: "upd", Action: "events:PutEvents", Principal: "1234", StatementId: "s3" })), { name: "ValidationException" });
  await rejectsAws(eb().send(new RemovePermissionCommand({ EventBusName: "upd", StatementId: "nope" })), { name: "ResourceNotFoundException", message: "Statement with the provided id does not exist." });
  await eb().send(new RemovePermissionCommand({ EventBusName: "upd", StatementId: "s1" }));
  assert.deepEqual(JSON.parse((await eb().send(new DescribeEventBusCommand({ Name: "upd" }))).Policy!).Statement.map((s: { Sid: string }) => s.Sid), ["s2"]);
  await eb().send(new RemovePermissionCommand({ EventBusName: "upd", RemoveAllPermissions: true }));
  assert.equal((await eb().send(new DescribeEventBusCommand({ Name: "upd" }))).Policy, undefined);
  // A whole policy, and the size quota (10,240 characters).
  const whole = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "w", Effect: "Allow", Principal: { AWS: "222222222222" }, Action: "events:PutEvents", Resource: "*" }] });
  await eb().send(new PutPermissionCommand({ Policy: whole }));
  assert.equal((await eb().send(new DescribeEventBusCommand({}))).Policy, whole);
  await rejectsAws(eb().send(new PutPermissionCommand({ Policy: JSON.stringify({ Statement: [{ Sid: "x".repeat(10_300) }] }) })), { name: "PolicyLengthExceededException" });
  await rejectsAws(eb().send(new PutPermissionCommand({ Policy: "{" })), { name: "ValidationException" });
  await eb().send(new RemovePermissionCommand({ RemoveAllPermissions: true }));
});

test("PutEvents: TraceHeader accepted within 500 characters, aws. sources refused per entry, the 256 KiB limit as AWS counts it", async () => {
  const q = await queue("pe-checks");
  await rule("pe-checks", [{ Id: "q", Arn: q.arn }]);
  const r = await eb().send(new PutEventsCommand({
    Entries: [
      { Source: "app", DetailType: "d", Detail: JSON.stringify({ rule: "pe-checks" }), TraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793" },
      { Source: "aws.ec2", DetailType: "d", Detail: JSON.stringify({ rule: "pe-checks" }) },
    ],
  }));
  assert.equal(r.FailedEntryCount, 1);
  assert.equal(r.Entries![1].ErrorCode, "NotAuthorizedForSourceException");
  assert.equal((await bodies(q.url)).length, 1);
  // Probe: a Detail nested deeper than 1,000 levels is malformed for its entry, never a 500.
  const deep = (n: number) => `{"rule":"pe-checks","a":${"[".repeat(n)}${"]".repeat(n)}}`;
  const nested = await eb().send(new PutEventsCommand({ Entries: [5000, 120_000, 998].map((n) => ({ Source: "app", DetailType: "d", Detail: deep(n) })) }));
  assert.deepEqual(nested.Entries!.map((x) => x.ErrorCode), ["MalformedDetail", "MalformedDetail", undefined]);
  assert.equal((await bodies(q.url)).length, 1);
  await rejectsAws(eb().send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "d", Detail: "{}", TraceHeader: "x".repeat(501) }] })), {
    name: "ValidationException", message: /traceHeader' failed to satisfy constraint: Member must have length less than or equal to 500/,
  });
  // 256 KiB: Detail, Source, DetailType and Resources in UTF-8, plus 14 bytes for a Time (user guide, "Calculating PutEvents event entry size").
  const detail = JSON.stringify({ p: "x".repeat(256 * 1024 - 3 - 10) });
  const fits = await eb().send(new PutEventsCommand({ Entries: [{ Source: "a", DetailType: "d", Detail: detail }] }));
  assert.equal(fits.FailedEntryCount, 0);
  await rejectsAws(eb().send(new PutEventsCommand({ Entries: [{ Source: "a", DetailType: "d", Detail: detail, Time: new Date() }] })), {
    name: "ValidationException", message: "Total size of the entries in the request is over the limit.",
  });
});
