// Queue attributes through the JS SDK: GetQueueAttributes (All, each name, live counts, timestamps, QueueArn)
// and SetQueueAttributes (effects and validation errors), on a ManualClock.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  SendMessageCommand, SetQueueAttributesCommand, type QueueAttributeName,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { sqsClient, useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
const { server, sqs } = useTestServer({ clock });

async function create(name: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

async function attrs(QueueUrl: string, names: string[] = ["All"]): Promise<Record<string, string>> {
  const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: names as QueueAttributeName[] }));
  return (r.Attributes ?? {}) as Record<string, string>;
}

async function counts(QueueUrl: string) {
  const a = await attrs(QueueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]);
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    notVisible: Number(a.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(a.ApproximateNumberOfMessagesDelayed),
  };
}

const EPOCH_S = String(Math.floor(Date.UTC(2026, 0, 1, 12, 0, 0) / 1000));

describe("GetQueueAttributes", () => {
  test("All on a new queue gives AWS's defaults, every value a string", async () => {
    const url = await create("ga-defaults");
    const a = await attrs(url);
    assert.deepEqual(
      { ...a, CreatedTimestamp: "<ts>", LastModifiedTimestamp: "<ts>" },
      {
        ApproximateNumberOfMessages: "0",
        ApproximateNumberOfMessagesDelayed: "0",
        ApproximateNumberOfMessagesNotVisible: "0",
        CreatedTimestamp: "<ts>",
        DelaySeconds: "0",
        LastModifiedTimestamp: "<ts>",
        MaximumMessageSize: "1048576",
        MessageRetentionPeriod: "345600",
        QueueArn: "arn:aws:sqs:us-east-1:000000000000:ga-defaults",
        ReceiveMessageWaitTimeSeconds: "0",
        SqsManagedSseEnabled: "true",
        VisibilityTimeout: "30",
      },
    );
    // Timestamps are epoch seconds by the server's clock.
    assert.equal(a.CreatedTimestamp, EPOCH_S);
    assert.equal(a.LastModifiedTimestamp, EPOCH_S);
  });

  test("each attribute name alone returns only that attribute", async () => {
    const url = await create("ga-each");
    const names = [
      "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
      "CreatedTimestamp", "DelaySeconds", "LastModifiedTimestamp", "MaximumMessageSize", "MessageRetentionPeriod",
      "QueueArn", "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled", "VisibilityTimeout",
    ];
    for (const n of names) {
      const a = await attrs(url, [n]);
      assert.deepEqual(Object.keys(a), [n], n);
    }
  });

  test("optional attributes (Policy, RedrivePolicy, ...) appear only when set", async () => {
    const url = await create("ga-optional");
    const a = await attrs(url, ["Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"]);
    assert.deepEqual(a, {});
  });

  test("no AttributeNames returns no Attributes", async () => {
    const url = await create("ga-none");
    const r = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url }));
    assert.equal(r.Attributes, undefined);
  });

  test("an unknown attribute name is InvalidAttributeName", async () => {
    const url = await create("ga-unknown");
    await rejectsAws(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["Foobar" as QueueAttributeName] })), {
      name: "InvalidAttributeName", code: "InvalidAttributeName", status: 400, message: "Unknown Attribute Foobar.",
    });
  });

  test("the QueueArn carries region and account", async () => {
    const url = await create("ga-arn");
    assert.equal((await attrs(url, ["QueueArn"])).QueueArn, "arn:aws:sqs:us-east-1:000000000000:ga-arn");
    const west = sqsClient(server.endpoint, { region: "eu-west-1" });
    const { QueueUrl } = await west.send(new CreateQueueCommand({ QueueName: "ga-arn" }));
    const r = await west.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    assert.equal(r.Attributes?.QueueArn, "arn:aws:sqs:eu-west-1:000000000000:ga-arn");
  });

  test("live counts: visible, in flight, delayed (per message and per queue), and back", async () => {
    const url = await create("ga-counts");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "a" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "b" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "c", DelaySeconds: 10 }));
    assert.deepEqual(await counts(url), { visible: 2, notVisible: 0, delayed: 1 });

    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 20 }));
    assert.equal(r.Messages?.length, 1);
    assert.deepEqual(await counts(url), { visible: 1, notVisible: 1, delayed: 1 });

    clock.advance(10_000); // the delayed one is due
    assert.deepEqual(await counts(url), { visible: 2, notVisible: 1, delayed: 0 });

    clock.advance(10_000); // the in-flight one is visible again
    assert.deepEqual(await counts(url), { visible: 3, notVisible: 0, delayed: 0 });

    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "30" } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "d" }));
    assert.deepEqual(await counts(url), { visible: 3, notVisible: 0, delayed: 1 });
  });

  test("a message made visible early by ChangeMessageVisibility 0 counts as visible", async () => {
    const url = await create("ga-cmv");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "a" }));
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.deepEqual(await counts(url), { visible: 0, notVisible: 1, delayed: 0 });
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: r.Messages?.[0].ReceiptHandle, VisibilityTimeout: 0 }));
    assert.deepEqual(await counts(url), { visible: 1, notVisible: 0, delayed: 0 });
  });
});

