import assert from "node:assert/strict";
import { test } from "node:test";
import { type KinesisRecord, readable, sqsRecord } from "./records.ts";

test("an SQS message becomes AWS's record shape; a JSON body is read as JSON, other bodies as text", () => {
  const r = sqsRecord({
    MessageId: "m1", ReceiptHandle: "h", Body: '{"a":1}', MD5OfBody: "x", Attributes: { SentTimestamp: "1" },
    MessageAttributes: { k: { DataType: "Binary", BinaryValue: Buffer.from("hi") } },
  }, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1");
  assert.equal(r.eventSource, "aws:sqs");
  assert.equal(r.body, '{"a":1}');
  assert.deepEqual(r.messageAttributes.k, { stringValue: undefined, binaryValue: "aGk=", stringListValues: [], binaryListValues: [], dataType: "Binary" });
  assert.deepEqual(readable(r).body, { a: 1 });
  assert.equal(readable({ ...r, body: "plain" }).body, "plain");
  assert.equal(readable({ ...r, body: "12" }).body, "12");
});

test("Kinesis data is base64-decoded for filters and templates when it is JSON", () => {
  const k = { eventSource: "aws:kinesis", data: Buffer.from('{"city":"Oslo"}').toString("base64") } as KinesisRecord;
  assert.deepEqual(readable(k).data, { city: "Oslo" });
  const t = { ...k, data: Buffer.from("not json").toString("base64") };
  assert.equal(readable(t).data, t.data);
});
