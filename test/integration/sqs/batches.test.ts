// Batch operations through the JS SDK: SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch,
// their request-level errors (empty, too many, ids, total size) and per-entry failures in Failed.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  ChangeMessageVisibilityBatchCommand, CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand,
  SendMessageBatchCommand, SetQueueAttributesCommand, type Message, type SendMessageBatchRequestEntry,
  type SendMessageBatchResultEntry, type BatchResultErrorEntry,
} from "@aws-sdk/client-sqs";
import { ManualClock } from "../../../src/index.ts";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { md5OfAttributes, md5OfBody } from "../../helpers/md5.ts";
import { useTestServer } from "../../helpers/server.ts";

const MiB = 1_048_576;
const ID_RULE = "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.";

const clock = new ManualClock();
const { server, sqs } = useTestServer({ clock });

let n = 0;
async function queue(Attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `batch-${++n}`, Attributes }));
  assert.ok(QueueUrl);
  return QueueUrl;
}

async function receiveAll(QueueUrl: string): Promise<Message[]> {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }))).Messages ?? [];
}

async function fill(QueueUrl: string, count: number): Promise<Message[]> {
  await sqs.send(new SendMessageBatchCommand({
    QueueUrl, Entries: Array.from({ length: count }, (_, i) => ({ Id: `e${i}`, MessageBody: `body-${i}` })),
  }));
  const ms = await receiveAll(QueueUrl);
  assert.equal(ms.length, count);
  return ms;
}

/** The three batch operations, each given `count` entries with the listed ids. */
function batchOps(QueueUrl: string) {
  return {
    SendMessageBatch: (ids: string[]) => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ids.map((Id) => ({ Id, MessageBody: "x" })) })),
    DeleteMessageBatch: (ids: string[]) => sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: ids.map((Id) => ({ Id, ReceiptHandle: "h" })) })),
    ChangeMessageVisibilityBatch: (ids: string[]) =>
      sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: ids.map((Id) => ({ Id, ReceiptHandle: "h", VisibilityTimeout: 1 })) })),
  };
}

describe("SendMessageBatch", () => {
  test("sends up to 10 messages with per-entry MD5s, delays and attributes", async () => {
    const url = await queue();
    const entries: SendMessageBatchRequestEntry[] = [
      { Id: "plain", MessageBody: "one" },
      { Id: "unicode_📬".replace(/[^A-Za-z0-9_-]/g, "x"), MessageBody: "ünï 📬\r\n" },
      { Id: "attrs", MessageBody: "three", MessageAttributes: { a: { DataType: "Number", StringValue: "1" }, b: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2]) } } },
      {
        Id: "trace", MessageBody: "four",
        MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } },
      },
      { Id: "delayed", MessageBody: "five", DelaySeconds: 10 },
      ...Array.from({ length: 5 }, (_, i) => ({ Id: `fill-${i}`, MessageBody: `fill ${i}` })),
    ];
    const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    assert.deepEqual(r.Failed ?? [], []);
    assert.equal(r.Successful?.length, 10);
    for (const e of entries) {
      const s: SendMessageBatchResultEntry | undefined = r.Successful?.find((x) => x.Id === e.Id);
      assert.ok(s, e.Id);
      assert.equal(s.MD5OfMessageBody, md5OfBody(e.MessageBody ?? ""));
      assert.equal(s.MD5OfMessageAttributes, e.MessageAttributes ? md5OfAttributes(e.MessageAttributes) : undefined);
      assert.equal(
        s.MD5OfMessageSystemAttributes,
        e.MessageSystemAttributes ? md5OfAttributes(e.MessageSystemAttributes as Record<string, never>) : undefined,
      );
    }
    const received = await receiveAll(url);
    assert.equal(received.length, 9);
    assert.equal(received.find((m) => m.Body === "three")?.MessageAttributes?.a.StringValue, "1");
    clock.advance(10_000);
    const late = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(late.Messages?.[0].Body, "five");
  });

  test("a failing entry lands in Failed with its AWS code; the others are sent", async () => {
    const url = await queue();
    const r = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: "ok1", MessageBody: "fine" },
        { Id: "badchars", MessageBody: "bad \u0000 char" },
        { Id: "empty", MessageBody: "" },
        { Id: "delay", MessageBody: "x", DelaySeconds: 901 },
        { Id: "emptyattr", MessageBody: "x", MessageAttributes: { ErrorDetails: { DataType: "String", StringValue: "" } } },
        { Id: "ok2", MessageBody: "also fine" },
      ],
    }));
    assert.deepEqual(r.Successful?.map((s) => s.Id).sort(), ["ok1", "ok2"]);
    const failed: Record<string, BatchResultErrorEntry> = Object.fromEntries((r.Failed ?? []).map((f) => [f.Id, f]));
    assert.deepEqual(Object.keys(failed).sort(), ["badchars", "delay", "empty", "emptyattr"]);
    for (const f of Object.values(failed)) assert.equal(f.SenderFault, true, f.Id);
    assert.equal(failed.badchars.Code, "InvalidMessageContents");
    assert.equal(failed.empty.Code, "MissingParameter");
    assert.equal(failed.delay.Code, "InvalidParameterValue");
    assert.equal(failed.emptyattr.Code, "InvalidParameterValue");
    assert.equal(failed.emptyattr.Message, "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.");
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body).sort(), ["also fine", "fine"]);
  });

  test("an entry larger than the queue's MaximumMessageSize fails alone, with AWS's batch wording", async () => {
    const url = await queue({ MaximumMessageSize: "1024" });
    const r = await sqs.send(new SendMessageBatchCommand({
      QueueUrl: url, Entries: [{ Id: "big", MessageBody: "a".repeat(1025) }, { Id: "small", MessageBody: "a".repeat(1024) }],
    }));
    assert.deepEqual(r.Successful?.map((s) => s.Id), ["small"]);
    assert.deepEqual(r.Failed, [{
      Id: "big", SenderFault: true, Code: "InvalidParameterValue",
      Message: "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.",
    }]);
  });

  test("a total above 1 MiB is BatchRequestTooLong and sends nothing", async () => {
    const url = await queue();
    const half = "a".repeat(MiB / 2);
    await rejectsAws(
      sqs.send(new SendMessageBatchCommand({
        QueueUrl: url, Entries: [{ Id: "a", MessageBody: half }, { Id: "b", MessageBody: half }, { Id: "c", MessageBody: "x" }],
      })),
      {
        name: "BatchRequestTooLong",
        code: "AWS.SimpleQueueService.BatchRequestTooLong",
        status: 400,
        message: `Batch requests cannot be longer than ${MiB} bytes. You have sent ${MiB + 1} bytes.`,
      },
    );
    assert.deepEqual(await receiveAll(url), []);
  });

  test("exactly 1 MiB in total is accepted", async () => {
    const url = await queue();
    const half = "a".repeat(MiB / 2);
    const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: half }, { Id: "b", MessageBody: half }] }));
    assert.equal(r.Successful?.length, 2);
  });
});

