// Retention in the background: records older than their stream's retention period are never returned (GetRecords
// skips them: the trim horizon moves) and this job deletes them from storage once a minute, with closed shards whose
// close is past retention, on one node of a cluster (under a lease).
import type { Clock } from "../../../engine/clock.ts";
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import type { KinesisStore } from "../store.ts";

export const TRIM_INTERVAL_MS = 60_000;
/** Records a retention pass deletes per transaction, so a long trim never holds the database. */
export const TRIM_BATCH = 5000;

export function scheduleRetentionTrim(jobs: Pick<Scheduler, "every">, store: KinesisStore, clock: Clock, log: Logger): Registration {
  return jobs.every({ name: "kinesis.retention", intervalMs: TRIM_INTERVAL_MS }, async () => {
    const n = await store.trim(clock.now(), TRIM_BATCH);
    if (n > 0) log.debug("kinesis records past retention deleted", { count: n });
  });
}
