// Programmatic API: startMailroom(options) starts the server in-process (port 0 picks a free port, memory
// keeps data in RAM) and returns its endpoint and a close() that flushes and stops everything.
import { CredentialStore } from "./auth/credentials.ts";
import { SystemClock } from "./engine/clock.ts";
import { createScheduler } from "./engine/scheduler.ts";
import { isLoopback, resolveOptions, type MailroomOptions } from "./config/options.ts";
import { createFront } from "./server/front.ts";
import { createHandler } from "./server/handler.ts";
import { internalRoutes } from "./server/internal.ts";
import { backupRoute } from "./server/backup.ts";
import { tlsMaterial } from "./server/tls.ts";
import { startDeliveryEngine } from "./delivery/engine.ts";
import { HTTP_KIND, httpDestination } from "./delivery/http.ts";
import { SERVICES } from "./services/index.ts";
import type { StartedService } from "./services/module.ts";
import type { SnsStore } from "./services/sns/store.ts";
import { openStorage } from "./storage/open.ts";
import { createLogger } from "./util/log.ts";

export type { MailroomOptions } from "./config/options.ts";
export { ManualClock, SystemClock } from "./engine/clock.ts";

export interface Mailroom {
  /** e.g. http://127.0.0.1:4566 (the same port answers https://) */
  endpoint: string;
  port: number;
  close(): Promise<void>;
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
  // Reads --tls-cert/--tls-key now (a bad file fails before anything opens); the self-signed key waits for storage.
  // The TLS listener's self-signed key is kept in SNS's key table beside its signing key.
  const tls = tlsMaterial(o, { key: (name, make) => storage.store<SnsStore>("sns").key(name, make) });
  const storage = await openStorage(o, SERVICES, clock, log);
  const { notifier } = storage;
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
  for (const m of SERVICES) started.set(m.name, m.start({ clock, log, notifier, scheduler, delivery, credentials, shared: storage.shared, options: o, api }, storage.store(m.name)));
  const services = [...started.values()];
  const stopServices = async () => {
    for (const s of [...services].reverse()) await s.close?.();
    await delivery.stop();
    await scheduler.stop();
  };
  const backup = backupRoute(storage.backup, credentials, clock, log);
  const internal = internalRoutes([...services.flatMap((s) => s.routes ?? []), tls.route, backup], SERVICES.map((m) => m.name));
  const handler = createHandler({ services: services.map((s) => s.definition), credentials, clock, log, internal });
  const front = createFront(handler, tls.options, o);
  try {
    await new Promise<void>((resolve, reject) => {
      front.server.once("error", reject);
      front.server.listen(o.port, o.host, () => resolve());
    });
  } catch (e) {
    await stopServices();
    await storage.close();
    throw e;
  }
  const address = front.server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const hostForUrl = o.host.includes(":") ? `[${o.host}]` : o.host === "0.0.0.0" ? "127.0.0.1" : o.host;
  const endpoint = `http://${hostForUrl}:${port}`;
  log.info("mailroom listening", { endpoint, storage: storage.description, durability: o.durability, node: scheduler.nodeId });
  let closed = false;
  return {
    endpoint,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      await front.close();
      await stopServices();
      await storage.close();
    },
  };
}
