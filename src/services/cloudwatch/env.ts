// What CloudWatch operations and jobs share: the store, the clock, the retention of datapoints, the delivery engine's
// wake-up (alarm actions are outbox rows) and the metrics of the server (sampled each minute into AWS/* namespaces).
import type { Clock } from "../../engine/clock.ts";
import type { CloudWatchStore } from "./store.ts";

export interface CloudWatchEnv {
  store: CloudWatchStore;
  clock: Clock;
  /** How long datapoints and alarm history are kept (metricsRetentionDays). */
  retentionMs: number;
  /**
   * How long after a minute ends its datapoints are complete: 0 on one node; a minute when other nodes write the same
   * database (each flushes its own counters at the boundary, so an alarm evaluated at once would see part of them).
   */
  settleMs: number;
  /** Outbox rows (alarm actions) were committed. */
  outboxChanged?: () => void;
  /** Runs the alarm evaluation now (after PutMetricAlarm, so a new alarm is checked without waiting a minute). */
  evaluateSoon?: () => void;
}

export const MINUTE = 60_000;
/** ListMetrics and GetMetricData see metrics with data in the past two weeks (ListMetrics API reference). */
export const TWO_WEEKS = 14 * 86_400_000;

/** Opaque paging tokens: base64 of a JSON cursor. */
export function encodeToken(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeToken<T>(token: unknown): T | undefined {
  if (typeof token !== "string" || token === "") return undefined;
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return undefined;
  }
}
