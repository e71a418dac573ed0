// Resources declared at startup (--config file, startMailroom({ resources }); ADR 0024), on the backend
// MAILROOM_TEST_BACKEND names: every service module's kinds are applied through its own operations; applying the
// same declarations at the next start changes nothing, a changed declaration brings the resource up to date, and a
// bad file or object fails the start with its file:line (or path) and the resource. Probes: an alias bomb, a
// duplicate key, a file that is not YAML.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { DescribeStreamSummaryCommand, KinesisClient, ListTagsForStreamCommand } from "@aws-sdk/client-kinesis";
import { DescribeStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTagsForResourceCommand, PublishCommand } from "@aws-sdk/client-sns";
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, ListQueuesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { DeclarationError, type Mailroom } from "../../../src/index.ts";
import { startReceiver } from "../../helpers/receiver.ts";
import { snsClient, sqsClient, startTestServer, TEST_CREDENTIALS } from "../../helpers/server.ts";

const dir = mkdtempSync(join(tmpdir(), "mailroom-declare-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNT = "000000000000";
const config = (visibility: number, filter: string) => `# Declared resources (a comment, as operators write them)
sqs:
  queues:
    - name: jobs-dlq
    - name: jobs
      attributes:
        VisibilityTimeout: ${visibility}
        RedrivePolicy: { deadLetterTargetArn: jobs-dlq, maxReceiveCount: 3 }
      tags: { team: core }
    - name: orders.fifo
      attributes: { ContentBasedDeduplication: true }
sns:
  topics:
    - name: events
      attributes: { DisplayName: Events }
      tags: { team: core }
      subscriptions:
        - protocol: sqs
          endpoint: jobs
          attributes:
            RawMessageDelivery: true
            FilterPolicy: { kind: [${filter}] }
events:
  buses:
    - name: shop
  rules:
    - name: to-jobs
      bus: shop
      eventPattern: { source: [shop] }
      targets:
        - { id: q, arn: jobs }
kinesis:
  streams:
    - { name: clicks, shardCount: ${visibility === 45 ? 2 : 4}, retentionHours: ${visibility === 45 ? 24 : 48}, tags: { team: core } }
stepfunctions:
  stateMachines:
    - name: flow
      definition: { StartAt: A, States: { A: { Type: Pass, Result: ${visibility}, End: true } } }
`;

function clients(endpoint: string) {
  const base = { endpoint, region: "us-east-1", credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  return {
    sqs: sqsClient(endpoint),
    sns: snsClient(endpoint),
    events: new EventBridgeClient(base),
    kinesis: new KinesisClient({ ...base, requestHandler: new NodeHttpHandler() }),
    sfn: new SFNClient(base),
    destroy() {
      for (const c of [this.sqs, this.sns, this.events, this.kinesis, this.sfn]) c.destroy();
    },
  };
}

async function snapshot(server: Mailroom) {
  const c = clients(server.endpoint);
  try {
    const urls = (await c.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const jobs = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: "jobs" }))).QueueUrl!;
    const attrs = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: jobs, AttributeNames: ["VisibilityTimeout", "RedrivePolicy"] }))).Attributes!;
    const tags = (await c.sqs.send(new ListQueueTagsCommand({ QueueUrl: jobs }))).Tags;
    const fifoUrl = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: "orders.fifo" }))).QueueUrl!;
    const fifo = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: fifoUrl, AttributeNames: ["FifoQueue", "ContentBasedDeduplication"] }))).Attributes;
    const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:events`;
    const topic = (await c.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes!;
    const topicTags = (await c.sns.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }))).Tags;
    const subs = (await c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    const sub = (await c.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subs[0].SubscriptionArn! }))).Attributes!;
    const rule = await c.events.send(new DescribeRuleCommand({ Name: "to-jobs", EventBusName: "shop" }));
    const targets = (await c.events.send(new ListTargetsByRuleCommand({ Rule: "to-jobs", EventBusName: "shop" }))).Targets;
    const stream = (await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "clicks" }))).StreamDescriptionSummary!;
    const streamTags = (await c.kinesis.send(new ListTagsForStreamCommand({ StreamName: "clicks" }))).Tags;
    const machine = await c.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:flow` }));
    return {
      queues: urls.map((u) => u.split("/").pop()).sort(),
      visibility: attrs.VisibilityTimeout,
      redrive: JSON.parse(attrs.RedrivePolicy!),
      tags,
      fifo,
      topic: { DisplayName: topic.DisplayName, SubscriptionsConfirmed: topic.SubscriptionsConfirmed },
      topicTags,
      subscriptions: subs.length,
      subscription: { raw: sub.RawMessageDelivery, filter: JSON.parse(sub.FilterPolicy!), endpoint: sub.Endpoint },
      rule: { pattern: JSON.parse(rule.EventPattern!), state: rule.State },
      targets: targets?.map((t) => ({ Id: t.Id, Arn: t.Arn })),
      stream: { status: stream.StreamStatus, shards: stream.OpenShardCount, retention: stream.RetentionPeriodHours, tags: streamTags },
      machine: JSON.parse(machine.definition!).States.A.Result,
    };
  } finally {
    c.destroy();
  }
}

