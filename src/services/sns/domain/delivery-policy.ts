// HTTP/S delivery policies and AWS's four retry phases (SNS developer guide, "Amazon SNS message delivery
// retries" and "Creating an HTTP/S delivery policy"): immediate retries with no delay, pre-backoff retries at
// minDelayTarget, backoff retries from minDelayTarget to maxDelayTarget by backoffFunction, post-backoff
// retries at maxDelayTarget. numRetries counts them all; the first attempt is not a retry.
import { snsPhaseDelayMs, type SnsPhases } from "../../../delivery/policy.ts";
import { invalidParameter } from "../errors.ts";

export type RetryPolicy = SnsPhases;

// The default HTTP/S policy: 3 retries 20 s apart (developer guide, delivery protocols and policies table).
export const DEFAULT_RETRY: RetryPolicy = {
  minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear",
};

export const DEFAULT_HTTP_POLICY = {
  http: {
    defaultHealthyRetryPolicy: { ...DEFAULT_RETRY },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
  },
};

const BACKOFF = new Set(["linear", "arithmetic", "geometric", "exponential"]);

function bad(reason: string): never {
  throw invalidParameter(`DeliveryPolicy: ${reason}`);
}

/** Validates a retry policy object against the documented bounds; returns it complete. */
function checkRetry(p: Record<string, unknown>): RetryPolicy {
  const r = { ...DEFAULT_RETRY, ...p } as RetryPolicy;
  for (const k of ["minDelayTarget", "maxDelayTarget", "numRetries", "numNoDelayRetries", "numMinDelayRetries", "numMaxDelayRetries"] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 0) bad(`${k} must be a non-negative integer`);
  }
  // Bounds from "Creating an HTTP/S delivery policy": numRetries 0-100, delays 1-3600 s, min <= max, phases fit in numRetries.
  if (r.numRetries > 100) bad("numRetries must be <= 100");
  if (r.minDelayTarget < 1 || r.maxDelayTarget > 3600) bad("delay targets must be between 1 and 3600");
  if (r.minDelayTarget > r.maxDelayTarget) bad("minDelayTarget must be <= maxDelayTarget");
  if (r.numNoDelayRetries + r.numMinDelayRetries + r.numMaxDelayRetries > r.numRetries) bad("numRetries is less than the sum of the phase retries");
  if (!BACKOFF.has(r.backoffFunction)) bad("backoffFunction must be linear, arithmetic, geometric or exponential");
  return r;
}

/** throttlePolicy / defaultThrottlePolicy: maxReceivesPerSecond, a positive integer ("Creating an HTTP/S delivery policy"). */
function checkThrottle(p: unknown): void {
  const max = (p as { maxReceivesPerSecond?: unknown } | null)?.maxReceivesPerSecond;
  if (max !== undefined && (!Number.isInteger(max) || (max as number) < 1)) bad("maxReceivesPerSecond must be a positive integer");
}

/** Topic level: {"http": {"defaultHealthyRetryPolicy": …}}; subscription level: {"healthyRetryPolicy": …}. */
export function checkDeliveryPolicy(value: string, topicLevel: boolean): void {
  let p: Record<string, any>;
  try {
    p = JSON.parse(value);
  } catch {
    bad("failed to parse JSON");
  }
  if (typeof p !== "object" || p === null) bad("must be a JSON object");
  if (topicLevel) {
    if (p.http?.defaultHealthyRetryPolicy) checkRetry(p.http.defaultHealthyRetryPolicy);
    if (p.http?.defaultThrottlePolicy) checkThrottle(p.http.defaultThrottlePolicy);
  } else {
    if (p.healthyRetryPolicy) checkRetry(p.healthyRetryPolicy);
    if (p.throttlePolicy) checkThrottle(p.throttlePolicy);
  }
}

/** The retry policy a subscription gets: its own unless the topic disables overrides, else the topic's, else the default. */
export function retryPolicyFor(topicPolicy: string | undefined, subPolicy: string | undefined): RetryPolicy {
  const topic = topicPolicy ? (JSON.parse(topicPolicy) as { http?: { defaultHealthyRetryPolicy?: Partial<RetryPolicy>; disableSubscriptionOverrides?: boolean } }) : {};
  const sub = subPolicy ? (JSON.parse(subPolicy) as { healthyRetryPolicy?: Partial<RetryPolicy> }) : {};
  if (sub.healthyRetryPolicy && !topic.http?.disableSubscriptionOverrides) return { ...DEFAULT_RETRY, ...sub.healthyRetryPolicy };
  return { ...DEFAULT_RETRY, ...(topic.http?.defaultHealthyRetryPolicy ?? {}) };
}

/**
 * Deliveries per second a subscription may get (undefined: no throttling): its own throttlePolicy unless the topic
 * disables overrides, else the topic's defaultThrottlePolicy (SNS developer guide, "Creating an HTTP/S delivery policy").
 */
export function throttleFor(topicPolicy: string | undefined, subPolicy: string | undefined): number | undefined {
  type Throttle = { maxReceivesPerSecond?: number };
  const topic = topicPolicy ? (JSON.parse(topicPolicy) as { http?: { defaultThrottlePolicy?: Throttle; disableSubscriptionOverrides?: boolean } }) : {};
  const sub = subPolicy ? (JSON.parse(subPolicy) as { throttlePolicy?: Throttle }) : {};
  const own = topic.http?.disableSubscriptionOverrides ? undefined : sub.throttlePolicy?.maxReceivesPerSecond;
  return own ?? topic.http?.defaultThrottlePolicy?.maxReceivesPerSecond;
}

/** Delay in ms before retry number `retry` (1-based), or undefined when the policy has no more retries (delivery/policy.ts). */
export const retryDelayMs: (p: RetryPolicy, retry: number) => number | undefined = snsPhaseDelayMs;
