// AWS JSON over CBOR (`application/x-amz-cbor-1.1`): the same X-Amz-Target operations and members as AWS JSON 1.1,
// the body in CBOR (RFC 8949) — what the AWS Java SDKs send to Kinesis by default. Encoding and decoding are
// @smithy/core's CBOR codec (maintained by the AWS SDK team); this file only maps values to and from it.
import { cbor, tag, tagSymbol } from "@smithy/core/cbor";
import { type Codec, type Detected, plainOutput, preEncodedOf, type ProtocolService, type Reply } from "../codec.ts";
import { AwsError } from "../errors.ts";
import { MAX_DEPTH, serializationError, unknownOperationError } from "../json/codec.ts";
import { setEntry } from "../shapes.ts";

const CBOR = "application/x-amz-cbor-1.1";
/** Tag 1: epoch-based date/time (RFC 8949 §3.4.2). */
const EPOCH_TAG = 1;
/**
 * Epoch values at or above this are milliseconds: the AWS Java SDK v2 writes CBOR timestamps as tag 1 with epoch
 * milliseconds (AwsCborProtocolFactory: "CBOR uses epoch millis for timestamps"), Smithy's CBOR as epoch seconds;
 * 1e11 seconds is the year 5138 and 1e11 ms is 1973, so the two never meet for real dates.
 */
const MILLIS_FROM = 1e11;

/** A decoded CBOR value as readShape takes it: tag 1 → Date, byte strings → Buffer, maps with own keys only. */
export function fromCbor(value: unknown, left: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (left === 0) throw serializationError(`CBOR nesting exceeds the limit of ${MAX_DEPTH} levels.`);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map((v) => fromCbor(v, left - 1));
  const tagged = value as { tag?: unknown; value?: unknown; [tagSymbol]?: unknown };
  if (tagged[tagSymbol]) {
    if (Number(tagged.tag) === EPOCH_TAG && typeof tagged.value === "number") {
      return new Date(Math.abs(tagged.value) >= MILLIS_FROM ? tagged.value : tagged.value * 1000);
    }
    throw serializationError(`Unsupported CBOR tag ${String(tagged.tag)}.`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setEntry(out, k, fromCbor(v, left - 1));
  return out;
}

/** An output value as CBOR takes it: Dates as tag 1 epoch milliseconds (Java SDK v2, see MILLIS_FROM), no undefined. */
function toCbor(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return tag({ tag: EPOCH_TAG, value: value.getTime() });
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toCbor);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) setEntry(out, k, toCbor(v));
  return out;
}

/** A value as Kinesis's CBOR carries it (Dates as tag 1 epoch ms), encoded: for payloads outside a Reply (event streams). */
export function encodeCborValue(value: unknown): Buffer {
  return encodeBody(toCbor(value));
}

export function encodeBody(value: unknown): Buffer {
  const bytes = cbor.serialize(value);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function cborError(err: AwsError, namespace: string, requestId: string): Reply {
  const type = err.jsonType ?? `${namespace}#${err.code}`;
  return {
    status: err.status,
    headers: { "content-type": CBOR, "x-amzn-requestid": requestId },
    body: encodeBody({ __type: type, message: err.message }),
  };
}

/** A CBOR request body as an operation's input (AWS CBOR 1.1 and Smithy RPC v2 CBOR alike); empty is {}. */
export function decodeCborInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let raw: unknown;
  try {
    raw = cbor.deserialize(body);
  } catch {
    throw serializationError();
  }
  const input = fromCbor(raw, MAX_DEPTH);
  // The input is a structure: a top-level array, string, number or null is not one.
  if (input === null || typeof input !== "object" || Array.isArray(input) || input instanceof Date || Buffer.isBuffer(input)) throw serializationError();
  return input as Record<string, unknown>;
}

export const cborCodec: Codec = {
  name: "cbor",
  stringScalars: false,
  decode: (found) => decodeCborInput(found.body),
  encode: (_found: Detected, _svc: ProtocolService, output, requestId) => ({
    status: 200,
    headers: { "content-type": CBOR, "x-amzn-requestid": requestId },
    // An output that writes its own CBOR (ADR 0033); else the generic encoding of its plain form.
    body: (preEncodedOf(output)?.body("cbor") as Buffer | undefined) ?? encodeBody(toCbor(plainOutput(output) ?? {})),
  }),
  error: (_found, svc, err, requestId) => cborError(err, svc?.jsonNamespace ?? "", requestId),
  unknownOperation: () => unknownOperationError(),
};
