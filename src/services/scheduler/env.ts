// What EventBridge Scheduler's operations and its firing job share.
import type { Clock } from "../../engine/clock.ts";
import type { SchedulerStore } from "./store.ts";

export interface SchedulerEnv {
  store: SchedulerStore;
  clock: Clock;
  /** Schedules were written: the firing job asks for its next due time again. */
  schedulesChanged(): void;
  /** Accounts and regions whose `default` group is known to exist (it cannot be deleted). */
  defaults: Set<string>;
}

/** Makes sure the account's `default` group exists (created on first use; it always exists for AWS). */
export async function ensureDefault(env: SchedulerEnv, account: string, region: string): Promise<void> {
  const key = `${account}\n${region}`;
  if (env.defaults.has(key)) return;
  await env.store.ensureDefaultGroup(account, region, env.clock.now());
  env.defaults.add(key);
}
