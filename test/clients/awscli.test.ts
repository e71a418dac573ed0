// awscli 2.9 (Debian /usr/bin/aws, botocore with the SQS query protocol) end to end against an in-process
// server: create-queue, send-message with attributes, receive-message, delete-message, and an error exit.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import type { Mailroom } from "../../src/index.ts";
import { startTestServer } from "../helpers/server.ts";

const run = promisify(execFile);
const AWS = "/usr/bin/aws";

let server: Mailroom;
before(async () => {
  server = await startTestServer({ accessKeys: [{ accessKeyId: "AKIDCLI", secretAccessKey: "cli-secret", accountId: "000000000000" }] });
});
after(() => server?.close());

function env(): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
  return {
    ...clean,
    AWS_ACCESS_KEY_ID: "AKIDCLI",
    AWS_SECRET_ACCESS_KEY: "cli-secret",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_PAGER: "",
    AWS_MAX_ATTEMPTS: "1",
  };
}

async function sqs(...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(AWS, ["--endpoint-url", server.endpoint, "--output", "json", "sqs", ...args], { env: env() });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

test("the CLI is the query-protocol awscli 2.9", async () => {
  const { stdout } = await run(AWS, ["--version"], { env: env() });
  assert.match(stdout, /^aws-cli\/2\.9\./);
});

test("create-queue, send-message, receive-message, delete-message", async () => {
  const { QueueUrl } = await sqs("create-queue", "--queue-name", "cli-q", "--attributes", "VisibilityTimeout=15", "--tags", "team=cli");
  assert.equal(QueueUrl, `${server.endpoint}/000000000000/cli-q`);
  const body = "from the CLI: <xml> & \"quotes\" é 😀";
  const sent = await sqs(
    "send-message", "--queue-url", QueueUrl, "--message-body", body,
    "--message-attributes", JSON.stringify({ kind: { DataType: "String", StringValue: "cli" }, n: { DataType: "Number", StringValue: "7" } }),
  );
  assert.match(sent.MessageId, /^[0-9a-f-]{36}$/);
  assert.match(sent.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);
  const got = await sqs("receive-message", "--queue-url", QueueUrl, "--attribute-names", "All", "--message-attribute-names", "All", "--max-number-of-messages", "10");
  assert.equal(got.Messages.length, 1);
  const m = got.Messages[0];
  assert.equal(m.Body, body);
  assert.equal(m.MessageId, sent.MessageId);
  assert.equal(m.MD5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.deepEqual(m.MessageAttributes, { kind: { DataType: "String", StringValue: "cli" }, n: { DataType: "Number", StringValue: "7" } });
  assert.equal(m.Attributes.SenderId, "AKIDCLI");
  assert.equal(m.Attributes.ApproximateReceiveCount, "1");
  assert.deepEqual(await sqs("delete-message", "--queue-url", QueueUrl, "--receipt-handle", m.ReceiptHandle), {});
  const attrs = await sqs("get-queue-attributes", "--queue-url", QueueUrl, "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "VisibilityTimeout");
  assert.deepEqual(attrs.Attributes, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0", VisibilityTimeout: "15" });
  const list = await sqs("list-queues", "--queue-name-prefix", "cli-");
  assert.deepEqual(list.QueueUrls, [QueueUrl]);
});

test("an error exits non-zero with the AWS code and message", async () => {
  await assert.rejects(sqs("get-queue-url", "--queue-name", "cli-missing"), (e: { code: number; stderr: string }) => {
    assert.equal(e.code, 254);
    assert.match(e.stderr, /AWS\.SimpleQueueService\.NonExistentQueue/);
    assert.match(e.stderr, /The specified queue does not exist for this wsdl version\./);
    return true;
  });
});

async function snsCli(...args: string[]): Promise<Record<string, any>> {
  const { stdout } = await run(AWS, ["--endpoint-url", server.endpoint, "--output", "json", "sns", ...args], { env: env() });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

test("sns create-topic, subscribe an SQS queue, publish, and the queue has the notification", async () => {
  const { QueueUrl } = await sqs("create-queue", "--queue-name", "cli-sns-q");
  const { TopicArn } = await snsCli("create-topic", "--name", "cli-topic");
  assert.equal(TopicArn, "arn:aws:sns:us-east-1:000000000000:cli-topic");
  await snsCli("subscribe", "--topic-arn", TopicArn, "--protocol", "sqs", "--notification-endpoint", "arn:aws:sqs:us-east-1:000000000000:cli-sns-q");
  const { MessageId } = await snsCli("publish", "--topic-arn", TopicArn, "--message", "from the CLI", "--subject", "cli");
  const got = await sqs("receive-message", "--queue-url", QueueUrl);
  const env = JSON.parse(got.Messages[0].Body);
  assert.deepEqual([env.MessageId, env.Message, env.Subject], [MessageId, "from the CLI", "cli"]);
  await assert.rejects(snsCli("get-topic-attributes", "--topic-arn", `${TopicArn}-missing`), /NotFound/);
});
