// The request pipeline shared by every service: read the body, detect protocol and operation, verify SigV4,
// decode and type-check the input from the model, call the service, and write the result or the AWS error
// in the envelope of the protocol the request came in.
import { hash, randomUUID } from "node:crypto";
import type http from "node:http";
import type http2 from "node:http2";
import type { CredentialStore } from "../auth/credentials.ts";
import { headerMap, readScope, verifySigV4, type Caller } from "../auth/sigv4.ts";
import type { Clock } from "../engine/clock.ts";
import { detect } from "../protocol/detect.ts";
import { AwsError, internalError, jsonError, queryError } from "../protocol/errors.ts";
import { decodeQuery } from "../protocol/query/decode.ts";
import { encodeQueryResponse } from "../protocol/query/encode.ts";
import { readShape, toJsonValue } from "../protocol/shapes.ts";
import type { ServiceDefinition } from "../services/types.ts";
import type { Logger } from "../util/log.ts";
import { serveNode } from "./node-adapter.ts";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;
export type InternalHandler = (req: Req, res: Res, path: string) => boolean;

/** One request as any transport hands it over: node's servers (via the adapter below) or the HTTP/1.1 fast path. */
export interface WireRequest {
  method: string;
  /** Raw request target: path and query, still percent-encoded. */
  url: string;
  /** Header names and values in wire order (as node's req.rawHeaders; HTTP/2 includes the pseudo headers). */
  rawHeaders: string[];
  body: Buffer;
  /** Came in over TLS (answers carry https:// URLs). */
  encrypted: boolean;
  /** Aborted when the client goes away; made on demand (only long polls ask). */
  signal: () => AbortSignal;
}

/** What the pipeline answers: the transport adds content-length and writes it. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Handler {
  /** The pipeline without a transport: never rejects (failures become AWS errors). */
  wire(req: WireRequest): Promise<Reply>;
  /** Whether a path belongs to the internal routes, which need node's request and response objects. */
  isInternal(path: string): boolean;
  /** An AWS error answered before the body is read (413, timeouts), in the protocol the head names, with a request id. */
  reject(head: RequestHead, err: AwsError): Reply;
  /** The adapter for node's http/http2 servers (internal routes included): see node-adapter.ts. */
  node(req: Req, res: Res): void;
}

export type RequestHead = Pick<WireRequest, "method" | "url" | "rawHeaders">;

const DEFAULT_REGION = "us-east-1";

export interface HandlerDeps {
  services: ServiceDefinition[];
  credentials: CredentialStore;
  clock: Clock;
  log: Logger;
  /** Internal routes (/_mailroom/..., /_aws/...); return true when handled. */
  internal?: InternalHandler;
}

