// Visibility through the JS SDK on a ManualClock: the queue's VisibilityTimeout and ReceiveMessage's,
// expiry, ChangeMessageVisibility (extend, shorten, 0, after expiry, after delete, limits).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand,
  SendMessageCommand, SetQueueAttributesCommand, type Message,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const clock = new ManualClock();
const { sqs } = useTestServer({ clock });

let n = 0;
/** A fresh queue holding one message "m". */
async function queueWithMessage(Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `vis-${++n}`, Attributes }));
  assert.ok(QueueUrl);
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "m" }));
  return QueueUrl;
}

async function receive(QueueUrl: string, VisibilityTimeout?: number): Promise<Message | undefined> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout, AttributeNames: ["All"] }));
  return r.Messages?.[0];
}

async function cmv(QueueUrl: string, ReceiptHandle: string | undefined, VisibilityTimeout: number) {
  return sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));
}

describe("visibility timeout", () => {
  test("default 30 s: hidden until then, visible again after", async () => {
    const url = await queueWithMessage();
    const m = await receive(url);
    assert.ok(m);
    clock.advance(29_999);
    assert.equal(await receive(url), undefined);
    clock.advance(1);
    const again = await receive(url);
    assert.equal(again?.MessageId, m.MessageId);
    assert.equal(again?.Attributes?.ApproximateReceiveCount, "2");
  });

  test("the queue's VisibilityTimeout applies, and a change applies to later receives", async () => {
    const url = await queueWithMessage({ VisibilityTimeout: "5" });
    assert.ok(await receive(url));
    clock.advance(4_999);
    assert.equal(await receive(url), undefined);
    clock.advance(1);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "100" } }));
    assert.ok(await receive(url));
    clock.advance(99_999);
    assert.equal(await receive(url), undefined);
    clock.advance(1);
    assert.ok(await receive(url));
  });

  test("ReceiveMessage's VisibilityTimeout overrides the queue's, for that receive only", async () => {
    const url = await queueWithMessage({ VisibilityTimeout: "5" });
    assert.ok(await receive(url, 60));
    clock.advance(59_999);
    assert.equal(await receive(url), undefined);
    clock.advance(1);
    assert.ok(await receive(url));
    clock.advance(5_000);
    assert.ok(await receive(url));
  });

  test("VisibilityTimeout 0 leaves the message receivable at once", async () => {
    const url = await queueWithMessage();
    const a = await receive(url, 0);
    const b = await receive(url, 0);
    assert.equal(a?.MessageId, b?.MessageId);
    assert.notEqual(a?.ReceiptHandle, b?.ReceiptHandle);
    assert.equal(b?.Attributes?.ApproximateReceiveCount, "2");
  });

  test("ReceiveMessage VisibilityTimeout 43200 is accepted, 43201 and -1 are InvalidParameterValue", async () => {
    const url = await queueWithMessage();
    assert.ok(await receive(url, 43_200));
    for (const v of [43_201, -1]) {
      await rejectsAws(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: v })), {
        name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400, message: new RegExp(`^Value ${v} for parameter VisibilityTimeout is invalid\\.`),
      });
    }
  });
});

describe("ChangeMessageVisibility", () => {
  test("extends the timeout, counted from the call", async () => {
    const url = await queueWithMessage({ VisibilityTimeout: "10" });
    const m = await receive(url);
    clock.advance(8_000);
    await cmv(url, m?.ReceiptHandle, 20);
    clock.advance(19_999);
    assert.equal(await receive(url), undefined);
    clock.advance(1);
    assert.ok(await receive(url));
  });

  test("shortens the timeout", async () => {
    const url = await queueWithMessage({ VisibilityTimeout: "600" });
    const m = await receive(url);
    await cmv(url, m?.ReceiptHandle, 5);
    clock.advance(5_000);
    assert.ok(await receive(url));
  });

  test("0 makes the message visible at once; the next receive uses the queue default again", async () => {
    const url = await queueWithMessage({ VisibilityTimeout: "10" });
    const m = await receive(url);
    await cmv(url, m?.ReceiptHandle, 0);
    const again = await receive(url);
    assert.equal(again?.MessageId, m?.MessageId);
    clock.advance(9_999);
    assert.equal(await receive(url), undefined);
    clock.advance(1);
    assert.ok(await receive(url));
  });

  test("succeeds after the visibility expired (no re-receive) and hides the message again", async () => {
    const url = await queueWithMessage({ VisibilityTimeout: "5" });
    const m = await receive(url);
    clock.advance(6_000);
    await cmv(url, m?.ReceiptHandle, 30);
    assert.equal(await receive(url), undefined);
    clock.advance(30_000);
    assert.ok(await receive(url));
  });

  test("with the handle of a deleted message is InvalidParameterValue", async () => {
    const url = await queueWithMessage();
    const m = await receive(url);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m?.ReceiptHandle }));
    await rejectsAws(cmv(url, m?.ReceiptHandle, 10), {
      name: "InvalidParameterValue",
      code: "InvalidParameterValue",
      status: 400,
      message: `Value ${m?.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    });
  });

  test("a malformed handle is ReceiptHandleIsInvalid", async () => {
    const url = await queueWithMessage();
    await rejectsAws(cmv(url, "garbage", 10), {
      name: "ReceiptHandleIsInvalid",
      code: "ReceiptHandleIsInvalid",
      status: 404,
      message: 'The input receipt handle "garbage" is not a valid receipt handle.',
    });
  });

  test("43201 is InvalidParameterValue", async () => {
    const url = await queueWithMessage();
    const m = await receive(url);
    await rejectsAws(cmv(url, m?.ReceiptHandle, 43_201), { name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400 });
    await rejectsAws(cmv(url, m?.ReceiptHandle, -1), { name: "InvalidParameterValue", status: 400 });
  });

  test("cannot extend beyond 12 hours from the receive", async () => {
    const url = await queueWithMessage();
    const m = await receive(url);
    clock.advance(3_600_000);
    // "If you attempt to set the VisibilityTimeout to a value greater than the maximum time left, Amazon SQS returns an error."
    await rejectsAws(cmv(url, m?.ReceiptHandle, 43_200), {
      name: "InvalidParameterValue", code: "InvalidParameterValue", status: 400, message: /VisibilityTimeout/,
    });
    // What is left of the 12 hours is fine.
    await cmv(url, m?.ReceiptHandle, 39_600);
    clock.advance(39_600_000);
    assert.ok(await receive(url));
  });
});