describe("a declaration file applied at every start", () => {
  test("first start creates everything; the same file again changes nothing; a changed one updates in place", async () => {
    const file = join(dir, "mailroom.yaml");
    writeFileSync(file, config(45, "order"));
    const dataDir = join(dir, "data");
    let server = await startTestServer({ dataDir, config: file });
    const first = await snapshot(server);
    assert.deepEqual(first, {
      queues: ["jobs", "jobs-dlq", "orders.fifo"],
      visibility: "45",
      redrive: { deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs-dlq`, maxReceiveCount: 3 },
      tags: { team: "core" },
      fifo: { FifoQueue: "true", ContentBasedDeduplication: "true" },
      topic: { DisplayName: "Events", SubscriptionsConfirmed: "1" },
      topicTags: [{ Key: "team", Value: "core" }],
      subscriptions: 1,
      subscription: { raw: "true", filter: { kind: ["order"] }, endpoint: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` },
      rule: { pattern: { source: ["shop"] }, state: "ENABLED" },
      targets: [{ Id: "q", Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs` }],
      stream: { status: "ACTIVE", shards: 2, retention: 24, tags: [{ Key: "team", Value: "core" }] },
      machine: 45,
    });
    assert.match(server.describe, /8 declared resources applied/);
    await server.close();

    server = await startTestServer({ dataDir, config: file });
    assert.deepEqual(await snapshot(server), first, "applying the same declarations again is idempotent");
    await server.close();

    writeFileSync(file, config(90, "invoice"));
    server = await startTestServer({ dataDir, config: file });
    try {
      const changed = await snapshot(server);
      assert.equal(changed.visibility, "90");
      assert.deepEqual(changed.subscription.filter, { kind: ["invoice"] });
      assert.equal(changed.subscriptions, 1, "the subscription is brought up to date, not duplicated");
      assert.equal(changed.machine, 90, "the state machine's definition is updated");
      assert.deepEqual(changed.stream, { status: "ACTIVE", shards: 4, retention: 48, tags: [{ Key: "team", Value: "core" }] }, "the stream is resharded and its retention raised");
      // The declared subscription delivers: a message with the declared filter reaches the declared queue raw.
      const c = clients(server.endpoint);
      try {
        await c.sns.send(new PublishCommand({
          TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:events`, Message: "hello",
          MessageAttributes: { kind: { DataType: "String", StringValue: "invoice" } },
        }));
        const jobs = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: "jobs" }))).QueueUrl!;
        const got = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: jobs, WaitTimeSeconds: 1 }));
        assert.equal(got.Messages?.[0]?.Body, "hello");
      } finally {
        c.destroy();
      }
    } finally {
      await server.close();
    }
  });

  test("startMailroom({ resources }) takes the same declarations as an object", async () => {
    const server = await startTestServer({
      resources: { region: "eu-west-1", sqs: { queues: [{ name: "in-process", attributes: { DelaySeconds: 5 } }] } },
    });
    const sqs = sqsClient(server.endpoint, { region: "eu-west-1" });
    try {
      const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: "in-process" }))).QueueUrl!;
      const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["DelaySeconds", "QueueArn"] }));
      assert.equal(a.Attributes?.DelaySeconds, "5");
      assert.equal(a.Attributes?.QueueArn, `arn:aws:sqs:eu-west-1:${ACCOUNT}:in-process`);
    } finally {
      sqs.destroy();
      await server.close();
    }
  });
});

