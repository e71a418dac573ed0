// SQS fidelity details checked against AWS's recorded responses (LocalStack's AWS-validated snapshots):
// a malformed percent-escape in a queue URL (JSON QueueUrl, query request posted to the queue URL path) is
// InvalidAddress, never a 500; a FIFO SendMessageBatch with an entry lacking MessageGroupId (or a
// deduplication id) fails as a whole.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { rejectsAws } from "../../helpers/aws-error.ts";
import { useTestServer } from "../../helpers/server.ts";

const { server, sqs } = useTestServer();

describe("malformed percent-encoding in a queue URL", () => {
  test("JSON QueueUrl: InvalidAddress (404), not a 500", async () => {
    for (const bad of ["%zz", "a%", "q%E0%A4%A"]) {
      const QueueUrl = `${server.endpoint}/000000000000/${bad}`;
      await rejectsAws(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })), {
        name: "InvalidAddress", status: 404, fault: "client", message: `The address ${QueueUrl} is not valid for this endpoint.`,
      });
      await rejectsAws(sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] })), { name: "InvalidAddress", status: 404 });
    }
  });

  test("query request posted to the queue URL path: InvalidAddress (404), not a 500", async () => {
    for (const bad of ["%zz", "a%", "q%E0%A4%A"]) {
      const res = await fetch(`${server.endpoint}/000000000000/${bad}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Action=SendMessage&MessageBody=x&Version=2012-11-05",
      });
      const text = await res.text();
      assert.equal(res.status, 404, text);
      assert.match(text, /<Code>InvalidAddress<\/Code>/);
    }
  });

  test("developer listing /_aws/sqs/messages/<region>/<account>/<name>: QueueDoesNotExist, not a 500", async () => {
    const res = await fetch(`${server.endpoint}/_aws/sqs/messages/us-east-1/000000000000/%zz`);
    const text = await res.text();
    assert.equal(res.status, 400, text);
    assert.match(text, /NonExistentQueue|QueueDoesNotExist/);
  });

  test("a well-formed escape still names the queue", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "pct-ok" }));
    const escaped = QueueUrl!.replace(/pct-ok$/, "pct%2Dok");
    assert.ok((await sqs.send(new SendMessageCommand({ QueueUrl: escaped, MessageBody: "x" }))).MessageId);
  });
});

describe("FIFO SendMessageBatch", () => {
  const fifo = async (name: string, Attributes: Record<string, string> = {}) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: "true", ...Attributes } }))).QueueUrl!;

  test("an entry without MessageGroupId fails the whole request with InvalidParameterValue", async () => {
    const QueueUrl = await fifo("fid-nogroup");
    await rejectsAws(sqs.send(new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "a", MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "a" },
        { Id: "b", MessageBody: "b", MessageDeduplicationId: "b" },
      ],
    })), { name: "InvalidParameterValue", status: 400, message: "The request must contain the parameter MessageGroupId." });
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, "0", "nothing of the failed batch is stored");
  });

  test("an entry without a deduplication id (no content-based deduplication) fails the whole request", async () => {
    const QueueUrl = await fifo("fid-nodedup");
    await rejectsAws(sqs.send(new SendMessageBatchCommand({
      QueueUrl,
      Entries: [
        { Id: "a", MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "a" },
        { Id: "b", MessageBody: "b", MessageGroupId: "g" },
      ],
    })), { name: "InvalidParameterValue", status: 400, message: "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly" });
  });

  test("with content-based deduplication, entries without a deduplication id are fine", async () => {
    const QueueUrl = await fifo("fid-cbd", { ContentBasedDeduplication: "true" });
    const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: "a", MessageBody: "a", MessageGroupId: "g" }] }));
    assert.deepEqual(r.Successful?.map((e) => e.Id), ["a"]);
  });
});
