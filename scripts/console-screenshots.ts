// Screenshots of the web console's main pages for docs/console/ (ADR 0032): starts a server in memory, fills it
// with a few resources through the AWS SDK, and photographs each pane with playwright-core driving Debian's
// chromium at 1280×800 (and the queue list at phone width). Run: node --import tsx scripts/console-screenshots.ts
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient, StartMessageMoveTaskCommand } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateArchiveCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { startMailroom } from "../src/index.ts";

const OUT = join(import.meta.dirname, "..", "docs", "console");
const CHROMIUM = process.env.MAILROOM_CHROMIUM ?? "/usr/bin/chromium";
const ACCOUNT = "000000000000";
const arn = (service: string, rest: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${rest}`;

mkdirSync(OUT, { recursive: true });
const server = await startMailroom({ port: 0, memory: true, logLevel: "warn", profile: "test" });
const config = { endpoint: server.endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const sqs = new SQSClient(config);
const sns = new SNSClient(config);
const events = new EventBridgeClient(config);
const kinesis = new KinesisClient(config);
const sfn = new SFNClient(config);

// Queues: orders with a dead-letter queue holding a few failed messages, and a FIFO queue.
const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }))).QueueUrl!;
const orders = (await sqs.send(new CreateQueueCommand({ QueueName: "orders", Attributes: { VisibilityTimeout: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn("sqs", "orders-dlq"), maxReceiveCount: 1 }) } }))).QueueUrl!;
await sqs.send(new CreateQueueCommand({ QueueName: "invoices.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }));
await sqs.send(new SendMessageBatchCommand({ QueueUrl: orders, Entries: [0, 1, 2].map((i) => ({ Id: `f${i}`, MessageBody: JSON.stringify({ order: 1000 + i, status: "payment-failed" }) })) }));
for (let i = 0; i < 3; i++) await sqs.send(new ReceiveMessageCommand({ QueueUrl: orders, MaxNumberOfMessages: 10 }));
for (let i = 0; i < 4; i++) {
  await sqs.send(new SendMessageCommand({ QueueUrl: orders, MessageBody: JSON.stringify({ order: 2000 + i, items: [{ sku: "A-1", qty: i + 1 }], total: 19.5 * (i + 1) }), MessageAttributes: { kind: { DataType: "String", StringValue: "order" } } }));
}
void dlq;

// A topic with a filtered queue subscription and an email subscription.
const topic = (await sns.send(new CreateTopicCommand({ Name: "order-events" }))).TopicArn!;
await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "sqs", Endpoint: arn("sqs", "orders"), Attributes: { FilterPolicy: JSON.stringify({ kind: ["order"] }) } }));
await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: "email", Endpoint: "ops@example.com" }));

// The default bus: a rule to the orders queue, an archive, a few events.
await events.send(new PutRuleCommand({ Name: "orders-to-queue", EventPattern: JSON.stringify({ source: ["shop"], "detail-type": ["OrderPlaced"] }) }));
await events.send(new PutTargetsCommand({ Rule: "orders-to-queue", Targets: [{ Id: "q", Arn: arn("sqs", "orders") }] }));
await events.send(new CreateArchiveCommand({ ArchiveName: "everything", EventSourceArn: arn("events", "event-bus/default") }));
await events.send(new PutEventsCommand({ Entries: [1, 2, 3].map((i) => ({ Source: "shop", DetailType: "OrderPlaced", Detail: JSON.stringify({ order: 3000 + i }) })) }));

// A stream of two shards with records.
await kinesis.send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 2 }));
for (let i = 0; i < 5; i++) await kinesis.send(new PutRecordCommand({ StreamName: "clicks", PartitionKey: "user-1", Data: new TextEncoder().encode(JSON.stringify({ page: `/item/${i}` })) }));

// A state machine with a choice, and a finished execution.
const definition = {
  StartAt: "Validate",
  States: {
    Validate: { Type: "Pass", Result: { valid: true }, ResultPath: "$.check", Next: "Valid?" },
    "Valid?": { Type: "Choice", Choices: [{ Variable: "$.check.valid", BooleanEquals: true, Next: "Charge" }], Default: "Reject" },
    Charge: { Type: "Pass", Result: "charged", ResultPath: "$.payment", Next: "Ship" },
    Ship: { Type: "Pass", End: true },
    Reject: { Type: "Fail", Error: "Invalid", Cause: "validation failed" },
  },
};
const machine = (await sfn.send(new CreateStateMachineCommand({ name: "checkout", definition: JSON.stringify(definition), roleArn: `arn:aws:iam::${ACCOUNT}:role/mailroom` }))).stateMachineArn!;
const execution = (await sfn.send(new StartExecutionCommand({ stateMachineArn: machine, name: "order-1001", input: JSON.stringify({ order: 1001 }) }))).executionArn!;
await new Promise((r) => setTimeout(r, 1000));

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const base = `${server.endpoint}/_console/`;
const shot = async (name: string, hash: string, ready: string, after?: () => Promise<void>) => {
  await page.goto(`${base}${hash}`);
  await page.locator(ready).first().waitFor();
  await after?.();
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  console.log(`docs/console/${name}.png`);
};
const h = (pane: string, id?: string, sub?: string) => `#/${pane}${id ? `/${encodeURIComponent(id)}` : ""}${sub ? `/${encodeURIComponent(sub)}` : ""}`;
await shot("queues", h("queues"), 'tr[data-queue="orders"]');
await shot("queue", h("queues", arn("sqs", "orders")), "tr[data-message]", async () => {
  await page.locator("tr[data-message]").first().click();
});
// A redrive under way, one message a second: the bar part-way.
await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: arn("sqs", "orders-dlq"), MaxNumberOfMessagesPerSecond: 1 }));
await shot("redrive", h("queues", arn("sqs", "orders-dlq")), '[data-testid="move-progress"]', async () => {
  await page.waitForFunction(() => {
    const v = Number(document.querySelector('[data-testid="move-progress"]')?.getAttribute("aria-valuenow"));
    return v > 0 && v < 100;
  });
});
await shot("topic", h("topics", topic), '[data-testid="subscriptions"] tbody tr', async () => {
  const tester = page.getByTestId("filter-tester");
  await tester.getByLabel("Message attributes").fill('{"kind": {"DataType": "String", "StringValue": "order"}}');
  await tester.getByRole("button", { name: "Test" }).click();
  await page.getByTestId("filter-verdicts").scrollIntoViewIfNeeded();
});
await shot("bus", h("buses", arn("events", "event-bus/default")), '[data-testid="rules"] tbody tr');
await shot("stream", h("streams", arn("kinesis", "stream/clicks")), '[data-testid="shards"] tbody tr', async () => {
  const tail = page.getByTestId("tail");
  await tail.getByRole("button", { name: /tail/ }).click();
  await page.waitForTimeout(1500);
  await tail.scrollIntoViewIfNeeded();
});
await shot("execution", h("statemachines", machine, execution), '[data-testid="graph"] [data-status="succeeded"]');
await page.setViewportSize({ width: 390, height: 844 });
await shot("queues-phone", h("queues"), 'tr[data-queue="orders"]');
await browser.close();
await server.close();
