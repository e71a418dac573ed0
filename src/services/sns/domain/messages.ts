// What a publisher sends: message size, Subject, MessageStructure=json and message attributes, with SNS's
// checks and wording (Publish API reference; "Amazon SNS message attributes"; wording as other emulators reproduce AWS's errors).
import type { AwsError } from "../../../protocol/errors.ts";
import { invalidParameter, snsError } from "../errors.ts";

export const MAX_MESSAGE_BYTES = 262_144; // 256 KiB for message plus attributes (Publish API reference, Message)

export interface SnsAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

/** ParameterValueInvalid (400), the code AWS answers bad message attributes with, its message unprefixed. */
function attributeError(message: string): AwsError {
  return snsError("ParameterValueInvalid", message);
}

/**
 * Message attribute names: at most 256 bytes of letters, digits, '-', '_' and '.', not starting or ending with '.',
 * no '..' (SNS message attributes, developer guide). Each rule's wording as recorded on AWS (LocalStack snapshot
 * test_empty_or_wrong_message_attributes); the first character outside the set is named as '#x<hex>'.
 */
function checkAttributeName(name: string): void {
  if (Buffer.byteLength(name, "utf8") > 256) throw attributeError("Length of message attribute name must be less than 256 bytes.");
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad) {
    const hex = bad[0].codePointAt(0)!.toString(16).toUpperCase();
    throw attributeError(`Invalid non-alphanumeric character '#x${hex}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`);
  }
  if (name.startsWith(".")) throw attributeError("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith(".")) throw attributeError("Invalid message attribute name ending with character '.' was found.");
  if (name.includes("..")) throw attributeError("Message attribute name can not have successive '.' character.");
  // Reserved prefixes (SNS message attributes, developer guide); this wording is not checked against a recording.
  if (name === "" || /^(aws|amazon)\./i.test(name)) throw invalidParameter(`MessageAttributes Reason: Message attribute name '${name}' is invalid.`);
}

/** Validates attributes; returns their size in bytes (names, types and values count toward the 256 KiB). */
export function checkAttributes(attrs: Record<string, SnsAttribute> | undefined): number {
  let size = 0;
  for (const [name, a] of Object.entries(attrs ?? {})) {
    checkAttributeName(name);
    const type = a.DataType ?? "";
    const base = type.split(".")[0];
    // Wordings as recorded on AWS (LocalStack snapshots test_empty_or_wrong_message_attributes, test_message_attributes_prefixes).
    if (!["String", "Number", "Binary"].includes(base)) {
      throw attributeError(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const empty = () => attributeError(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    if (base === "Binary") {
      if (a.BinaryValue === undefined && a.StringValue !== undefined) throw attributeError(`The message attribute '${name}' with type '${type}' must use field 'Binary'.`);
      if (!a.BinaryValue || a.BinaryValue.length === 0) throw empty();
      size += a.BinaryValue.length;
    } else {
      const v = a.StringValue;
      if (v === undefined && a.BinaryValue !== undefined && a.BinaryValue.length > 0) throw attributeError(`The message attribute '${name}' with type '${type}' must use field 'String'.`);
      if (v === undefined || v === "") throw empty();
      if (base === "Number" && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) {
        throw invalidParameter(`Could not cast message attribute '${name}' value to number.`);
      }
      if (type === "String.Array") {
        let ok = false;
        try {
          ok = Array.isArray(JSON.parse(v));
        } catch {
          ok = false;
        }
        if (!ok) throw invalidParameter(`The message attribute '${name}' with type 'String.Array' must be a JSON array.`);
      }
      size += Buffer.byteLength(v, "utf8");
    }
    size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(type, "utf8");
  }
  return size;
}

/** Subject: 1-100 printable ASCII characters, no line breaks (Publish API reference, Subject). */
export function checkSubject(subject: string | undefined): void {
  if (subject === undefined) return;
  if (subject === "" || subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject)) throw invalidParameter("Subject");
}

/** MessageStructure=json: a JSON object of strings with a `default` entry (Publish API reference, MessageStructure). */
export function parseStructure(message: string): Record<string, string> {
  let v: unknown;
  try {
    v = JSON.parse(message);
  } catch {
    throw invalidParameter("Message Structure - JSON message body failed to parse");
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw invalidParameter("Message Structure - JSON message body failed to parse");
  const o = v as Record<string, unknown>;
  if (typeof o.default !== "string") throw invalidParameter("Message Structure - No default entry in JSON message body");
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) out[k] = typeof x === "string" ? x : JSON.stringify(x);
  return out;
}

/** The message a subscription of this protocol gets under MessageStructure=json. */
export function messageFor(structure: Record<string, string> | undefined, message: string, protocol: string): string {
  if (!structure) return message;
  return structure[protocol] ?? structure.default;
}

/** A message as published to a topic, before fan-out (what every delivery is made from). */
export interface Published {
  messageId: string;
  topicArn: string;
  message: string;
  subject?: string;
  structure?: Record<string, string>;
  attributes?: Record<string, SnsAttribute>;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  timestamp: string;
  /** The publish request's X-Amzn-Trace-Id: SQS subscribers get it as the AWSTraceHeader system attribute. */
  traceHeader?: string;
}