export function createHandler(deps: HandlerDeps): Handler {
  const byPrefix = new Map<string, ServiceDefinition>();
  const bySigningName = new Map<string, ServiceDefinition>();
  for (const s of deps.services) {
    if (s.model.metadata.targetPrefix) byPrefix.set(s.model.metadata.targetPrefix, s);
    bySigningName.set(s.signingName, s);
  }

  /** Query requests name their service by the credential scope, else by which service has the action. */
  function queryService(scopeService: string | undefined, action: string | undefined): ServiceDefinition | undefined {
    const s = scopeService ? bySigningName.get(scopeService) : undefined;
    if (s?.protocols.includes("query")) return s;
    return deps.services.find((x) => x.protocols.includes("query") && action !== undefined && action in x.model.operations);
  }

  async function handle(req: WireRequest): Promise<Reply> {
    const requestId = randomUUID();
    const { url, body, signal } = req;
    const q = url.indexOf("?");
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : "";
    const raw = req.rawHeaders;
    // One pass over the headers serves detection, the base URL and SigV4.
    const headers = headerMap(raw);
    const found = detect(req.method, query, headers.get("content-type"), headers.get("x-amz-target"), body);
    const host = headers.get("host") ?? headers.get(":authority") ?? "localhost:4566";
    // URLs in answers (queue URLs, SubscribeURL, UnsubscribeURL) keep the scheme the request came in with.
    const baseUrl = `${req.encrypted ? "https" : "http"}://${host}`;

    let service: ServiceDefinition | undefined;
    let operation: string;
    let protocol: "json" | "query";
    let rawInput: unknown;
    if (found.protocol === "json") {
      protocol = "json";
      service = byPrefix.get(found.prefix);
      operation = found.operation;
      if (!service) {
        return jsonError(new AwsError("UnknownOperationException", "", { jsonType: "com.amazon.coral.service#UnknownOperationException", queryCode: "InvalidAction" }), "", requestId, found.contentType, false);
      }
    } else if (found.protocol === "query" && found.action !== undefined) {
      protocol = "query";
      // Only the query protocol needs the credential scope to pick its service (JSON names it in X-Amz-Target).
      service = queryService(readScope({ query, rawHeaders: raw })?.service, found.action);
      operation = found.action;
      if (!service) {
        // Unsigned requests name no service: answer in the namespace of the first query service (SQS, the default).
        const first = deps.services.find((x) => x.protocols.includes("query"));
        return queryError(invalidAction(operation), first?.model.metadata.xmlNamespace ?? "", requestId);
      }
    } else {
      // No X-Amz-Target and no Action: 404 UnknownOperationException (LocalStack test_get_without_query_returns_unknown_operation, AWS-validated).
      return { status: 404, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: '<?xml version="1.0"?><UnknownOperationException/>' };
    }
    const svc = service;
    const fail = (err: AwsError): Reply =>
      protocol === "json"
        ? jsonError(err, svc.jsonNamespace, requestId, found.protocol === "json" ? found.contentType : "", svc.queryCompatible)
        : queryError(err, svc.model.metadata.xmlNamespace ?? "", requestId);

    try {
      let caller: Caller;
      try {
        caller = authenticate(req, path, query, body, headers);
      } catch (e) {
        const unsigned = e instanceof AwsError && e.code === "MissingAuthenticationToken" && protocol === "query"
          ? svc.unsignedCaller?.(operation, (found as { params: URLSearchParams }).params)
          : undefined;
        if (!unsigned) throw e instanceof AwsError && svc.authError ? svc.authError(e, baseUrl) : e;
        caller = { accessKeyId: "anonymous", service: svc.signingName, signed: false, ...unsigned };
      }
      const opModel = svc.model.operations[operation];
      const handler = svc.operations[operation];
      if (!opModel || !handler) {
        throw protocol === "json"
          ? new AwsError("UnknownOperationException", "", { jsonType: "com.amazon.coral.service#UnknownOperationException", queryCode: "InvalidAction" })
          : invalidAction(operation);
      }
      if (protocol === "json") {
        try {
          rawInput = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
        } catch {
          throw new AwsError("SerializationException", "", { jsonType: "com.amazon.coral.service#SerializationException", queryCode: "MalformedInput" });
        }
      } else {
        const params = (found as { params: URLSearchParams }).params;
        const fromPath = path !== "/" && svc.pathInput ? svc.pathInput(path, baseUrl, operation) : undefined;
        rawInput = opModel.input ? decodeQuery(svc.model, opModel.input, params) : {};
        if (fromPath) rawInput = { ...fromPath, ...(rawInput as object) };
      }
      const input = opModel.input
        ? (readShape(svc.model, opModel.input, rawInput ?? {}, svc.inputErrors, "", protocol === "query") as Record<string, unknown>)
        : {};
      const ctx = {
        requestId, baseUrl, operation,
        get signal() {
          return signal();
        },
        accountId: caller.accountId, region: caller.region || DEFAULT_REGION, accessKeyId: caller.accessKeyId,
      };
      const output = await handler(ctx, input);
      if (protocol === "json") {
        return {
          status: 200,
          headers: { "content-type": (found as { contentType: string }).contentType, "x-amzn-requestid": requestId },
          body: JSON.stringify(toJsonValue(output ?? {})),
        };
      }
      return { status: 200, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: encodeQueryResponse(svc.model, operation, output, requestId) };
    } catch (e) {
      if (e instanceof AwsError) return fail(e);
      if (storageUnavailable(e)) {
        deps.log.warn("storage unavailable", { requestId, operation, error: String(e) });
        return fail(serviceUnavailable());
      }
      deps.log.error("request failed", { requestId, operation, error: e instanceof Error ? e.stack : String(e) });
      return fail(internalError());
    }
  }

  function authenticate(req: WireRequest, path: string, query: string, body: Buffer, headers: Map<string, string>): Caller {
    const anonymous = deps.credentials.anonymous;
    const bodySha256 = anonymous ? "" : hash("sha256", body, "hex");
    return verifySigV4({ method: req.method, path, query, rawHeaders: req.rawHeaders, bodySha256, headers }, deps.credentials, deps.clock.now());
  }

  /** A failure outside the protocol pipeline (unreadable body, a bug): a plain-text answer. */
  const bare = (e: unknown): Reply => {
    const err = e instanceof AwsError ? e : internalError();
    if (!(e instanceof AwsError)) deps.log.error("request failed", { error: e instanceof Error ? e.stack : String(e) });
    return { status: err.status, headers: { "content-type": "text/plain" }, body: err.message };
  };
  const wire = (req: WireRequest): Promise<Reply> => handle(req).catch(bare);
  const isInternal = (path: string) => deps.internal !== undefined && (path.startsWith("/_mailroom/") || path.startsWith("/_aws/"));

  /** An AWS error in the envelope of the protocol the request's head names, with a request id (413s, timeouts). */
  const reject = (head: RequestHead, err: AwsError): Reply => {
    const requestId = randomUUID();
    const q = head.url.indexOf("?");
    const headers = headerMap(head.rawHeaders);
    const found = detect(head.method, q >= 0 ? head.url.slice(q + 1) : "", headers.get("content-type"), headers.get("x-amz-target"), Buffer.alloc(0));
    const svc = found.protocol === "json" ? byPrefix.get(found.prefix) : deps.services.find((x) => x.protocols.includes("query"));
    if (found.protocol === "json") return jsonError(err, svc?.jsonNamespace ?? "", requestId, found.contentType, svc?.queryCompatible ?? false);
    return queryError(err, svc?.model.metadata.xmlNamespace ?? "", requestId);
  };
  const handler: Handler = { wire, isInternal, reject, node: (req, res) => serveNode(handler, deps.internal, req, res) };
  return handler;
}

/** Database connection loss or shutdown (socket errors, PostgreSQL classes 08 and 57P): a temporary failure. */
function storageUnavailable(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = e instanceof Error ? e.message : "";
  return /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|08|57P)/.test(code) || /Connection terminated|timeout exceeded when trying to connect/.test(msg);
}

/** AWS's temporary-failure answer (HTTP 503), which the SDKs retry (Common Errors, ServiceUnavailable). */
function serviceUnavailable(): AwsError {
  return new AwsError("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", { status: 503, sender: false });
}

function invalidAction(action: string): AwsError {
  return new AwsError("InvalidAction", `The action ${action} is not valid for this endpoint.`);
}
