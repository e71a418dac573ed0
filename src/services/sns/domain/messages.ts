// What a publisher sends: message size, Subject, MessageStructure=json and message attributes, with SNS's
// checks and wording (Publish API reference; "Amazon SNS message attributes"; wording as other emulators reproduce AWS's errors).
import { invalidParameter } from "../errors.ts";

export const MAX_MESSAGE_BYTES = 262_144; // 256 KiB for message plus attributes (Publish API reference, Message)

export interface SnsAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

const NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/** Validates attributes; returns their size in bytes (names, types and values count toward the 256 KiB). */
export function checkAttributes(attrs: Record<string, SnsAttribute> | undefined): number {
  let size = 0;
  for (const [name, a] of Object.entries(attrs ?? {})) {
    if (!NAME.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..") || /^(aws|amazon)\./i.test(name)) {
      throw invalidParameter(`MessageAttributes Reason: Message attribute name '${name}' is invalid.`);
    }
    const type = a.DataType ?? "";
    const base = type.split(".")[0];
    if (!["String", "Number", "Binary"].includes(base)) {
      throw invalidParameter(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (base === "Binary") {
      if (!a.BinaryValue || a.BinaryValue.length === 0) {
        throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
      size += a.BinaryValue.length;
    } else {
      const v = a.StringValue;
      if (v === undefined || v === "") {
        throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
      }
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
