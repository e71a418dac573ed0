// Smithy RPC v2 CBOR (smithy.protocols#rpcv2Cbor, https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html):
// POST /service/<ServiceShapeName>/operation/<Operation> with the header `smithy-protocol: rpc-v2-cbor` and the input
// structure as a CBOR body (empty for no input); answers carry the same header, `Content-Type: application/cbor` and
// the output structure in CBOR; errors are a CBOR map with `__type` (the error's shape id) and `message`, and for
// awsQueryCompatible services (CloudWatch) the `x-amzn-query-error: Code;Sender|Receiver` header. Timestamps are tag 1
// with epoch seconds (may be fractional), blobs byte strings. The service shape name is the AWS JSON target prefix
// (GraniteServiceVersion20100801 for CloudWatch), so detection finds the service by the same table.
import { tag } from "@smithy/core/cbor";
import { decodeCborInput, encodeBody } from "../cbor/codec.ts";
import { type Codec, type Detected, plainOutput, type ProtocolService, type Reply } from "../codec.ts";
import type { AwsError } from "../errors.ts";
import { unknownOperationError } from "../json/codec.ts";
import { setEntry } from "../shapes.ts";

export const RPCV2_CBOR_CONTENT_TYPE = "application/cbor";
export const SMITHY_PROTOCOL = "rpc-v2-cbor";

/** `/service/<name>/operation/<op>` → [name, op], or undefined. */
export function parseRpcPath(path: string): [string, string] | undefined {
  const m = /^\/service\/([^/]+)\/operation\/([^/]+)$/.exec(path);
  return m ? [m[1], m[2]] : undefined;
}

/** Output values as RPC v2 CBOR takes them: Dates as tag 1 epoch seconds (fractional for milliseconds), no undefined. */
function toCbor(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return tag({ tag: 1, value: value.getTime() / 1000 });
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(toCbor);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) setEntry(out, k, toCbor(v));
  return out;
}

const headers = (requestId: string): Record<string, string> => ({
  "content-type": RPCV2_CBOR_CONTENT_TYPE, "smithy-protocol": SMITHY_PROTOCOL, "x-amzn-requestid": requestId,
});

export function rpcv2CborError(err: AwsError, svc: ProtocolService | undefined, requestId: string): Reply {
  const h = headers(requestId);
  if (svc?.queryCompatible) h["x-amzn-query-error"] = `${err.queryCode};${err.sender ? "Sender" : "Receiver"}`;
  const type = err.jsonType ?? `${svc?.jsonNamespace ?? ""}#${err.code}`;
  return { status: err.status, headers: h, body: encodeBody({ __type: type, message: err.message }) };
}

export const rpcv2CborCodec: Codec = {
  name: "rpcv2-cbor",
  stringScalars: false,
  decode: (found) => decodeCborInput(found.body),
  encode: (_found: Detected, _svc: ProtocolService, output, requestId) => ({
    status: 200, headers: headers(requestId), body: encodeBody(toCbor(plainOutput(output) ?? {})),
  }),
  error: (_found, svc, err, requestId) => rpcv2CborError(err, svc, requestId),
  unknownOperation: () => unknownOperationError(),
};
