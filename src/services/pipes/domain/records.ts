// The records a pipe reads, in the shapes AWS documents for each source (EventBridge user guide, "Amazon SQS as a
// source" and "Amazon Kinesis stream as a source"), and the document filters see: an SQS record's body and a Kinesis
// record's data are matched as JSON when they are JSON (user guide, "Event filtering in Amazon EventBridge Pipes":
// Kinesis data is base64-decoded first), and input templates read them the same way ("implicit body data parsing").

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, unknown>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: "aws:sqs";
  eventSourceARN: string;
  awsRegion: string;
}

export interface KinesisRecord {
  kinesisSchemaVersion: "1.0";
  partitionKey: string;
  sequenceNumber: string;
  /** Base64, as the pipe passes it on. */
  data: string;
  approximateArrivalTimestamp: number;
  eventSource: "aws:kinesis";
  eventVersion: "1.0";
  eventID: string;
  eventName: "aws:kinesis:record";
  invokeIdentityArn: string;
  awsRegion: string;
  eventSourceARN: string;
}

function parsedJson(text: string): unknown {
  const t = text.trimStart();
  if (t[0] !== "{" && t[0] !== "[") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The SQS message as a pipe record (ReceiveMessage's output with all attributes). */
export function sqsRecord(m: Record<string, unknown>, queueArn: string, region: string): SqsRecord {
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((m.MessageAttributes ?? {}) as Record<string, Record<string, unknown>>)) {
    attrs[k] = {
      stringValue: v.StringValue, binaryValue: Buffer.isBuffer(v.BinaryValue) ? v.BinaryValue.toString("base64") : v.BinaryValue,
      stringListValues: v.StringListValues ?? [], binaryListValues: v.BinaryListValues ?? [], dataType: v.DataType,
    };
  }
  return {
    messageId: String(m.MessageId), receiptHandle: String(m.ReceiptHandle), body: String(m.Body ?? ""),
    attributes: (m.Attributes ?? {}) as Record<string, string>, messageAttributes: attrs, md5OfBody: String(m.MD5OfBody ?? ""),
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: String(m.MD5OfMessageAttributes) } : {}),
    eventSource: "aws:sqs", eventSourceARN: queueArn, awsRegion: region,
  };
}

/** What filters and templates read of a record: the body (SQS) or decoded data (Kinesis) as JSON when it is JSON. */
export function readable(record: SqsRecord | KinesisRecord): Record<string, unknown> {
  if (record.eventSource === "aws:sqs") {
    const body = parsedJson(record.body);
    return body === undefined ? { ...record } : { ...record, body };
  }
  const data = parsedJson(Buffer.from(record.data, "base64").toString("utf8"));
  return data === undefined ? { ...record } : { ...record, data };
}
