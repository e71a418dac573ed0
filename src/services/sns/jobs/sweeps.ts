// Background deletion of expired SNS rows, once a minute on one node of a cluster (under a lease): FIFO topic
// deduplication records past their 5-minute window, and archived messages past the ArchivePolicy retention they
// were archived with. Both are already ignored when expired; this keeps the tables from growing.
import type { Clock } from "../../../engine/clock.ts";
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import type { SnsStore } from "../store.ts";

export const SNS_SWEEP_INTERVAL_MS = 60_000;

export function scheduleSnsSweeps(jobs: Pick<Scheduler, "every">, store: SnsStore, clock: Clock, log: Logger): void {
  jobs.every({ name: "sns.sweep", intervalMs: SNS_SWEEP_INTERVAL_MS }, async () => {
    const n = await store.sweepExpired(clock.now());
    if (n.dedup + n.archive > 0) log.debug("expired sns rows deleted", n);
  });
}