describe("request-level batch errors (all three operations)", () => {
  let url: string;
  before(async () => {
    url = await queue();
  });
  for (const [op, entryName] of [
    ["SendMessageBatch", "SendMessageBatchRequestEntry"],
    ["DeleteMessageBatch", "DeleteMessageBatchRequestEntry"],
    ["ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchRequestEntry"],
  ] as const) {
    test(`${op}: no entries is EmptyBatchRequest`, async () => {
      await rejectsAws(batchOps(url)[op]([]), {
        name: "EmptyBatchRequest", code: "AWS.SimpleQueueService.EmptyBatchRequest", status: 400,
        message: `There should be at least one ${entryName} in the request.`,
      });
    });
    test(`${op}: 11 entries is TooManyEntriesInBatchRequest`, async () => {
      await rejectsAws(batchOps(url)[op](Array.from({ length: 11 }, (_, i) => `id${i}`)), {
        name: "TooManyEntriesInBatchRequest", code: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", status: 400,
        message: "Maximum number of entries per request are 10. You have sent 11.",
      });
    });
    test(`${op}: a repeated id is BatchEntryIdsNotDistinct`, async () => {
      await rejectsAws(batchOps(url)[op](["a", "b", "a"]), {
        name: "BatchEntryIdsNotDistinct", code: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", status: 400, message: "Id a repeated.",
      });
    });
    for (const bad of ["", "invalid:id", "with space", "x".repeat(81), "dot.id"]) {
      test(`${op}: id ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 5)}…(${bad.length})` : bad)} is InvalidBatchEntryId`, async () => {
        await rejectsAws(batchOps(url)[op](["ok", bad]), {
          name: "InvalidBatchEntryId", code: "AWS.SimpleQueueService.InvalidBatchEntryId", status: 400, message: ID_RULE,
        });
      });
    }
    test(`${op}: an 80-character id of every allowed character is fine at request level`, async () => {
      const id = "aZ09_-".repeat(14).slice(0, 80);
      const r = await batchOps(url)[op]([id]);
      // Send succeeds; Delete/CMV fail per entry on the fake handle, not on the id.
      const failedCodes = (r.Failed ?? []).map((f) => f.Code);
      assert.ok(failedCodes.every((c) => c === "ReceiptHandleIsInvalid"), JSON.stringify(r.Failed));
    });
  }
  test("on a missing queue is QueueDoesNotExist", async () => {
    await rejectsAws(batchOps(`${server.endpoint}/000000000000/batch-missing`).SendMessageBatch(["a"]), {
      name: "QueueDoesNotExist", code: "AWS.SimpleQueueService.NonExistentQueue",
    });
  });
});

describe("DeleteMessageBatch", () => {
  test("deletes by handle; bad handles fail per entry; stale handles succeed without deleting", async () => {
    const url = await queue({ VisibilityTimeout: "10" });
    const ms = await fill(url, 4);
    const r = await sqs.send(new DeleteMessageBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: "d0", ReceiptHandle: ms[0].ReceiptHandle },
        { Id: "d1", ReceiptHandle: ms[1].ReceiptHandle },
        { Id: "bad", ReceiptHandle: "garbage" },
      ],
    }));
    assert.deepEqual(r.Successful?.map((s) => s.Id).sort(), ["d0", "d1"]);
    assert.deepEqual(r.Failed, [{
      Id: "bad", SenderFault: true, Code: "ReceiptHandleIsInvalid",
      Message: 'The input receipt handle "garbage" is not a valid receipt handle.',
    }]);
    clock.advance(10_000);
    const again = await receiveAll(url);
    assert.deepEqual(again.map((m) => m.Body).sort(), [ms[2].Body, ms[3].Body].sort());
    // ms[2]'s first handle is now stale: the delete succeeds, the message stays.
    const stale = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "s", ReceiptHandle: ms[2].ReceiptHandle }] }));
    assert.deepEqual(stale.Successful, [{ Id: "s" }]);
    clock.advance(10_000);
    assert.equal((await receiveAll(url)).length, 2);
  });
});

describe("ChangeMessageVisibilityBatch", () => {
  test("changes each entry's visibility; failures are per entry", async () => {
    const url = await queue({ VisibilityTimeout: "10" });
    const ms = await fill(url, 3);
    const r = await sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: url,
      Entries: [
        { Id: "zero", ReceiptHandle: ms[0].ReceiptHandle, VisibilityTimeout: 0 },
        { Id: "long", ReceiptHandle: ms[1].ReceiptHandle, VisibilityTimeout: 100 },
        { Id: "toolong", ReceiptHandle: ms[2].ReceiptHandle, VisibilityTimeout: 43_201 },
        { Id: "bad", ReceiptHandle: "garbage", VisibilityTimeout: 5 },
      ],
    }));
    assert.deepEqual(r.Successful?.map((s) => s.Id).sort(), ["long", "zero"]);
    const failed: Record<string, BatchResultErrorEntry> = Object.fromEntries((r.Failed ?? []).map((f) => [f.Id, f]));
    assert.equal(failed.toolong?.Code, "InvalidParameterValue");
    assert.equal(failed.toolong?.SenderFault, true);
    assert.equal(failed.bad?.Code, "ReceiptHandleIsInvalid");
    assert.equal(failed.bad?.Message, 'The input receipt handle "garbage" is not a valid receipt handle.');

    assert.deepEqual((await receiveAll(url)).map((m) => m.Body), [ms[0].Body]);
    clock.advance(10_000); // ms[2] (unchanged, 10 s) and ms[0] (re-received, 10 s) are back; ms[1] waits 100 s
    assert.deepEqual((await receiveAll(url)).map((m) => m.Body).sort(), [ms[0].Body, ms[2].Body].sort());
    clock.advance(90_000);
    assert.ok((await receiveAll(url)).some((m) => m.Body === ms[1].Body));
  });

  test("a deleted message's handle fails with AWS's message", async () => {
    const url = await queue();
    const [m] = await fill(url, 1);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "d", ReceiptHandle: m.ReceiptHandle }] }));
    const r = await sqs.send(new ChangeMessageVisibilityBatchCommand({
      QueueUrl: url, Entries: [{ Id: "c", ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 5 }],
    }));
    assert.deepEqual(r.Failed, [{
      Id: "c", SenderFault: true, Code: "InvalidParameterValue",
      Message: `Value ${m.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
    }]);
  });

  test("SetQueueAttributes of a lower MaximumMessageSize applies to later batches", async () => {
    const url = await queue();
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: "2048" } }));
    const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "a".repeat(2049) }] }));
    assert.equal(r.Successful?.length ?? 0, 0);
    assert.equal(r.Failed?.[0].Code, "InvalidParameterValue");
  });
});
