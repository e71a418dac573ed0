// The query codec against the SQS model: form parameters as botocore's query serializer writes them, and
// XML as botocore's parser reads it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sqsModel } from "../../src/protocol/models/sqs.gen.ts";
import { decodeQuery } from "../../src/protocol/query/decode.ts";
import { encodeQueryResponse } from "../../src/protocol/query/encode.ts";

test("decodes flattened maps, lists and nested structures", () => {
  const params = new URLSearchParams([
    ["QueueUrl", "http://h/000000000000/q"], ["MessageBody", "b"],
    ["MessageAttribute.1.Name", "n"], ["MessageAttribute.1.Value.DataType", "String"], ["MessageAttribute.1.Value.StringValue", "v"],
    ["MessageAttribute.2.Name", "bin"], ["MessageAttribute.2.Value.DataType", "Binary"], ["MessageAttribute.2.Value.BinaryValue", "AQI="],
    ["DelaySeconds", "5"],
  ]);
  assert.deepEqual(decodeQuery(sqsModel, "SendMessageRequest", params), {
    QueueUrl: "http://h/000000000000/q", MessageBody: "b", DelaySeconds: "5",
    MessageAttributes: { n: { DataType: "String", StringValue: "v" }, bin: { DataType: "Binary", BinaryValue: "AQI=" } },
  });
  const recv = new URLSearchParams([["QueueUrl", "u"], ["AttributeName.1", "All"], ["MessageAttributeName.1", "a.*"], ["MessageAttributeName.2", "b"]]);
  assert.deepEqual(decodeQuery(sqsModel, "ReceiveMessageRequest", recv), { QueueUrl: "u", AttributeNames: ["All"], MessageAttributeNames: ["a.*", "b"] });
  const batch = new URLSearchParams([["QueueUrl", "u"], ["SendMessageBatchRequestEntry.2.Id", "b"], ["SendMessageBatchRequestEntry.2.MessageBody", "B"], ["SendMessageBatchRequestEntry.1.Id", "a"], ["SendMessageBatchRequestEntry.1.MessageBody", "A"]]);
  assert.deepEqual(decodeQuery(sqsModel, "SendMessageBatchRequest", batch), { QueueUrl: "u", Entries: [{ Id: "a", MessageBody: "A" }, { Id: "b", MessageBody: "B" }] });
  const create = new URLSearchParams([["QueueName", "q"], ["Attribute.1.Name", "VisibilityTimeout"], ["Attribute.1.Value", "5"], ["Tag.1.Key", "k"], ["Tag.1.Value", "v"]]);
  assert.deepEqual(decodeQuery(sqsModel, "CreateQueueRequest", create), { QueueName: "q", Attributes: { VisibilityTimeout: "5" }, tags: { k: "v" } });
});

test("encodes results with flattened members, escaping CR", () => {
  const xml = encodeQueryResponse(sqsModel, "ReceiveMessage", {
    Messages: [{ MessageId: "m", Body: "a\r\n<&>", Attributes: { SentTimestamp: "1" }, MessageAttributes: { k: { DataType: "Binary", BinaryValue: Buffer.from([1]) } } }],
  }, "rid");
  assert.equal(xml,
    '<?xml version="1.0"?><ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ReceiveMessageResult>' +
    "<Message><MessageId>m</MessageId><Body>a&#xD;\n&lt;&amp;&gt;</Body><Attribute><Name>SentTimestamp</Name><Value>1</Value></Attribute>" +
    "<MessageAttribute><Name>k</Name><Value><BinaryValue>AQ==</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute></Message>" +
    "</ReceiveMessageResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>");
  assert.equal(encodeQueryResponse(sqsModel, "DeleteQueue", undefined, "r"),
    '<?xml version="1.0"?><DeleteQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteQueueResponse>');
});
