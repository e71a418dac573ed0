// The request pipeline shared by every service, knowing no protocol: read the body, detect service, codec and
// operation from the codec table (protocol/detect.ts), verify SigV4, decode with the codec and type-check the
// input from the model, call the service, and encode the result or the AWS error with the same codec (ADR 0010).
import { hash, randomUUID } from "node:crypto";
import type { CredentialStore } from "../auth/credentials.ts";
import { headerMap, readScope, verifySigV4, type Caller } from "../auth/sigv4.ts";
import type { Clock } from "../engine/clock.ts";
import type { Detected, Reply } from "../protocol/codec.ts";
import { buildCodecTable, CODECS } from "../protocol/detect.ts";
import { AwsError, internalError } from "../protocol/errors.ts";
import { readShape } from "../protocol/shapes.ts";
import type { ServiceDefinition } from "../services/types.ts";
import type { Logger } from "../util/log.ts";
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
  /** Internal routes (/_mailroom/..., /_aws/...); return true when handled. */
  internal?: InternalHandler;
}

/** No X-Amz-Target, no Action, no REST route: 404 UnknownOperationException (LocalStack test_get_without_query_returns_unknown_operation, AWS-validated). */
function unknownRequest(requestId: string): Reply {
  return { status: 404, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: '<?xml version="1.0"?><UnknownOperationException/>' };
}

export function createHandler(deps: HandlerDeps): Handler {
  const table = buildCodecTable(deps.services);

  async function handle(req: WireRequest): Promise<Reply> {
    const requestId = randomUUID();
    const { url, body, signal } = req;
    const q = url.indexOf("?");
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : "";
    const raw = req.rawHeaders;
    // One pass over the headers serves detection, the base URL and SigV4.
    const headers = headerMap(raw);
    const found = table.detect(req.method, path, query, headers, body, () => readScope({ query, rawHeaders: raw })?.service);
    if (found === undefined) return unknownRequest(requestId);
    const { codec, service: svc, operation } = found;
    if (svc === undefined) return codec.error(found, table.fallback(codec), codec.unknownOperation(operation), requestId);
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
      const rawInput = codec.decode(found, svc, opModel, baseUrl);
      const input = opModel.input
        ? (readShape(svc.model, opModel.input, rawInput ?? {}, svc.inputErrors, "", codec.stringScalars) as Record<string, unknown>)
        : {};
      const ctx = {
        requestId, baseUrl, operation,
        get signal() {
          return signal();
        },
        accountId: caller.accountId, region: caller.region || DEFAULT_REGION, accessKeyId: caller.accessKeyId,
      };
      const output = await handler(ctx, input);
      return codec.encode(found, svc, output, requestId);
    } catch (e) {
      if (e instanceof AwsError) return codec.error(found, svc, e, requestId);
      if (storageUnavailable(e)) {
        deps.log.warn("storage unavailable", { requestId, operation, error: String(e) });
        return codec.error(found, svc, serviceUnavailable(), requestId);
      }
      deps.log.error("request failed", { requestId, operation, error: e instanceof Error ? e.stack : String(e) });
      return codec.error(found, svc, internalError(), requestId);
    }
  }

  function authenticate(req: WireRequest, found: Detected, service: string): Caller {
    const anonymous = deps.credentials.anonymous;
    const bodySha256 = anonymous ? "" : hash("sha256", found.body, "hex");
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
  const isInternal = (path: string) => deps.internal !== undefined && (path.startsWith("/_mailroom/") || path.startsWith("/_aws/"));

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
 * such as a full disk), a full disk or I/O error on SQLite (SQLITE_FULL, SQLITE_IOERR_*): a temporary failure.
 */
export function storageUnavailable(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = e instanceof Error ? e.message : "";
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|08|57P|53|SQLITE_FULL|SQLITE_IOERR)/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|database is closed/.test(msg);
}

/** AWS's temporary-failure answer (HTTP 503), which the SDKs retry (Common Errors, ServiceUnavailable). */
function serviceUnavailable(): AwsError {
  return new AwsError("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", { status: 503, sender: false });
}
