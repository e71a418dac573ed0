// Validation of what a producer sends: body characters and size, message attributes (names, data types,
// values) and message system attributes, with SQS's error codes and messages.
import { invalidParameter, missingParameter, sqsError } from "../errors.ts";
import type { MessageAttributeValue } from "../store.ts";
import { MAX_ATTRIBUTE_NAME_LENGTH, MAX_DATA_TYPE_LENGTH, MAX_MESSAGE_ATTRIBUTES } from "./limits.ts";

// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (SendMessage API reference, MessageBody).
// A lone surrogate is not a valid character either.
const INVALID_BODY_CHARS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Printable ASCII, tab, LF and CR: the common case, tested without the slower Unicode-mode expression. */
const PLAIN_ASCII = /^[\x09\x0A\x0D\x20-\x7E]*$/;

export function checkBodyCharacters(body: string): void {
  if (!PLAIN_ASCII.test(body) && INVALID_BODY_CHARS.test(body)) {
    throw sqsError(
      "InvalidMessageContents",
      "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    );
  }
}

const NAME_CHARS = /^[A-Za-z0-9_.-]+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function attributeSize(name: string, a: MessageAttributeValue): number {
  const value = a.BinaryValue ? a.BinaryValue.length : Buffer.byteLength(a.StringValue ?? "", "utf8");
  return Buffer.byteLength(name, "utf8") + Buffer.byteLength(a.DataType, "utf8") + value;
}

/** Validates message attributes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html); returns their size in bytes. */
export function checkMessageAttributes(attrs: Record<string, MessageAttributeValue> | undefined, kind = "message attribute"): number {
  if (!attrs) return 0;
  const names = Object.keys(attrs);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }
  let size = 0;
  for (const name of names) {
    const a = attrs[name];
    if (name.length === 0) throw invalidParameter("The request must contain non-empty message attribute name.");
    if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) {
      throw invalidParameter(`Message (user) attribute name must be shorter than ${MAX_ATTRIBUTE_NAME_LENGTH} bytes.`);
    }
    if (!NAME_CHARS.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
      throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty message attribute name, can only contain alphanumeric characters, hyphens, underscores, or periods, and must not start or end with a period or contain consecutive periods.`);
    }
    const lower = name.toLowerCase();
    if (kind === "message attribute" && (lower.startsWith("aws.") || lower.startsWith("amazon."))) {
      throw invalidParameter(`Message attribute name '${name}' is reserved for use by Amazon.`);
    }
    if (!a || typeof a !== "object") throw missingParameter(`MessageAttribute.${name}.Value`);
    const type = a.DataType;
    if (!type) throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute type.`);
    if (type.length > MAX_DATA_TYPE_LENGTH) {
      throw invalidParameter(`Message attribute type must be shorter than ${MAX_DATA_TYPE_LENGTH} bytes.`);
    }
    const base = type.split(".")[0];
    if (base !== "String" && base !== "Number" && base !== "Binary") {
      throw invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (base === "Binary") {
      if (a.StringValue !== undefined) throw invalidParameter(`Message (user) attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      if (!a.BinaryValue || a.BinaryValue.length === 0) {
        throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
    } else {
      if (a.BinaryValue !== undefined) throw invalidParameter(`Message (user) attribute '${name}' with type '${base}' must use field 'String'.`);
      if (a.StringValue === undefined || a.StringValue === "") {
        throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`);
      }
      checkBodyCharacters(a.StringValue);
      if (base === "Number" && !isSqsNumber(a.StringValue)) {
        throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
    }
    size += attributeSize(name, a);
  }
  return size;
}

/** Number attributes: up to 38 digits of precision, between 10^-128 and 10^+126 (message metadata docs). */
function isSqsNumber(s: string): boolean {
  if (!NUMBER.test(s)) return false;
  const n = Number(s);
  if (!Number.isFinite(n)) return false;
  const digits = s.replace(/[eE].*$/, "").replace(/[^0-9]/g, "").replace(/^0+/, "").replace(/0+$/, "");
  if (digits.length > 38) return false;
  return n === 0 || (Math.abs(n) >= 1e-128 && Math.abs(n) <= 1e126);
}

/** Only AWSTraceHeader may be sent as a message system attribute (SendMessage API reference). */
export function checkSystemAttributes(attrs: Record<string, MessageAttributeValue> | undefined): void {
  if (!attrs) return;
  for (const [name, a] of Object.entries(attrs)) {
    if (name !== "AWSTraceHeader") throw invalidParameter(`Message system attribute name '${name}' is invalid.`);
    if (a?.DataType !== "String" || !a.StringValue) {
      throw invalidParameter("Message system attribute 'AWSTraceHeader' must be of type String with a non-empty value.");
    }
  }
}
