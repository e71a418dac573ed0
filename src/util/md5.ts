// MD5 digests SQS returns and the SDKs verify: of the body, and of message (system) attributes encoded as
// AWS describes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation).
import { hash } from "node:crypto";

/** A message attribute as SQS (and SNS, EventBridge's SQS targets) carry it. */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

export function md5Hex(s: string | Buffer): string {
  return hash("md5", s, "hex"); // one-shot: cheaper than createHash().update().digest() per call
}

function lengthPrefixed(parts: Buffer[], value: Buffer): void {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(value.length, 0);
  parts.push(len, value);
}

/** Names sorted; each: name, data type, transport byte (1 string/number, 2 binary), value; lengths big-endian u32. */
export function md5OfAttributes(attrs: Record<string, MessageAttributeValue> | undefined): string | undefined {
  if (!attrs) return undefined;
  const names = Object.keys(attrs).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const a = attrs[name];
    lengthPrefixed(parts, Buffer.from(name, "utf8"));
    lengthPrefixed(parts, Buffer.from(a.DataType, "utf8"));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(parts, a.BinaryValue);
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(parts, Buffer.from(a.StringValue ?? "", "utf8"));
    }
  }
  return md5Hex(Buffer.concat(parts));
}
