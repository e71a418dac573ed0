// The request pipeline shared by every service, knowing no protocol: read the body, detect service, codec and
// operation from the codec table (protocol/detect.ts), verify SigV4, decode with the codec and type-check the
// input from the model, call the service, and encode the result or the AWS error with the same codec (ADR 0010).
import { tooLarge } from "./deadlines.ts";
import { hash, randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { CredentialStore } from "../auth/credentials.ts";
import { headerMap, readScope, verifySigV4, type Caller } from "../auth/sigv4.ts";
import type { Clock } from "../engine/clock.ts";
import { type CodecName, type Detected, type Reply, STREAMING_OUTPUT, type StreamingOutput } from "../protocol/codec.ts";
import { buildCodecTable, CODECS } from "../protocol/detect.ts";
import { AwsError, internalError } from "../protocol/errors.ts";
import { readShape } from "../protocol/shapes.ts";
import type { RequestContext, ServiceDefinition } from "../services/types.ts";
import type { Cancel } from "../util/cancel.ts";
import type { Logger } from "../util/log.ts";
import type { Metrics } from "../metrics/registry.ts";
import { serveNode } from "./node-adapter.ts";
import type { Handler, InternalHandler, RequestHead, WireRequest } from "./wire.ts";

export type { Reply } from "../protocol/codec.ts";
export type { Handler, InternalHandler, RequestHead, WireRequest } from "./wire.ts";

const DEFAULT_REGION = "us-east-1";

const EMPTY = Buffer.alloc(0);

export interface HandlerDeps {
  services: ServiceDefinition[];
  credentials: CredentialStore;
  clock: Clock;
  log: Logger;
  /** Internal routes (/_mailroom/..., /_aws/..., /_localstack/...); return true when handled. */
  internal?: InternalHandler;
  /** Called once per API request after its answer is made (request logs, trace spans); absent = no bookkeeping. */
  observe?: (r: ObservedRequest) => void;
  /** Per-operation request counts and latencies (src/metrics/registry.ts); recorded here, for every service. */
  metrics?: Metrics;
}

/** What the pipeline learnt about a request while serving it. */
interface RequestRecord {
  requestId: string;
  /** The service's signing name (sqs, sns, events, kinesis, states), once detected. */
  service?: string;
  operation?: string;
  /** The operation is not in the service's model (metrics label it "other": the client's invention). */
  unknownOperation?: boolean;
  /** The AWS error code answered, if any. */
  errorCode?: string;
  /** The X-Amzn-Trace-Id header, as sent. */
  traceHeader?: string;
  /** The W3C traceparent header, as sent (OpenTelemetry clients). */
  traceparent?: string;
}

export interface ObservedRequest extends RequestRecord {
  status: number;
  latencyMs: number;
  /** Epoch ms at which the request reached the pipeline. */
  startedAt: number;
}

/**
 * A request's context for its operation. A class, so every context shares one hidden class: an object literal with a
 * `get signal()` accessor gets a new hidden class per request (the accessor is a new closure each time), which kept
 * each request's objects alive through the scavenges until a full GC (bench/sqs-profile.md, third pass). The
 * AbortSignal is made only when an operation reads it (streams); long polls hear of the client going away through
 * `cancel`, the transport's own object, since every AbortSignal lives until a full GC (util/cancel.ts).
 */
class WireContext implements RequestContext {
  readonly requestId: string;
  readonly baseUrl: string;
  readonly operation: string;
  readonly accountId: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly codec: CodecName;
  readonly traceHeader: string | undefined;
  readonly cancel: Cancel | undefined;
  private readonly makeSignal: () => AbortSignal;
  constructor(requestId: string, baseUrl: string, operation: string, makeSignal: () => AbortSignal, cancel: Cancel | undefined, accountId: string, region: string, accessKeyId: string, codec: CodecName, traceHeader: string | undefined) {
    this.requestId = requestId;
    this.baseUrl = baseUrl;
    this.operation = operation;
    this.makeSignal = makeSignal;
    this.cancel = cancel;
    this.accountId = accountId;
    this.region = region;
    this.accessKeyId = accessKeyId;
    this.codec = codec;
    this.traceHeader = traceHeader;
  }
  get signal(): AbortSignal {
    return this.makeSignal();
  }
}

/** No X-Amz-Target, no Action, no REST route: 404 UnknownOperationException (LocalStack test_get_without_query_returns_unknown_operation, AWS-validated). */
function unknownRequest(requestId: string): Reply {
  return { status: 404, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: '<?xml version="1.0"?><UnknownOperationException/>' };
}

/** A gzip request body inflated, at most MAX_INFLATED bytes (a small body cannot expand without bound); undefined when it is not gzip. */
const MAX_INFLATED = 16 * 1024 * 1024;
function gunzipBody(body: Buffer): Buffer | undefined {
  try {
    return gunzipSync(body, { maxOutputLength: MAX_INFLATED });
  } catch {
    return undefined;
  }
}

export function createHandler(deps: HandlerDeps): Handler {
  const table = buildCodecTable(deps.services);

  const observe = deps.observe;
  const metrics = deps.metrics;
  /** Every request a service answers is recorded once, here: the metrics (service, operation, error code, latency) and the observer (logs, spans). */
  async function handle(req: WireRequest): Promise<Reply> {
    if (!observe && !metrics) return serve(req, { requestId: randomUUID() });
    const started = performance.now();
    const rec: RequestRecord = { requestId: randomUUID() };
    const reply = await serve(req, rec);
    const elapsed = performance.now() - started;
    if (metrics && rec.service !== undefined) metrics.observeRequest(rec.service, rec.unknownOperation ? "other" : rec.operation ?? "", rec.errorCode ?? "", elapsed / 1000);
    if (observe) observe({ ...rec, status: reply.status, latencyMs: elapsed, startedAt: Date.now() - elapsed });
    return reply;
  }

  async function serve(req: WireRequest, rec: RequestRecord): Promise<Reply> {
    const { requestId } = rec;
    const { url, signal, cancel } = req;
    const q = url.indexOf("?");
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : "";
    const raw = req.rawHeaders;
    // One pass over the headers serves detection, the base URL and SigV4.
    const headers = headerMap(raw);
    rec.traceHeader = headers.get("x-amzn-trace-id");
    if (observe) rec.traceparent = headers.get("traceparent");
    let body = req.body;
    const encoding = headers.get("content-encoding");
    if (encoding !== undefined && body.length > 0 && /\bgzip\b/i.test(encoding)) {
      // SDKs gzip large bodies of operations with the requestCompression trait (CloudWatch PutMetricData, Smithy
      // "requestCompression trait"); SigV4 signs the compressed bytes, so only the decoded body changes.
      // Bytes that do not inflate stay as they came: the codec then answers its malformed-input error.
      body = gunzipBody(body) ?? body;
    }
    const found = table.detect(req.method, path, query, headers, body, () => readScope({ query, rawHeaders: raw })?.service);
    if (found === undefined) return unknownRequest(requestId);
    const { codec, service: svc, operation } = found;
    rec.operation = operation;
    if (svc === undefined) {
      const err = codec.unknownOperation(operation);
      rec.errorCode = err.code;
      return codec.error(found, table.fallback(codec), err, requestId);
    }
    rec.service = svc.signingName;
    if (!Object.hasOwn(svc.model.operations, operation)) rec.unknownOperation = true;
    const host = headers.get("host") ?? headers.get(":authority") ?? "localhost:4566";
    // URLs in answers (queue URLs, SubscribeURL, UnsubscribeURL) keep the scheme the request came in with.
    const baseUrl = `${req.encrypted ? "https" : "http"}://${host}`;

    try {
      let caller: Caller;
      try {
        caller = authenticate(req, found, svc.signingName);
      } catch (e) {
        const unsigned = e instanceof AwsError && e.code === "MissingAuthenticationToken" && found.params !== undefined
          ? svc.unsignedCaller?.(operation, found.params)
          : undefined;
        if (!unsigned) throw e instanceof AwsError && svc.authError ? svc.authError(e, baseUrl) : e;
        caller = { accessKeyId: "anonymous", service: svc.signingName, signed: false, ...unsigned };
      }
      const opModel = svc.model.operations[operation];
      const handler = svc.operations[operation];
      if (!opModel || !handler) throw codec.unknownOperation(operation);
      // An operation's own request-size limit, on the bytes as sent (a gzip body counts compressed).
      const limit = svc.maxRequestBytes?.[operation];
      if (limit !== undefined && req.body.length > limit) throw tooLarge(`Request size ${req.body.length} exceeded ${limit} bytes for ${operation}.`);
      const rawInput = codec.decode(found, svc, opModel, baseUrl);
      const input = opModel.input
        ? (readShape(svc.model, opModel.input, rawInput ?? {}, svc.inputErrors, "", codec.stringScalars) as Record<string, unknown>)
        : {};
      const ctx = new WireContext(
        requestId, baseUrl, operation, signal, cancel, caller.accountId, caller.region || DEFAULT_REGION, caller.accessKeyId, codec.name,
        // X-Ray's trace header as sent (SQS keeps it as the AWSTraceHeader system attribute).
        rec.traceHeader,
      );
      const output = await handler(ctx, input);
      // A streamed answer (an event stream): the head now, the chunks as the service yields them.
      const streaming = (output as { [STREAMING_OUTPUT]?: StreamingOutput } | undefined)?.[STREAMING_OUTPUT];
      if (streaming) return { status: 200, headers: { "content-type": streaming.contentType, "x-amzn-requestid": requestId }, body: EMPTY, stream: streaming.chunks };
      return codec.encode(found, svc, output, requestId);
    } catch (e) {
      if (e instanceof AwsError) {
        rec.errorCode = e.code;
        return codec.error(found, svc, e, requestId);
      }
      if (storageUnavailable(e)) {
        deps.log.warn("storage unavailable", { requestId, operation, error: String(e) });
        rec.errorCode = "ServiceUnavailable";
        return codec.error(found, svc, serviceUnavailable(), requestId);
      }
      if (unstorableNul(e)) {
        // A string the storage cannot hold is the caller's input, not a server failure: the service's own
        // validation error (400), never a 500.
        const err = svc.inputErrors.invalid("input", "\\u0000", "String without U+0000 (the PostgreSQL backend cannot store it)");
        rec.errorCode = err.code;
        return codec.error(found, svc, err, requestId);
      }
      deps.log.error("request failed", { requestId, operation, error: e instanceof Error ? e.stack : String(e) });
      rec.errorCode = "InternalFailure";
      return codec.error(found, svc, internalError(), requestId);
    }
  }

  function authenticate(req: WireRequest, found: Detected, service: string): Caller {
    const anonymous = deps.credentials.anonymous;
    // The signature covers the bytes sent (compressed ones too), not the inflated body.
    const bodySha256 = anonymous ? "" : hash("sha256", req.body, "hex");
    return verifySigV4(
      { method: req.method, path: found.path, query: found.query, rawHeaders: req.rawHeaders, bodySha256, headers: found.headers, service },
      deps.credentials,
      deps.clock.now(),
    );
  }

  /** A failure outside the protocol pipeline (unreadable body, a bug): a plain-text answer. */
  const bare = (e: unknown): Reply => {
    const err = e instanceof AwsError ? e : internalError();
    if (!(e instanceof AwsError)) deps.log.error("request failed", { error: e instanceof Error ? e.stack : String(e) });
    return { status: err.status, headers: { "content-type": "text/plain" }, body: err.message };
  };
  const wire = (req: WireRequest): Promise<Reply> => handle(req).catch(bare);
  const isInternal = (path: string) =>
    deps.internal !== undefined && (path.startsWith("/_mailroom/") || path.startsWith("/_aws/") || path.startsWith("/_localstack/") || path === "/metrics" ||
      path === "/_console" || path.startsWith("/_console/"));

  /** An AWS error in the envelope of the codec the request's head names, with a request id (413s, timeouts). */
  const reject = (head: RequestHead, err: AwsError): Reply => {
    const requestId = randomUUID();
    const q = head.url.indexOf("?");
    const path = q >= 0 ? head.url.slice(0, q) : head.url;
    const query = q >= 0 ? head.url.slice(q + 1) : "";
    const headers = headerMap(head.rawHeaders);
    const found = table.detect(head.method, path, query, headers, EMPTY, () => readScope({ query, rawHeaders: head.rawHeaders })?.service);
    // Without a body a form request names no Action: answer in the query envelope, as the query services do.
    if (found === undefined) return CODECS.query.error(undefined, table.fallback(CODECS.query), err, requestId);
    return found.codec.error(found, found.service ?? table.fallback(found.codec), err, requestId);
  };
  const handler: Handler = { wire, isInternal, reject, node: (req, res) => serveNode(handler, deps.internal, req, res) };
  return handler;
}

/**
 * Database connection loss or shutdown (socket errors, PostgreSQL classes 08 and 57P, 53 insufficient resources
 * such as a full disk, 3D000: the database is gone), a statement past its timeout, a full disk or I/O error on
 * the WAL's fdatasync (ENOSPC, EDQUOT, EIO) or
 * SQLite (SQLITE_FULL, SQLITE_IOERR_*): a temporary failure (ADR 0026).
 */
export function storageUnavailable(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = e instanceof Error ? e.message : "";
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOSPC|EDQUOT|EIO|08|57P|53|3D000|SQLITE_FULL|SQLITE_IOERR)/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|database is closed/.test(msg);
}

/**
 * PostgreSQL refusing U+0000: `text` cannot hold it (22021, "invalid byte sequence for encoding \"UTF8\": 0x00") nor
 * can `jsonb` (22P05, "unsupported Unicode escape sequence", \u0000). Where AWS accepts the character and Mailroom
 * stores it in such a column, the PostgreSQL backend answers a validation error instead (ADR 0038 lists the members).
 */
export function unstorableNul(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = e instanceof Error ? e.message : "";
  const detail = String((e as { detail?: unknown })?.detail ?? "");
  return (code === "22021" && /0x00/.test(msg)) || (code === "22P05" && /\\u0000/.test(`${msg} ${detail}`));
}

/** AWS's temporary-failure answer (HTTP 503), which the SDKs retry (Common Errors, ServiceUnavailable). */
function serviceUnavailable(): AwsError {
  return new AwsError("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", { status: 503, sender: false });
}
