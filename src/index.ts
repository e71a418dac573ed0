// Programmatic API: startMailroom(options) starts the server in-process (port 0 picks a free port, memory
// keeps data in RAM) and returns its endpoint and a close() that flushes and stops everything.
import { join } from "node:path";
import { CredentialStore } from "./auth/credentials.ts";
import { SystemClock } from "./engine/clock.ts";
import { LocalNotifier } from "./engine/notify.ts";
import { isLoopback, resolveOptions, type MailroomOptions } from "./config/options.ts";
import { createFront } from "./server/front.ts";
import { createHandler } from "./server/handler.ts";
import { internalRoutes } from "./server/internal.ts";
import { createSqsService } from "./services/sqs/index.ts";
import { startRetentionSweep } from "./services/sqs/retention.ts";
import { SqliteDb } from "./storage/sqlite/db.ts";
import { SqliteSqsStore } from "./storage/sqlite/sqs-store.ts";
import { createLogger } from "./util/log.ts";

export type { MailroomOptions } from "./config/options.ts";
export { ManualClock, SystemClock } from "./engine/clock.ts";

export interface Mailroom {
  /** e.g. http://127.0.0.1:4566 */
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
  const db = new SqliteDb(o.memory ? ":memory:" : join(o.dataDir, "mailroom.db"), o.durability);
  const store = new SqliteSqsStore(db);
  const notifier = new LocalNotifier(clock);
  const sqs = createSqsService({ store, clock, notifier });
  const sweep = startRetentionSweep(store, clock, log);
  const handler = createHandler({ services: [sqs], credentials: new CredentialStore(o.accessKeys), clock, log, internal: internalRoutes() });
  const front = createFront(handler);
  await new Promise<void>((resolve, reject) => {
    front.server.once("error", reject);
    front.server.listen(o.port, o.host, () => resolve());
  });
  const address = front.server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const hostForUrl = o.host.includes(":") ? `[${o.host}]` : o.host === "0.0.0.0" ? "127.0.0.1" : o.host;
  const endpoint = `http://${hostForUrl}:${port}`;
  log.info("mailroom listening", { endpoint, storage: o.memory ? "memory" : join(o.dataDir, "mailroom.db"), durability: o.durability });
  let closed = false;
  return {
    endpoint,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      sweep.stop();
      await front.close();
      await store.close();
    },
  };
}
