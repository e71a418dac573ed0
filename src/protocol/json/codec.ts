// AWS JSON 1.0 and 1.1 (X-Amz-Target: <prefix>.<Operation>, body a JSON object): Step Functions, SQS (1.0),
// EventBridge, Kinesis (1.1). Errors are {"__type", "message"}; awsQueryCompatible services (SQS) add the
// x-amzn-query-error header with the query code (Smithy awsQueryCompatible trait).
import { isUtf8 } from "node:buffer";
import { type Codec, type Detected, plainOutput, preEncodedOf, type ProtocolService, type Reply } from "../codec.ts";
import { AwsError, jsonError } from "../errors.ts";
import { toJsonValue } from "../shapes.ts";

/**
 * Deepest nesting of arrays and objects a JSON (or CBOR) body may have. AWS's JSON front ends refuse deeper
 * documents with a SerializationException; 100 levels is far above any AWS input shape (docs/protocols.md).
 */
export const MAX_DEPTH = 100;

export function serializationError(message = ""): AwsError {
  return new AwsError("SerializationException", message, {
    jsonType: "com.amazon.coral.service#SerializationException",
    queryCode: "MalformedInput",
  });
}

export function unknownOperationError(): AwsError {
  return new AwsError("UnknownOperationException", "", {
    jsonType: "com.amazon.coral.service#UnknownOperationException",
    queryCode: "InvalidAction",
  });
}

/** Whether a parsed value nests deeper than `left` levels; visits objects and arrays only, stops at the limit. */
export function tooDeep(value: unknown, left: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (left === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (tooDeep(value[i], left - 1)) return true;
    return false;
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array || value instanceof Date) return false;
  for (const k in value as Record<string, unknown>) if (tooDeep((value as Record<string, unknown>)[k], left - 1)) return true;
  return false;
}

/** Parses a JSON request body: invalid UTF-8, invalid JSON and too deep nesting are all SerializationException (400). */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  // JSON text is UTF-8 (RFC 8259 §8.1); a decoder would silently turn bad bytes into U+FFFD instead.
  if (!isUtf8(body)) throw serializationError();
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw serializationError();
  }
  // The input is a structure: a top-level array, string, number or null is not one.
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw serializationError();
  if (tooDeep(value, MAX_DEPTH)) throw serializationError(`JSON nesting exceeds the limit of ${MAX_DEPTH} levels.`);
  return value;
}

export const jsonCodec: Codec = {
  name: "json",
  stringScalars: false,
  decode: (found) => parseJsonBody(found.body),
  encode(found: Detected, _svc: ProtocolService, output: Record<string, unknown> | undefined, requestId: string): Reply {
    // An output that writes its own JSON (ADR 0033); else the generic encoding of its plain form.
    const body = preEncodedOf(output)?.body("json") ?? JSON.stringify(toJsonValue(plainOutput(output) ?? {}));
    return { status: 200, headers: { "content-type": found.contentType, "x-amzn-requestid": requestId }, body };
  },
  error: (found, svc, err, requestId) =>
    jsonError(err, svc?.jsonNamespace ?? "", requestId, found?.contentType ?? "application/x-amz-json-1.0", svc?.queryCompatible ?? false),
  unknownOperation: () => unknownOperationError(),
};
