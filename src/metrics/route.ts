// GET /metrics: the Prometheus text exposition of the server's registry, on the main port (an internal route, so it
// needs no signature, like /_mailroom/health) and optionally on a port of its own (--metrics-port).
import http from "node:http";
import type { InternalRoute } from "../server/internal.ts";
import type { Metrics } from "./registry.ts";

export const METRICS_PATH = "/metrics";

function answer(metrics: Metrics, res: http.ServerResponse | import("node:http2").Http2ServerResponse): void {
  metrics.scrape().then(
    (text) => {
      res.writeHead(200, { "content-type": metrics.registry.contentType, "content-length": String(Buffer.byteLength(text)) });
      res.end(text);
    },
    (e: unknown) => {
      const body = `metrics collection failed: ${e instanceof Error ? e.message : String(e)}\n`;
      res.writeHead(500, { "content-type": "text/plain", "content-length": String(Buffer.byteLength(body)) });
      res.end(body);
    },
  );
}

export function metricsRoute(metrics: Metrics): InternalRoute {
  return (req, res, path) => {
    if (path !== METRICS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET", "content-length": "0" });
      res.end();
      return true;
    }
    answer(metrics, res);
    return true;
  };
}

/** /metrics alone on its own port; resolves with the server once it listens. */
export async function serveMetrics(metrics: Metrics, host: string, port: number): Promise<http.Server> {
  const server = http.createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === METRICS_PATH && (req.method === "GET" || req.method === "HEAD")) return answer(metrics, res);
    res.writeHead(404, { "content-length": "0" });
    res.end();
  });
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
