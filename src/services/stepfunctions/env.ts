// What Step Functions operations share: the store, the clock, and the runner's wake-up (a new execution is due now).
import type { Clock } from "../../engine/clock.ts";
import type { MockConfig } from "./domain/mock-config.ts";
import type { ExpressRunner } from "./jobs/express.ts";
import type { MockedTaskResources } from "./integrations/resources.ts";
import type { Notifier } from "../../engine/notify.ts";
import type { TaskResources } from "./domain/tasks.ts";
import type { StepFunctionsStore } from "./store.ts";
import type { SfnMetrics } from "./metrics.ts";

export interface SfnEnv {
  store: StepFunctionsStore;
  clock: Clock;
  /** Asks the runner to look for due executions (after a start, a completed task). */
  wake: () => void;
  /** What carries out Task resources (integrations, local Lambda functions, mocked results). */
  tasks?: MockedTaskResources;
  /** The mock-config file's test cases, when one is configured. */
  mock?: MockConfig;
  /** Runs EXPRESS executions in memory. */
  express?: ExpressRunner;
  /** Called after this node updated or deleted a machine (caches of machine records drop it). */
  onMachineChanged?: (arn: string) => void;
  /** The base URL clients last reached Step Functions at (queue URLs and links in task results). */
  baseUrl: { current: string };
  /** Wakes GetActivityTask long polls (the runner notifies when it schedules an activity task). */
  notifier?: Notifier;
  /** What carries out Task resources (the runner's; TestState runs a Task through it too). */
  resources?: TaskResources;
  /** Step Functions' counters (metrics.ts); absent where no server runs. */
  metrics?: SfnMetrics;
}

/** Opaque NextToken over a string cursor. */
export function encodeToken(cursor: string): string {
  return Buffer.from(cursor, "utf8").toString("base64url");
}

export function decodeToken(token: unknown): string | undefined {
  if (token === undefined) return undefined;
  const s = Buffer.from(String(token), "base64url").toString("utf8");
  return encodeToken(s) === token ? s : undefined;
}
