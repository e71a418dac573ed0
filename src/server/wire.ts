// The transport-neutral pipeline's interface: what transports hand over (WireRequest) and what they call
// (Handler). handler.ts makes one; http1.ts and node-adapter.ts call it.
import type http from "node:http";
import type http2 from "node:http2";
import type { Reply } from "../protocol/codec.ts";
import type { AwsError } from "../protocol/errors.ts";
import type { Cancel } from "../util/cancel.ts";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;
export type InternalHandler = (req: Req, res: Res, path: string) => boolean;

/** One request as any transport hands it over: node's servers (via node-adapter.ts) or the HTTP/1.1 fast path. */
export interface WireRequest {
  method: string;
  /** Raw request target: path and query, still percent-encoded. */
  url: string;
  /** Header names and values in wire order (as node's req.rawHeaders; HTTP/2 includes the pseudo headers). */
  rawHeaders: string[];
  body: Buffer;
  /** Came in over TLS (answers carry https:// URLs). */
  encrypted: boolean;
  /** Aborted when the client goes away; made on demand (streams ask; long polls use `cancel`, which costs less). */
  signal: () => AbortSignal;
  /** Told when the client goes away (long polls); absent, they listen to `signal`. The transports set it. */
  cancel?: Cancel;
}

export interface Handler {
  /** The pipeline without a transport: never rejects (failures become AWS errors). */
  wire(req: WireRequest): Promise<Reply>;
  /** Whether a path belongs to the internal routes, which need node's request and response objects. */
  isInternal(path: string): boolean;
  /** An AWS error answered before the body is read (413, timeouts), in the codec the head names, with a request id. */
  reject(head: RequestHead, err: AwsError): Reply;
  /** The adapter for node's http/http2 servers (internal routes included): see node-adapter.ts. */
  node(req: Req, res: Res): void;
}

export type RequestHead = Pick<WireRequest, "method" | "url" | "rawHeaders">;
