// Programmatic API: startMailroom(options) starts the server in-process (port 0 picks a free port, memory
// keeps data in RAM) and returns its endpoint and a close() that flushes and stops everything.
import { CredentialStore } from "./auth/credentials.ts";
import { SystemClock } from "./engine/clock.ts";
import { createScheduler } from "./engine/scheduler.ts";
import { isLoopback, resolveOptions, type MailroomOptions } from "./config/options.ts";
import { createFront } from "./server/front.ts";
import { createHandler } from "./server/handler.ts";
import { internalRoutes } from "./server/internal.ts";
import { tlsMaterial } from "./server/tls.ts";
import { startDeliveryEngine } from "./delivery/engine.ts";
import { HTTP_KIND, httpDestination } from "./delivery/http.ts";
import { SNS_HTTP_KIND, SNS_TOPIC_KIND, snsHttpDestination, snsTopicDestination } from "./services/sns/deliverer.ts";
import { scheduleReplays } from "./services/sns/replayer.ts";
import { scheduleSnsSweeps } from "./services/sns/sweeps.ts";
import { createSnsService } from "./services/sns/index.ts";
import { snsRoutes } from "./services/sns/routes.ts";
import { createSigner } from "./services/sns/signer.ts";
import { createSqsService, isFifo, parseQueueArn, wakeKey } from "./services/sqs/index.ts";
import { sqsPeekRoute } from "./services/sqs/peek.ts";
import { scheduleMoveTasks } from "./services/sqs/move-tasks.ts";
import { cachedQueues } from "./services/sqs/queue-cache.ts";
import { scheduleRetentionSweep } from "./services/sqs/retention.ts";
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
  const tls = tlsMaterial(o, { key: (name, make) => storage.sns.key(name, make) });
  const storage = await openStorage(o, clock, log);
  const { notifier } = storage;
  const store = cachedQueues(storage.sqs, clock);
  // The one scheduler of the process: every kind of background due work registers with it (one timer).
  const jobs = createScheduler({ clock, leases: storage.leases, onError: (job, e) => log.warn("background job failed", { job, error: String(e) }) });
  const sqs = createSqsService({ store, clock, notifier });
  const signer = createSigner(storage.sns);
  // The delivery engine: outbox worker registered with the scheduler; destination kinds plug in by name.
  const deliverer = startDeliveryEngine({
    outbox: storage.outbox, scheduler: jobs, clock, log, pollMs: storage.shared ? 1000 : undefined,
    queueByArn: async (arn) => {
      const key = parseQueueArn(arn);
      const q = key && (await store.getQueue(key));
      return q ? { id: q.id, fifo: isFifo(q) } : undefined;
    },
    queueWritten: (id) => notifier.notify(wakeKey(id)),
  });
  deliverer.register(HTTP_KIND, httpDestination());
  deliverer.register(SNS_HTTP_KIND, snsHttpDestination({ store: storage.sns, signer }));
  const snsEnv = { store: storage.sns, sqs: store, clock, notifier, outboxChanged: deliverer.wake, signer };
  deliverer.register(SNS_TOPIC_KIND, snsTopicDestination(snsEnv, signer));
  const sns = createSnsService(snsEnv, signer);
  scheduleRetentionSweep(jobs, store, clock, log);
  scheduleMoveTasks(jobs, store, clock, notifier, log);
  scheduleSnsSweeps(jobs, storage.sns, clock, log);
  scheduleReplays(jobs, snsEnv, log);
  const credentials = new CredentialStore(o.accessKeys);
  const internal = internalRoutes([snsRoutes(storage.sns, signer), sqsPeekRoute(store, clock, credentials), tls.route]);
  const handler = createHandler({ services: [sqs, sns], credentials, clock, log, internal });
  const front = createFront(handler, tls.options);
  try {
    await new Promise<void>((resolve, reject) => {
      front.server.once("error", reject);
      front.server.listen(o.port, o.host, () => resolve());
    });
  } catch (e) {
    await deliverer.stop();
    await jobs.stop();
    await storage.close();
    throw e;
  }
  const address = front.server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  const hostForUrl = o.host.includes(":") ? `[${o.host}]` : o.host === "0.0.0.0" ? "127.0.0.1" : o.host;
  const endpoint = `http://${hostForUrl}:${port}`;
  log.info("mailroom listening", { endpoint, storage: storage.description, durability: o.durability, node: jobs.nodeId });
  let closed = false;
  return {
    endpoint,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      await front.close();
      await deliverer.stop();
      await jobs.stop();
      await storage.close();
    },
  };
}
