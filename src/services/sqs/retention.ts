// MessageRetentionPeriod enforcement in the background: expired messages are never returned (receive checks
// them) and this sweep deletes them from storage once a minute.
import type { Clock, TimerHandle } from "../../engine/clock.ts";
import type { Logger } from "../../util/log.ts";
import type { SqsStore } from "./store.ts";

export const SWEEP_INTERVAL_MS = 60_000;

export function startRetentionSweep(store: SqsStore, clock: Clock, log: Logger): { stop(): void } {
  let timer: TimerHandle | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const n = await store.deleteExpired(clock.now());
      if (n > 0) log.debug("expired messages deleted", { count: n });
    } catch (e) {
      log.warn("retention sweep failed", { error: String(e) });
    }
    if (!stopped) timer = clock.setTimer(SWEEP_INTERVAL_MS, run);
  };
  timer = clock.setTimer(SWEEP_INTERVAL_MS, run);
  return {
    stop: () => {
      stopped = true;
      timer?.cancel();
    },
  };
}
