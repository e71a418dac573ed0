// What EventBridge Pipes' operations and its runner share: the store, the clock, the services a pipe reads from and
// delivers to (their in-process operations, looked up when used: Kinesis and Step Functions start after SQS but a
// pipe may name any of them), and the runner's wake-up.
import type { Clock } from "../../engine/clock.ts";
import type { ApiDestinationAnswer, ApiDestinationHttp } from "../events/index.ts";
import type { ServiceCall } from "../operations.ts";
import type { PipesMetrics } from "./metrics.ts";
import type { PipesStore } from "./store.ts";

export interface PipesEnv {
  store: PipesStore;
  clock: Clock;
  /** Another service's in-process operations by module name ("sqs", "kinesis", "events", "stepfunctions", "sns"); undefined when not running. */
  service(name: string): ServiceCall | undefined;
  /** Invokes an EventBridge API destination once, synchronously (enrichments and targets); undefined when EventBridge is not running. */
  apiDestination?(arn: string, body: string, http: ApiDestinationHttp | undefined, caller: { account: string; region: string }): Promise<ApiDestinationAnswer>;
  /** The address other services' answers name (queue URLs). */
  baseUrl(): string;
  /** A pipe changed state: the runner looks at it without waiting for its next round. */
  changed?(): void;
  /** The AWS/EventBridge/Pipes series (metrics.ts); absent where no server runs. */
  metrics?: PipesMetrics;
}

/** Pipes per account and Region (EventBridge Pipes quotas: 1,000). */
export const MAX_PIPES = 1000;
