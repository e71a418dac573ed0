// The consumer path of issue 19 through the JS SDK: version 2 receipt handles (and version 1 handles issued before
// still working), forged handles refused, stored attributes answered only when asked for (and then exactly), a
// RedrivePolicy change taking effect although receives remember parsed policies, and long polls on many queues each
// woken by a send to their own queue.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  SendMessageCommand, SetQueueAttributesCommand,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { md5OfAttributes } from "../../helpers/md5.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
const { sqs } = useTestServer({ clock });

async function create(name: string, Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

async function receiveOne(QueueUrl: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}) {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, ...extra }));
  assert.equal(r.Messages?.length, 1);
  return r.Messages[0];
}

const visible = async (QueueUrl: string) =>
  Number((await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })))
    .Attributes?.ApproximateNumberOfMessages);

describe("SQS consumer path", () => {
  let url: string;
  before(async () => {
    url = await create("consumer-path");
  });

  test("receipt handles are 32 base64 characters and delete their message", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "one" }));
    const m = await receiveOne(url, { VisibilityTimeout: 0 });
    assert.match(m.ReceiptHandle ?? "", /^[A-Za-z0-9+/]{32}$/);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    assert.equal(await visible(url), 0);
  });

  test("a version 1 handle (issued before this version) of the latest receive still deletes", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "two" }));
    const m = await receiveOne(url);
    const b = Buffer.from(m.ReceiptHandle ?? "", "base64");
    const v1 = Buffer.from(`1:${b.readUInt32BE(1)}:${b.readUIntBE(6, 6)}:${b.toString("base64url", 12, 24)}`, "utf8").toString("base64");
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: v1, VisibilityTimeout: 60 }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: v1 }));
    clock.advance(61_000);
    assert.equal(await visible(url), 0);
  });

  test("forged version 2 handles are ReceiptHandleIsInvalid; another receive's nonce deletes nothing", async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "three" }));
    const m = await receiveOne(url, { VisibilityTimeout: 0 });
    const real = Buffer.from(m.ReceiptHandle ?? "", "base64");
    const forge = (f: (b: Buffer) => void) => {
      const b = Buffer.from(real);
      f(b);
      return b.toString("base64");
    };
    for (const bad of [forge((b) => b.writeUInt32BE(0, 1)), forge((b) => b.writeUIntBE(0, 6, 6)), forge((b) => (b[5] = 7)),
      forge((b) => b.writeUInt32BE(b.readUInt32BE(1) + 1000, 1)), forge((b) => (b[0] = 9))]) {
      await rejectsAws(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: bad })), { name: "ReceiptHandleIsInvalid", status: 404 });
    }
    // A well-formed handle whose nonce is not the latest receive's: the request succeeds, the message stays
    // (DeleteMessage API reference: "the request succeeds, but the message might not be deleted").
    const otherNonce = forge((b) => b.write("AAAAAAAAAAAAAAAA", 12, 12, "base64url"));
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: otherNonce }));
    assert.equal(await visible(url), 1);
    const again = await receiveOne(url);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle }));
  });

  test("stored attributes are answered only when asked for, and then exactly", async () => {
    const MessageAttributes = {
      color: { DataType: "String", StringValue: "blue" },
      blob: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 2, 255]) },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "attrs", MessageAttributes, MessageSystemAttributes: {
      AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" },
    } }));
    const plain = await receiveOne(url, { VisibilityTimeout: 0 });
    assert.equal(plain.MessageAttributes, undefined);
    assert.equal(plain.MD5OfMessageAttributes, undefined);
    assert.equal(plain.Attributes, undefined);
    const full = await receiveOne(url, { VisibilityTimeout: 0, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["AWSTraceHeader"] });
    assert.equal(full.MessageAttributes?.color?.StringValue, "blue");
    assert.deepEqual([...(full.MessageAttributes?.blob?.BinaryValue ?? [])], [0, 1, 2, 255]);
    assert.equal(full.MD5OfMessageAttributes, md5OfAttributes({ color: MessageAttributes.color, blob: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2, 255]) } }));
    assert.equal(full.Attributes?.AWSTraceHeader, "Root=1-5759e988-bd862e3fe1be46a994272793");
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: full.ReceiptHandle }));
  });

  test("a RedrivePolicy change takes effect at the next receive", async () => {
    const dlq = await create("consumer-path-dlq");
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
    const src = await create("consumer-path-src", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "moves" }));
    await receiveOne(src, { VisibilityTimeout: 0 });
    // Received once: the next receive moves it to the dead-letter queue.
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined);
    assert.equal(await visible(dlq), 1);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: src, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "stays" }));
    for (let i = 0; i < 3; i++) assert.equal((await receiveOne(src, { VisibilityTimeout: 0 })).Body, "stays");
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined);
    assert.equal(await visible(dlq), 2);
  });

  test("long polls on 20 queues, two each, are each woken by a send to their own queue", async () => {
    const urls = await Promise.all(Array.from({ length: 20 }, (_, i) => create(`consumer-many-${i}`)));
    const polls = urls.flatMap((u) => [0, 1].map(() => sqs.send(new ReceiveMessageCommand({ QueueUrl: u, WaitTimeSeconds: 20 }))));
    // Every poll has looked, found nothing and armed its wake-up timer.
    while (clock.pending().length < polls.length) await new Promise((r) => setTimeout(r, 5));
    for (const u of urls) for (const n of [0, 1]) await sqs.send(new SendMessageCommand({ QueueUrl: u, MessageBody: `${u} ${n}` }));
    const got = await Promise.all(polls);
    const bodies = got.flatMap((r) => (r.Messages ?? []).map((m) => m.Body ?? ""));
    assert.equal(bodies.length, 40, "every poll got one message, before any timer fired");
    for (let i = 0; i < got.length; i++) assert.ok(got[i].Messages?.[0]?.Body?.startsWith(urls[Math.floor(i / 2)]), "from its own queue");
  });
});