describe("SetQueueAttributes", () => {
  test("changes take effect and move LastModifiedTimestamp, not CreatedTimestamp", async () => {
    const url = await create("sa-modified");
    const before = await attrs(url);
    clock.advance(5_000);
    await sqs.send(new SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: {
        VisibilityTimeout: "45", MaximumMessageSize: "2048", MessageRetentionPeriod: "120", DelaySeconds: "3",
        ReceiveMessageWaitTimeSeconds: "2",
      },
    }));
    const a = await attrs(url);
    assert.equal(a.CreatedTimestamp, before.CreatedTimestamp);
    assert.equal(Number(a.LastModifiedTimestamp), Number(before.LastModifiedTimestamp) + 5);
    assert.equal(a.VisibilityTimeout, "45");
    assert.equal(a.MaximumMessageSize, "2048");
    assert.equal(a.MessageRetentionPeriod, "120");
    assert.equal(a.DelaySeconds, "3");
    assert.equal(a.ReceiveMessageWaitTimeSeconds, "2");
  });

  test("Policy is stored and an empty string clears it", async () => {
    const url = await create("sa-policy");
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:sa-policy" }],
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: policy } }));
    assert.deepEqual(JSON.parse((await attrs(url, ["Policy"])).Policy), JSON.parse(policy));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: "" } }));
    assert.deepEqual(await attrs(url, ["Policy"]), {});
  });

  test("KmsMasterKeyId is stored; KmsDataKeyReusePeriodSeconds appears with it and SSE-SQS turns off", async () => {
    const url = await create("sa-kms", { KmsMasterKeyId: "alias/aws/sqs", KmsDataKeyReusePeriodSeconds: "600" });
    const a = await attrs(url);
    assert.equal(a.KmsMasterKeyId, "alias/aws/sqs");
    assert.equal(a.KmsDataKeyReusePeriodSeconds, "600");
    assert.equal(a.SqsManagedSseEnabled, "false");
    // Back to SSE-SQS: the KMS settings go.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { SqsManagedSseEnabled: "true" } }));
    const b = await attrs(url);
    assert.equal(b.SqsManagedSseEnabled, "true");
    assert.equal(b.KmsMasterKeyId, undefined);
    assert.equal(b.KmsDataKeyReusePeriodSeconds, undefined);
  });

  test("KmsDataKeyReusePeriodSeconds defaults to 300 with a key", async () => {
    const url = await create("sa-kms-default", { KmsMasterKeyId: "alias/mine" });
    assert.equal((await attrs(url, ["KmsDataKeyReusePeriodSeconds"])).KmsDataKeyReusePeriodSeconds, "300");
  });

  test("SqsManagedSseEnabled can be turned off", async () => {
    const url = await create("sa-sse");
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { SqsManagedSseEnabled: "false" } }));
    assert.equal((await attrs(url, ["SqsManagedSseEnabled"])).SqsManagedSseEnabled, "false");
  });

  const invalidValues: [string, string][] = [
    ["VisibilityTimeout", "43201"], ["VisibilityTimeout", "-1"], ["VisibilityTimeout", "abc"],
    ["MaximumMessageSize", "1023"], ["MaximumMessageSize", "1048577"],
    ["MessageRetentionPeriod", "59"], ["MessageRetentionPeriod", "1209601"],
    ["DelaySeconds", "901"], ["ReceiveMessageWaitTimeSeconds", "21"],
    ["KmsDataKeyReusePeriodSeconds", "59"], ["SqsManagedSseEnabled", "maybe"], ["Policy", "{not json"],
  ];
  for (const [name, value] of invalidValues) {
    test(`${name}=${value} is InvalidAttributeValue`, async () => {
      const url = await create("sa-invalid");
      await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { [name]: value } })), {
        name: "InvalidAttributeValue", code: "InvalidAttributeValue", status: 400, message: new RegExp(`^Invalid value for the parameter ${name}\\.`),
      });
    });
  }

  test("limits themselves are accepted", async () => {
    const url = await create("sa-limits");
    await sqs.send(new SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: { VisibilityTimeout: "43200", MaximumMessageSize: "1024", MessageRetentionPeriod: "1209600", DelaySeconds: "900", ReceiveMessageWaitTimeSeconds: "20" },
    }));
    await sqs.send(new SetQueueAttributesCommand({
      QueueUrl: url,
      Attributes: { VisibilityTimeout: "0", MaximumMessageSize: "1048576", MessageRetentionPeriod: "60", DelaySeconds: "0", ReceiveMessageWaitTimeSeconds: "0" },
    }));
  });

  test("an invalid value leaves every attribute unchanged", async () => {
    const url = await create("sa-atomic");
    await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "60", DelaySeconds: "901" } })), {
      name: "InvalidAttributeValue",
    });
    assert.equal((await attrs(url, ["VisibilityTimeout"])).VisibilityTimeout, "30");
  });

  for (const name of ["Foobar", "QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp", "FifoQueue", "ContentBasedDeduplication"]) {
    test(`setting ${name} is InvalidAttributeName`, async () => {
      const url = await create("sa-name");
      await rejectsAws(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { [name]: "1" } })), {
        name: "InvalidAttributeName", code: "InvalidAttributeName", status: 400, message: `Unknown Attribute ${name}.`,
      });
    });
  }

  test("on a missing queue is QueueDoesNotExist", async () => {
    await rejectsAws(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: `${server.endpoint}/000000000000/sa-missing`, Attributes: { DelaySeconds: "1" } })),
      { name: "QueueDoesNotExist", code: "AWS.SimpleQueueService.NonExistentQueue" },
    );
  });
});