describe("declared HTTP subscriptions", () => {
  test("are confirmed through a SubscribeURL on the server's real endpoint", async () => {
    const receiver = await startReceiver();
    const server = await startTestServer({
      resources: { sns: { topics: [{ name: "hooks", subscriptions: [{ protocol: "http", endpoint: `${receiver.url}/hook` }] }] } },
    });
    try {
      const [confirmation] = await receiver.waitFor(1);
      assert.equal(confirmation.json?.Type, "SubscriptionConfirmation");
      assert.ok(confirmation.json?.SubscribeURL.startsWith(`${server.endpoint}/?Action=ConfirmSubscription`), confirmation.json?.SubscribeURL);
      assert.equal((await fetch(confirmation.json!.SubscribeURL)).status, 200);
    } finally {
      await server.close();
      await receiver.close();
    }
  });
});

describe("a bad declaration stops the start with the file, the line and the resource", () => {
  const cases: [string, string, RegExp][] = [
    ["AWS's own error, at the resource's line", "sqs:\n  queues:\n    - name: ok\n    - name: slow\n      attributes: { VisibilityTimeout: 99999 }\n",
      /bad\.yaml:4: sqs queues "slow": InvalidAttributeValue: Invalid value for the parameter VisibilityTimeout/],
    ["an unknown section", "sqs: {}\nsqs2:\n  queues: []\n", /bad\.yaml:2: unknown section "sqs2"/],
    ["an unknown kind", "sns:\n  topic:\n    - name: t\n", /bad\.yaml:2: unknown sns resource kind "topic" \(expected topics\)/],
    ["an unknown field", "sqs:\n  queues:\n    - name: a\n      atributes: {}\n", /bad\.yaml:4: sqs queues #1: unknown field "atributes"/],
    ["a missing name", "kinesis:\n  streams:\n    - shardCount: 1\n", /bad\.yaml:3: kinesis streams #1: "name" must be a non-empty string/],
    ["a name declared twice", "sqs:\n  queues:\n    - name: a\n    - name: a\n", /bad\.yaml:4: sqs queues "a" is declared twice/],
    ["YAML that does not parse", "sqs:\n  queues:\n    - name: a\n   bad: [\n", /bad\.yaml:\d+: /],
    ["a key given twice", "sqs:\n  queues: []\nsqs:\n  queues: []\n", /bad\.yaml:3: Map keys must be unique/],
    ["an alias bomb", `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`,
      /bad\.yaml: Excessive alias count/],
    ["a bad account", "account: 12\n", /bad\.yaml:1: account must be 12 digits/],
    ["nesting 200,000 deep", `sqs: ${"[".repeat(200_000)}${"]".repeat(200_000)}\n`, /bad\.yaml(:\d+)?: /],
    ["a file over 10 MB", `# ${"x".repeat(10 * 1024 * 1024)}\n`, /bad\.yaml: cannot read the declarations: larger than 10485760 bytes/],
    ["a subscription's bad protocol", "sns:\n  topics:\n    - name: t\n      subscriptions:\n        - { protocol: carrier-pigeon, endpoint: x }\n",
      /bad\.yaml:3: sns topics "t": InvalidParameter: .*carrier-pigeon/],
    ["a rule whose bus does not exist", "events:\n  rules:\n    - name: r\n      bus: nowhere\n      eventPattern: { source: [a] }\n",
      /bad\.yaml:3: events rules "r": ResourceNotFoundException: Event bus nowhere does not exist/],
  ];
  for (const [what, text, expected] of cases) {
    test(what, async () => {
      const file = join(dir, "bad.yaml");
      writeFileSync(file, text);
      const started = Date.now();
      await assert.rejects(startTestServer({ config: file }), (e: Error) => {
        assert.ok(e instanceof DeclarationError, `${e.constructor.name}: ${e.message}`);
        assert.match(e.message, expected);
        assert.equal(e.message.split("\n").length, 1, "one line");
        return true;
      });
      // A hang guard, not a speed target (the machine may be loaded): a refusal comes well within a minute.
      assert.ok(Date.now() - started < 60_000);
    });
  }

  test("JSON files are read too, with their lines", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, '{\n  "sqs": {\n    "queues": [\n      { "name": "a" },\n      { "name": "b", "colour": "red" }\n    ]\n  }\n}\n');
    await assert.rejects(startTestServer({ config: file }), /bad\.json:5: sqs queues #2: unknown field "colour"/);
  });

  test("an object declaration's error names its path", async () => {
    await assert.rejects(
      startTestServer({ resources: { sqs: { queues: [{ name: "a" }, { name: "b", attributes: { MaximumMessageSize: 1 } }] } } }),
      /^DeclarationError: resources\.sqs\.queues\[1\]: sqs queues "b": InvalidAttributeValue/,
    );
  });
});
