// Programmatic API: startMailroom(options) starts the server in-process (port 0 picks a free port, memory
// keeps data in RAM) and returns its endpoint and a close() that flushes and stops everything.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CredentialStore } from "./auth/credentials.ts";
import { SystemClock } from "./engine/clock.ts";
import { createScheduler } from "./engine/scheduler.ts";
import { isLoopback, resolveOptions, type MailroomOptions } from "./config/options.ts";
import { applyDeclarations, objectDeclarations, readDeclarationFile, type DeclarationSet } from "./config/declarations.ts";
import { initScripts } from "./config/init-scripts.ts";
import { createFront } from "./server/front.ts";
import { createHandler } from "./server/handler.ts";
import { internalRoutes } from "./server/internal.ts";
import { consoleRoute } from "./server/console.ts";
import { backupRoute } from "./server/backup.ts";
import { tlsMaterial } from "./server/tls.ts";
import { startDeliveryEngine } from "./delivery/engine.ts";
import { HTTP_KIND, httpDestination } from "./delivery/http.ts";
import { SERVICES } from "./services/index.ts";
import type { StartedService } from "./services/module.ts";
import type { SnsStore } from "./services/sns/store.ts";
import { openStorage } from "./storage/open.ts";
import { createLogger } from "./util/log.ts";
import { createTracer, tracesUrl, type Tracer } from "./util/otlp.ts";
import { VERSION } from "./version.ts";
import { Metrics } from "./metrics/registry.ts";
import { metricsRoute, serveMetrics } from "./metrics/route.ts";

export type { MailroomOptions, Profile } from "./config/options.ts";
export type { Declarations } from "./config/declared.ts";
export { DeclarationError } from "./config/declared.ts";
export { OptionError } from "./config/options.ts";
export { ManualClock, SystemClock } from "./engine/clock.ts";
export type { Clock } from "./engine/clock.ts";
export { VERSION } from "./version.ts";

export interface Mailroom {
  /** e.g. http://127.0.0.1:4566 (the same port answers https://) */
  endpoint: string;
  port: number;
  /** What the start line says: storage, profile and its waits, declared resources (e.g. "sqlite (memory), profile test: ..."). */
  describe: string;
  /** http://host:port/metrics when metricsPort was given (/metrics is also on the main port). */
  metricsEndpoint?: string;
  close(): Promise<void>;
}

/** Runs a start step; its failure names what it was about (the CLI prints the message as one line). */
function naming<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
async function namingAsync<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    throw new Error(`${what}: ${e instanceof Error ? e.message || e.constructor.name : String(e)}`);
  }
}

/**
 * Makes a directory and its missing parents one level at a time. Node's recursive mkdirSync never returns for a path
 * under /proc (it retries the ENOENT the kernel answers there forever, at full CPU); this answers that error.
 */
function makeDirectory(dir: string): void {
  const full = resolve(dir);
  if (existsSync(full)) return;
  makeDirectory(dirname(full));
  mkdirSync(full);
}

/** What the profile means, for the start line (ADR 0024). */
function profileNote(profile: string): string {
  return profile === "test"
    ? "profile test: no 60 s wait to re-create a deleted queue, no purge interval"
    : "profile aws: AWS's waits (60 s to re-create a deleted queue, one purge a minute)";
}

