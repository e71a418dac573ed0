// Internal routes: /_mailroom/health for load balancers and scripts, plus the routes services add under
// /_aws/ (e.g. SNS's signing certificate and local delivery sinks). Every answer carries an x-amzn-requestid,
// set once for all of them by the node adapter before it dispatches here (node-adapter.ts).
import type http from "node:http";
import type http2 from "node:http2";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** A service's internal route handler: returns true when it answers the path. */
export type InternalRoute = (req: Req, res: Res, path: string) => boolean;

export function internalRoutes(routes: InternalRoute[] = [], services: string[] = []) {
  const running = Object.fromEntries(services.map((name) => [name, "running"]));
  return (req: Req, res: Res, path: string): boolean => {
    if (path === "/_mailroom/health") {
      const body = JSON.stringify({ status: "ok", services: running });
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
      return true;
    }
    return routes.some((r) => r(req, res, path));
  };
}
