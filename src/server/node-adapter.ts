// node's http/http2 servers reach the transport-neutral pipeline (handler.wire) through this adapter: it reads the
// body (up to the cap), makes the abort signal on demand, and writes the Reply.
import type http from "node:http";
import type http2 from "node:http2";
import { AwsError, internalError } from "../protocol/errors.ts";
import type { Handler, InternalHandler, RequestHead } from "./handler.ts";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: Req): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new AwsError("RequestEntityTooLarge", "Request body is too large.", { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function serveNode(handler: Handler, internal: InternalHandler | undefined, req: Req, res: Res): void {
  const path = (req.url ?? "/").split("?")[0];
  if (handler.isInternal(path) && internal?.(req, res, path)) return;
  // The abort signal (client gone) is made only for the requests that ask for it: long polls.
  let abort: AbortController | undefined;
  const signal = () => {
    if (!abort) {
      const a = new AbortController();
      abort = a;
      if (req.socket?.destroyed) a.abort();
      res.on("close", () => {
        if (!res.writableEnded) a.abort();
      });
    }
    return abort.signal;
  };
  const head: RequestHead = { method: req.method ?? "GET", url: req.url ?? "/", rawHeaders: req.rawHeaders };
  readBody(req)
    .then(
      (body) => handler.wire({ ...head, body, signal,
        encrypted: (req.socket as { encrypted?: boolean } | null)?.encrypted === true }),
      (e: unknown) => handler.reject(head, e instanceof AwsError ? e : internalError()),
    )
    .then((reply) => {
      if (res.writableEnded || res.destroyed) return;
      // One UTF-8 encoding of the body serves both its length and the write.
      const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
      reply.headers["content-length"] = String(body.length);
      res.writeHead(reply.status, reply.headers);
      res.end(body);
    });
  }
