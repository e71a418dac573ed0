// Internal routes under /_mailroom/: health for load balancers and scripts.
import type http from "node:http";
import type http2 from "node:http2";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

export function internalRoutes() {
  return (_req: Req, res: Res, path: string): boolean => {
    if (path === "/_mailroom/health") {
      const body = JSON.stringify({ status: "ok", services: { sqs: "running" } });
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
      return true;
    }
    return false;
  };
}
