// One interface for every wire format (ADR 0010): a codec turns a detected request into the operation's raw input
// and an operation's output or AwsError into a Reply. Which codec and service a request goes to is decided once by
// detect.ts from a table built from the service definitions; the pipeline (server/handler.ts) knows no protocol.
import type { AwsError } from "./errors.ts";
import type { OperationModel, ServiceModel } from "./model.ts";

/** The wire formats a service may declare (AWS JSON 1.0/1.1 by the model's jsonVersion, query/XML, AWS JSON over CBOR, REST-JSON, Smithy RPC v2 CBOR). */
export type CodecName = "json" | "query" | "cbor" | "rest-json" | "rpcv2-cbor";

/** What a codec needs from a service (services/types.ts ServiceDefinition extends it; protocol/ imports no service). */
export interface ProtocolService {
  /** Service name in SigV4 credential scopes (e.g. "sqs"). */
  signingName: string;
  model: ServiceModel;
  /** The codecs the service speaks; detection only routes a request to a codec its service lists. */
  codecs: CodecName[];
  /** Namespace of JSON `__type` values, e.g. "com.amazonaws.sqs". */
  jsonNamespace: string;
  /** awsQueryCompatible services also send x-amzn-query-error with JSON errors. */
  queryCompatible: boolean;
  /** Query requests may be posted to a resource path (SQS queue URLs): the input member to fill from it. */
  pathInput?: (path: string, baseUrl: string, operation: string) => Record<string, string> | undefined;
}

/** What the pipeline answers: the transport adds content-length and writes it. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Text (JSON, XML) is written as UTF-8; binary formats (CBOR) hand over their bytes. */
  body: string | Buffer;
  /**
   * A long-lived answer (an event stream, e.g. Kinesis SubscribeToShard): written after the head as its chunks come,
   * without a content length (HTTP/1.1 chunked, HTTP/2 data frames), and ended when the iterable ends. `body` is then
   * empty. The transport stops the iterable (return()) when the client goes away.
   */
  stream?: AsyncIterable<Uint8Array>;
}

/**
 * What an operation returns to answer with a stream instead of an encoded output (services/types.ts streamingOutput):
 * the content type and the chunks, already framed by the service.
 */
export interface StreamingOutput {
  contentType: string;
  chunks: AsyncIterable<Uint8Array>;
}

/** The key under which an operation's output carries a StreamingOutput. */
export const STREAMING_OUTPUT = Symbol.for("mailroom.streamingOutput");

/**
 * An output that can encode itself for some codecs (ADR 0033): an operation whose answer is large and regular (Kinesis
 * GetRecords: up to 10,000 records) writes the body straight from its rows for the wire formats it knows, instead of
 * building an object per item for the generic encoder. `body` answers the complete body for a codec, or undefined for
 * a codec it has no fast path for; `plain` is the same output as an ordinary object, which every other codec (and an
 * in-process caller) encodes or reads as usual. Both must say the same thing: tests compare the two encodings byte
 * for byte.
 */
export interface PreEncodedOutput {
  body(codec: CodecName): string | Buffer | undefined;
  plain(): Record<string, unknown>;
}

/** The key under which an operation's output carries a PreEncodedOutput. */
export const PRE_ENCODED = Symbol.for("mailroom.preEncoded");

/** The output's pre-encoded form, if the operation gave one. */
export function preEncodedOf(output: Record<string, unknown> | undefined): PreEncodedOutput | undefined {
  return output === undefined ? undefined : (output as { [PRE_ENCODED]?: PreEncodedOutput })[PRE_ENCODED];
}

/** The output as an ordinary object: a pre-encoded output's plain form, any other output as it is. */
export function plainOutput(output: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const pre = preEncodedOf(output);
  return pre ? pre.plain() : output;
}

/**
 * One request as detection found it: the codec, the service (undefined when none matched), the operation, and the
 * request parts the codec reads (carried here so the hot path allocates one object for both).
 */
export interface Detected<S extends ProtocolService = ProtocolService> {
  codec: Codec;
  service: S | undefined;
  operation: string;
  path: string;
  /** Raw query string (after `?`, still percent-encoded). */
  query: string;
  /** Lower-cased header names to values. */
  headers: Map<string, string>;
  body: Buffer;
  /** Response content type for JSON and CBOR (the request's x-amz-json-1.0/1.1 or cbor-1.1). */
  contentType: string;
  /** Query protocol: the form and query-string parameters, decoded once. */
  params?: URLSearchParams;
  /** Query protocol: the query string or form held a malformed percent-encoding (the codec answers the 4xx). */
  badEncoding?: boolean;
  /** REST-JSON: the route's label values, still percent-encoded. */
  labels?: Record<string, string>;
}

export interface Codec {
  readonly name: CodecName;
  /** Scalars arrive as strings (query forms): readShape then accepts "1" for a number and "true" for a boolean. */
  readonly stringScalars: boolean;
  /** The operation's raw input (readShape then checks it against the model); throws the codec's AwsError on bad input. */
  decode(found: Detected, service: ProtocolService, op: OperationModel, baseUrl: string): unknown;
  /** The operation's output as the codec's 200 answer. */
  encode(found: Detected, service: ProtocolService, output: Record<string, unknown> | undefined, requestId: string): Reply;
  /**
   * An AWS error in the codec's envelope; `service` is the one addressed, or the table's fallback for the codec;
   * `found` is undefined when the request was refused before detection could name it (Handler.reject).
   */
  error(found: Detected | undefined, service: ProtocolService | undefined, err: AwsError, requestId: string): Reply;
  /** The error for an operation (or X-Amz-Target prefix) nobody serves, in the codec's terms. */
  unknownOperation(operation: string): AwsError;
}
