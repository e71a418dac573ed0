// Retry policies as data: what differs between callers of the delivery engine is one of these values (stored with
// the outbox row, or resolved by the destination kind from the caller's current settings), never code.
//  - "sns": SNS's four-phase HTTP/S delivery policy (immediate, pre-backoff, backoff, post-backoff) with an optional
//    throttle (SNS developer guide, "Amazon SNS message delivery retries" and "Creating an HTTP/S delivery policy").
//  - "exponential": EventBridge's target retry policy: "By default, EventBridge retries sending the event for 24 hours
//    and up to 185 times with an exponential back off and jitter" (EventBridge user guide, "Debugging event delivery");
//    MaximumRetryAttempts 0..185 and MaximumEventAgeInSeconds 60..86400 (API reference, RetryPolicy). Scheduler's
//    RetryPolicy has the same fields and ranges (EventBridge Scheduler API reference, RetryPolicy).
//  - "fixed": a plain attempts/backoff form (N retries, each backoffMs after the previous failure).

/** SNS's healthyRetryPolicy (field names as in the DeliveryPolicy JSON). */
export interface SnsPhases {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: "linear" | "arithmetic" | "geometric" | "exponential";
}

export type RetryPolicy =
  | { kind: "sns"; phases: SnsPhases; maxPerSecond?: number }
  | { kind: "exponential"; maxRetryAttempts: number; maxEventAgeMs: number; baseMs?: number; capMs?: number; jitter?: boolean; maxPerSecond?: number }
  | { kind: "fixed"; retries: number; backoffMs: number; maxPerSecond?: number };

/** EventBridge's default target retry policy: 185 retries within 24 hours. */
export const EVENTBRIDGE_DEFAULT: RetryPolicy = { kind: "exponential", maxRetryAttempts: 185, maxEventAgeMs: 86_400_000, jitter: true };

/** Used when neither the row nor its destination kind gives a policy: no retries. */
export const NO_RETRY: RetryPolicy = { kind: "fixed", retries: 0, backoffMs: 0 };

/**
 * Delay in ms before retry number `retry` (1-based), or undefined when the policy has no more retries.
 * `firstAttemptAt`/`now` bound age-limited policies; `random` (0..1) is the jitter source (injected in tests);
 * `atLeastMs` is what the destination asked for (an HTTP Retry-After): the more conservative of the two is taken
 * (EventBridge user guide, "API destinations": "chooses the more conservative value between the defined retry policy
 * and the Retry-After header").
 */
export function nextRetryDelayMs(p: RetryPolicy, retry: number, firstAttemptAt: number, now: number, random: () => number = Math.random, atLeastMs = 0): number | undefined {
  const floor = (d: number | undefined) => (d === undefined ? undefined : Math.max(d, atLeastMs));
  switch (p.kind) {
    case "sns":
      return floor(snsPhaseDelayMs(p.phases, retry));
    case "fixed":
      return retry > p.retries ? undefined : floor(p.backoffMs);
    case "exponential": {
      if (retry > p.maxRetryAttempts) return undefined;
      // AWS publishes no formula ("exponential back off and jitter"): doubling from 1 s, capped at 5 minutes, with
      // up to half of it as jitter; the event's age limit ends retries whatever the count.
      const base = p.baseMs ?? 1000;
      const cap = p.capMs ?? 300_000;
      let delay = Math.min(cap, base * 2 ** Math.min(retry - 1, 30));
      if (p.jitter) delay = Math.round(delay / 2 + (delay / 2) * random());
      delay = Math.max(delay, atLeastMs);
      if (now + delay - firstAttemptAt > p.maxEventAgeMs) return undefined;
      return delay;
    }
  }
}

/**
 * Which limit ended the retries when nextRetryDelayMs returned undefined for `retry`: EventBridge names it in the
 * dead-letter message's EXHAUSTED_RETRY_CONDITION attribute as MaximumRetryAttempts or MaximumEventAgeInSeconds.
 */
export function exhaustedCondition(p: RetryPolicy, retry: number): "MaximumRetryAttempts" | "MaximumEventAgeInSeconds" {
  return p.kind === "exponential" && retry <= p.maxRetryAttempts ? "MaximumEventAgeInSeconds" : "MaximumRetryAttempts";
}

/**
 * SNS: delay before retry number `retry`, or undefined past numRetries. AWS does not publish the backoff curves'
 * formulas; these reach maxDelayTarget at the last backoff retry with the documented shapes.
 */
export function snsPhaseDelayMs(p: SnsPhases, retry: number): number | undefined {
  if (retry > p.numRetries) return undefined;
  const backoff = p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries;
  if (retry <= p.numNoDelayRetries) return 0;
  let i = retry - p.numNoDelayRetries;
  if (i <= p.numMinDelayRetries) return p.minDelayTarget * 1000;
  i -= p.numMinDelayRetries;
  if (i <= backoff) {
    const min = p.minDelayTarget;
    const max = p.maxDelayTarget;
    const f = i / backoff;
    let s: number;
    switch (p.backoffFunction) {
      case "linear": s = min + (max - min) * f; break;
      case "arithmetic": s = min + (max - min) * (i * (i + 1)) / (backoff * (backoff + 1)); break;
      case "geometric": s = min + (max - min) * (2 ** i - 1) / (2 ** backoff - 1); break;
      default: s = min * (max / min) ** f;
    }
    return Math.round(s * 1000);
  }
  return p.maxDelayTarget * 1000;
}
