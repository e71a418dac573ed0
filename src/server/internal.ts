// Internal routes: /_mailroom/health for load balancers and scripts (and /_localstack/health in LocalStack's shape,
// so wait-scripts written for it work unchanged), plus the routes services add under /_aws/ (e.g. SNS's signing
// certificate and local delivery sinks). Every answer carries an x-amzn-requestid, set once for all of them by the
// node adapter before it dispatches here (node-adapter.ts).
import type http from "node:http";
import type http2 from "node:http2";

type Req = http.IncomingMessage | http2.Http2ServerRequest;
type Res = http.ServerResponse | http2.Http2ServerResponse;

/** A service's internal route handler: returns true when it answers the path. */
export type InternalRoute = (req: Req, res: Res, path: string) => boolean;

/** What the health routes report: the node, its services, and a real read of its storage. */
export interface HealthSource {
  services: string[];
  version: string;
  node: { id: string; storage: string; profile: string; startedAt: number };
  /** Resolves when storage answers a read; rejects (or passes the timeout) when it does not. */
  check(): Promise<void>;
  /** Init scripts (--init-dir): their state, for /_localstack/init. */
  init?(): { completed: boolean; scripts: { name: string; state: string }[] };
}

/** A storage read slower than this counts as storage down (a load balancer must not wait on a hung pool). */
export const HEALTH_CHECK_TIMEOUT_MS = 3000;

async function probe(check: () => Promise<void>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`)), HEALTH_CHECK_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (e) {
    return { ok: false, latencyMs: Math.round(performance.now() - t0), error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

function json(res: Res, status: number, value: unknown, head: boolean): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), "cache-control": "no-store" });
  if (head) res.end();
  else res.end(body);
}

export function internalRoutes(routes: InternalRoute[] = [], health?: HealthSource) {
  const services = health?.services ?? [];
  return (req: Req, res: Res, path: string): boolean => {
    const head = req.method === "HEAD";
    if (path === "/_mailroom/health") {
      if (!health) {
        json(res, 200, { status: "ok", services: Object.fromEntries(services.map((n) => [n, "running"])) }, head);
        return true;
      }
      void probe(health.check).then((s) => {
        const state = s.ok ? "running" : "unavailable";
        json(res, s.ok ? 200 : 503, {
          status: s.ok ? "ok" : "unavailable",
          version: health.version,
          node: { ...health.node, startedAt: new Date(health.node.startedAt).toISOString(), uptimeSeconds: Math.floor((Date.now() - health.node.startedAt) / 1000) },
          storage: s.ok ? { status: "ok", latencyMs: s.latencyMs } : { status: "unavailable", error: s.error },
          services: Object.fromEntries(services.map((n) => [n, state])),
        }, head);
      });
      return true;
    }
    if (path === "/_localstack/health" && health) {
      // LocalStack's health document: {"services": {"sqs": "running", ...}, "edition": ..., "version": ...}
      // (https://docs.localstack.cloud/references/internal-endpoints/); "error" when storage does not answer.
      void probe(health.check).then((s) => {
        json(res, s.ok ? 200 : 503, {
          services: Object.fromEntries(services.map((n) => [n, s.ok ? "running" : "error"])),
          edition: "mailroom",
          version: health.version,
        }, head);
      });
      return true;
    }
    if (path === "/_localstack/init" && health?.init) {
      // LocalStack's init-hook state: {"completed": {"READY": bool}, "scripts": [...]} (internal endpoints docs).
      const init = health.init();
      json(res, 200, {
        completed: { BOOT: true, START: true, READY: init.completed, SHUTDOWN: false },
        scripts: init.scripts.map((s) => ({ stage: "READY", name: s.name, state: s.state })),
      }, head);
      return true;
    }
    if (path === "/_localstack/init/ready" && health?.init) {
      const init = health.init();
      json(res, 200, { completed: init.completed, scripts: init.scripts.map((s) => ({ stage: "READY", name: s.name, state: s.state })) }, head);
      return true;
    }
    return routes.some((r) => r(req, res, path));
  };
}
