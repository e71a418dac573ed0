// The contract between the server and a service: which codecs (wire formats) it speaks, its model, and a handler
// per operation. Handlers receive the decoded, type-checked input and return the output object.
import { type CodecName, PRE_ENCODED, type PreEncodedOutput, type ProtocolService, STREAMING_OUTPUT, type StreamingOutput } from "../protocol/codec.ts";
import type { AwsError } from "../protocol/errors.ts";
import type { InputErrors } from "../protocol/shapes.ts";
import { randomUUID } from "node:crypto";
import { type Cancel, NEVER_ABORTED } from "../util/cancel.ts";

export interface RequestContext {
  requestId: string;
  accountId: string;
  region: string;
  accessKeyId: string;
  /** Scheme and authority the client used, e.g. "http://127.0.0.1:4566" (for queue URLs). */
  baseUrl: string;
  /** The operation being called (e.g. "SendMessage"), for resource policies. */
  operation?: string;
  /** Aborted when the client goes away (streams stop). */
  signal: AbortSignal;
  /** Told when the client goes away, at less cost than `signal` (long polls stop waiting); absent outside the wire. */
  cancel?: Cancel;
  /** The wire format the request came in (a streamed answer frames its events in the same one). */
  codec?: CodecName;
  /** The request's X-Amzn-Trace-Id header (AWS X-Ray trace context), if it carried one. */
  traceHeader?: string;
}

/**
 * The context of a call made outside the wire (a job's delivery, a schedule's target, a pipe, declarations): a fresh
 * request id and the shared never-aborted signal (no client can go away).
 */
export function jobContext(accountId: string, region: string, baseUrl = "", accessKeyId = "", requestId: string = randomUUID()): RequestContext {
  return { requestId, accountId, region, accessKeyId, baseUrl, signal: NEVER_ABORTED };
}

export type { StreamingOutput } from "../protocol/codec.ts";

/**
 * An operation's output that answers with a long-lived stream (AWS event streams): the server writes the head, then
 * each chunk as it comes, and stops the chunks' iterable when the client goes away (ctx.signal aborts too).
 */
export function streamingOutput(s: StreamingOutput): Record<string, unknown> {
  return { [STREAMING_OUTPUT]: s } as unknown as Record<string, unknown>;
}

export type { PreEncodedOutput } from "../protocol/codec.ts";

/**
 * An operation's output that writes its own body for the codecs it knows (PreEncodedOutput, ADR 0033); every other
 * codec and in-process callers (serviceCall) get its plain form.
 */
export function preEncodedOutput(p: PreEncodedOutput): Record<string, unknown> {
  return { [PRE_ENCODED]: p } as unknown as Record<string, unknown>;
}

export type Handler = (ctx: RequestContext, input: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;

export type { CodecName };

/**
 * A service as the server sees it. From ProtocolService: signingName, model, `codecs` (the wire formats it speaks,
 * e.g. SQS ["json", "query"], Kinesis ["json", "cbor"]; detection routes requests by them), jsonNamespace,
 * queryCompatible and pathInput (query requests posted to a resource path, e.g. an SQS queue URL; may throw for
 * operations not allowed there).
 */
export interface ServiceDefinition extends ProtocolService {
  inputErrors: InputErrors;
  operations: Record<string, Handler>;
  /** Operations with a request-size limit of their own, in bytes of the body as sent (413 RequestEntityTooLarge above it). */
  maxRequestBytes?: Record<string, number>;
  /**
   * Operations AWS accepts without a signature (SNS's SubscribeURL and UnsubscribeURL links): the account and
   * region the unsigned query request acts for, or undefined when it is not one of them.
   */
  unsignedCaller?: (operation: string, params: URLSearchParams) => { accountId: string; region: string } | undefined;
  /** How this service words authentication errors, when it differs from the SigV4 defaults. */
  authError?: (err: AwsError, baseUrl: string) => AwsError;
  close?(): Promise<void>;
}