export async function startMailroom(options: MailroomOptions = {}): Promise<Mailroom> {
  const o = resolveOptions(options);
  if (o.accessKeys.length === 0 && !isLoopback(o.host) && !o.allowAnonymous) {
    throw new Error(
      `refusing to listen on ${o.host} without access keys: any key would be accepted. Configure --access-keys, or pass --allow-anonymous to accept that.`,
    );
  }
  const log = createLogger(o.logLevel);
  const clock = o.clock ?? new SystemClock();
  const startedAt = Date.now();
  // Declarations are read and checked before anything opens: a bad file fails the start with its file:line.
  const defaultAccount = o.accessKeys[0]?.accountId ?? "000000000000";
  const declared: DeclarationSet[] = [];
  if (o.config) declared.push(readDeclarationFile(o.config, SERVICES, defaultAccount));
  if (o.resources) declared.push(objectDeclarations(o.resources, SERVICES, defaultAccount));
  const init = o.initDir ? initScripts(o.initDir, log) : undefined;
  // Reads --tls-cert/--tls-key now (a bad file fails before anything opens); the self-signed key waits for storage.
  // The TLS listener's self-signed key is kept in SNS's key table beside its signing key.
  const tls = naming("TLS certificate (--tls-cert, --tls-key)", () => tlsMaterial(o, { key: (name, make) => storage.store<SnsStore>("sns").key(name, make) }));
  const storage = await namingAsync(o.database ? "database (--database)" : o.memory ? "storage" : `data directory ${o.dataDir} (--data-dir)`, async () => {
    if (!o.database && !o.memory) makeDirectory(o.dataDir);
    return openStorage(o, SERVICES, clock, log);
  });
  const { notifier } = storage;
  // Metrics (docs/metrics.md): services declare their series at start; the request path and storage report here.
  const metrics = new Metrics(o.metricsLabelLimit);
  storage.observeCommits((seconds, writes) => metrics.observeCommit(seconds, writes));
  // The one scheduler of the process: every kind of background due work registers with it (one timer).
  const scheduler = createScheduler({ clock, leases: storage.leases, onError: (job, e) => log.warn("background job failed", { job, error: String(e) }) });
  // The delivery engine: its outbox worker is a scheduler registration; destination kinds plug in by name.
  const delivery = startDeliveryEngine({ outbox: storage.outbox, scheduler, clock, log, pollMs: storage.shared ? 1000 : undefined });
  delivery.register(HTTP_KIND, httpDestination());
  const credentials = new CredentialStore(o.accessKeys);
  const started = new Map<string, StartedService>();
  const api = <T>(name: string): T => {
    const s = started.get(name);
    if (!s) throw new Error(`service ${name} is not started yet (module order in src/services/index.ts)`);
    return s.api as T;
  };
  for (const m of SERVICES) started.set(m.name, m.start({ clock, log, notifier, scheduler, delivery, credentials, shared: storage.shared, api, metrics, options: o }, storage.store(m.name)));
  const services = [...started.values()];
  const stopServices = async () => {
    for (const s of [...services].reverse()) await s.close?.();
    await delivery.stop();
    await scheduler.stop();
  };
  const internal = internalRoutes([...services.flatMap((s) => s.routes ?? []), tls.route, metricsRoute(metrics), backupRoute(storage.backup, credentials, clock, log), consoleRoute()], {
    services: SERVICES.map((m) => m.name),
    version: VERSION,
    node: { id: scheduler.nodeId, storage: storage.description, profile: o.profile, startedAt },
    check: () => storage.check(),
    init: init ? () => init.state() : undefined,
  });
  // Request logs (debug) and OpenTelemetry spans (OTLP endpoint set) observe each API request once it is answered.
  const otlpUrl = tracesUrl(o.otlpEndpoint);
  const tracer: Tracer | undefined = otlpUrl ? createTracer(otlpUrl, { version: VERSION, log, serviceName: process.env.OTEL_SERVICE_NAME }) : undefined;
  const logRequests = o.logLevel === "debug";
  const observe = logRequests || tracer
    ? (r: import("./server/handler.ts").ObservedRequest) => {
      if (logRequests) {
        log.debug("request", {
          service: r.service, operation: r.operation, status: r.status, error: r.errorCode,
          latencyMs: Math.round(r.latencyMs * 100) / 100, requestId: r.requestId,
        });
      }
      tracer?.record(r);
    }
    : undefined;
  const handler = createHandler({ services: services.map((s) => s.definition), credentials, clock, log, internal, observe, metrics });
  const front = createFront(handler, tls.options, o);
  metrics.countConnections(() => new Promise((resolve) => front.server.getConnections((e, n) => resolve(e ? 0 : n))));
  const shutdown = async () => {
    await stopServices();
    await tracer?.close();
    await storage.close();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      front.server.once("error", reject);
      front.server.listen(o.port, o.host, () => resolve());
    });
  } catch (e) {
    await shutdown();
    throw new Error(`cannot listen on ${o.host}:${o.port} (--host, --port): ${e instanceof Error ? e.message : String(e)}`);
  }
  let metricsServer: import("node:http").Server | undefined;
  if (o.metricsPort !== undefined) {
    try {
      metricsServer = await serveMetrics(metrics, o.host, o.metricsPort);
    } catch (e) {
      await front.close();
      await shutdown();
      throw e;
    }
  }
  const address = front.server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const hostForUrl = o.host.includes(":") ? `[${o.host}]` : o.host === "0.0.0.0" ? "127.0.0.1" : o.host;
  const endpoint = `http://${hostForUrl}:${port}`;
  let resourceCount = 0;
  try {
    // Declared resources are applied once the port is known (URLs made meanwhile, such as an HTTP subscription's
    // SubscribeURL, name the real endpoint) and before the server reports ready.
    const definitions = new Map([...started].map(([name, s]) => [name, s.definition]));
    for (const set of declared) resourceCount += await applyDeclarations(set, definitions, endpoint);
  } catch (e) {
    await front.close();
    await shutdown();
    throw e;
  }
  const describe = [storage.description, profileNote(o.profile), ...(resourceCount > 0 ? [`${resourceCount} declared resources applied`] : [])].join("; ");
  log.info("mailroom listening", {
    endpoint, version: VERSION, storage: storage.description, durability: o.durability, node: scheduler.nodeId,
    profile: o.profile, declaredResources: resourceCount,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await front.close();
    if (metricsServer) await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
    await shutdown();
  };
  if (init) {
    // Init scripts run once the port answers, with the endpoint and (unless set) a region and credentials.
    const key = o.accessKeys[0];
    const env: Record<string, string> = { AWS_ENDPOINT_URL: endpoint, MAILROOM_ENDPOINT: endpoint };
    if (!process.env.AWS_DEFAULT_REGION && !process.env.AWS_REGION) Object.assign(env, { AWS_DEFAULT_REGION: "us-east-1", AWS_REGION: "us-east-1" });
    if (!process.env.AWS_ACCESS_KEY_ID || key) {
      env.AWS_ACCESS_KEY_ID = key?.accessKeyId ?? "test";
      env.AWS_SECRET_ACCESS_KEY = key?.secretAccessKey ?? "test";
    }
    try {
      await init.run(env);
    } catch (e) {
      await close();
      throw e;
    }
  }
  const metricsAddress = metricsServer?.address();
  const metricsEndpoint = metricsAddress && typeof metricsAddress === "object" ? `http://${hostForUrl}:${metricsAddress.port}/metrics` : undefined;
  return { endpoint, port, describe, metricsEndpoint, close };
}
