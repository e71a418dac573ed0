// Independent reference implementation of the digests SQS returns (MD5OfMessageBody, MD5OfMessageAttributes,
// MD5OfMessageSystemAttributes), written from the AWS developer guide, so tests do not trust the server's own code.
import { createHash } from "node:crypto";

export interface AttrValue {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export function md5OfBody(body: string): string {
  return createHash("md5").update(Buffer.from(body, "utf8")).digest("hex");
}

function withLength(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation */
export function md5OfAttributes(attrs: Record<string, AttrValue>): string {
  const h = createHash("md5");
  for (const name of Object.keys(attrs).sort()) {
    const a = attrs[name];
    h.update(withLength(Buffer.from(name, "utf8")));
    h.update(withLength(Buffer.from(a.DataType ?? "", "utf8")));
    if (a.BinaryValue !== undefined) {
      h.update(Buffer.from([2]));
      h.update(withLength(Buffer.from(a.BinaryValue)));
    } else {
      h.update(Buffer.from([1]));
      h.update(withLength(Buffer.from(a.StringValue ?? "", "utf8")));
    }
  }
  return h.digest("hex");
}
