// Stream status changes in the background: a CREATING or UPDATING stream becomes ACTIVE when its configured delay has
// passed (option kinesisStatusDelayMs; AWS takes seconds to minutes). One scheduler registration, due at the earliest
// pending change; on a shared database it also polls for changes other nodes made.
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import type { KinesisStore } from "../store.ts";

export function scheduleStatusChanges(scheduler: Pick<Scheduler, "register">, store: KinesisStore, log: Logger, shared: boolean): Registration {
  return scheduler.register({
    name: "kinesis.status",
    nextDue: () => store.nextStatusChange(),
    run: async (now) => {
      const n = await store.finishStatusChanges(now);
      if (n > 0) log.debug("kinesis streams ACTIVE", { count: n });
    },
    pollMs: shared ? 1000 : undefined,
  });
}
