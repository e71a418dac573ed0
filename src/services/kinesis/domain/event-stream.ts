// AWS event-stream framing for SubscribeToShard, with the SDKs' own codec (@smithy/core's EventStreamCodec: prelude,
// headers, CRC32s). The answer's first message is the `initial-response` event, then one SubscribeToShardEvent per
// push, and errors inside the stream are `exception` messages named by `:exception-type` ("Event stream encoding",
// AWS SDKs; the SubscribeToShardEventStream shape lists the exceptions a stream may carry). Payloads are encoded in
// the request's wire format: JSON 1.1, or CBOR for the Java SDK's default.
import { EventStreamCodec } from "@smithy/core/event-streams";
import { encodeCborValue } from "../../../protocol/cbor/codec.ts";
import { toJsonValue } from "../../../protocol/shapes.ts";

/** The answer's content type: an AWS event stream. */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

const codec = new EventStreamCodec(
  (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  (text: string) => Buffer.from(text, "utf8"),
);

export type PayloadFormat = "json" | "cbor";

const CONTENT_TYPES: Record<PayloadFormat, string> = { json: "application/x-amz-json-1.1", cbor: "application/x-amz-cbor-1.1" };

function payload(format: PayloadFormat, value: Record<string, unknown>): Uint8Array {
  return format === "cbor" ? encodeCborValue(value) : Buffer.from(JSON.stringify(toJsonValue(value)), "utf8");
}

const str = (value: string) => ({ type: "string" as const, value });

/** An event message (`:message-type` event) named `eventType`, its payload in the request's format. */
export function eventMessage(format: PayloadFormat, eventType: string, value: Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: { ":message-type": str("event"), ":event-type": str(eventType), ":content-type": str(CONTENT_TYPES[format]) },
    body: payload(format, value),
  });
}

/** The first message of every event-stream answer (the operation's non-stream output members: none here). */
export function initialResponse(format: PayloadFormat): Uint8Array {
  return eventMessage(format, "initial-response", {});
}

/** An error inside the stream: an `exception` message whose payload is the error's members (message). */
export function exceptionMessage(format: PayloadFormat, code: string, message: string): Uint8Array {
  return codec.encode({
    headers: { ":message-type": str("exception"), ":exception-type": str(code), ":content-type": str(CONTENT_TYPES[format]) },
    body: payload(format, { message }),
  });
}
