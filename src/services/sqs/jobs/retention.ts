// MessageRetentionPeriod enforcement in the background: expired messages are never returned (receive skips
// them) and this job deletes them from storage once a minute, on one node of a cluster (under a lease).
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import type { Clock } from "../../../engine/clock.ts";
import type { SqsStore } from "../store.ts";

export const SWEEP_INTERVAL_MS = 60_000;

export function scheduleRetentionSweep(jobs: Pick<Scheduler, "every">, store: SqsStore, clock: Clock, log: Logger): void {
  jobs.every({ name: "sqs.retention", intervalMs: SWEEP_INTERVAL_MS }, async () => {
    const n = await store.deleteExpired(clock.now());
    if (n > 0) log.debug("expired messages deleted", { count: n });
  });
}
