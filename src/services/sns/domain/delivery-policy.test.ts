import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_RETRY, checkDeliveryPolicy, retryDelayMs, retryPolicyFor, throttleFor } from "./delivery-policy.ts";

test("the default policy retries 3 times 20 s apart, then gives up", () => {
  assert.deepEqual([1, 2, 3, 4].map((i) => retryDelayMs(DEFAULT_RETRY, i)), [20_000, 20_000, 20_000, undefined]);
});

test("phases: no-delay, min-delay, backoff up to max, max-delay", () => {
  const p = { minDelayTarget: 1, maxDelayTarget: 8, numRetries: 10, numNoDelayRetries: 2, numMinDelayRetries: 2, numMaxDelayRetries: 3, backoffFunction: "exponential" as const };
  const d = Array.from({ length: 11 }, (_, i) => retryDelayMs(p, i + 1));
  assert.deepEqual(d, [0, 0, 1000, 1000, 2000, 4000, 8000, 8000, 8000, 8000, undefined]);
});

test("a subscription's own policy wins unless the topic disables overrides", () => {
  const topic = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 5 }, disableSubscriptionOverrides: false } });
  const sub = JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 1, maxDelayTarget: 1 } });
  assert.equal(retryPolicyFor(topic, sub).numRetries, 1);
  assert.equal(retryPolicyFor(topic, undefined).numRetries, 5);
  const locked = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 5 }, disableSubscriptionOverrides: true } });
  assert.equal(retryPolicyFor(locked, sub).numRetries, 5);
});

test("throttle: the subscription's throttlePolicy unless overrides are disabled, else the topic's; positive integers only", () => {
  const topic = JSON.stringify({ http: { defaultThrottlePolicy: { maxReceivesPerSecond: 10 } } });
  const sub = JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 3 } });
  assert.equal(throttleFor(undefined, undefined), undefined);
  assert.equal(throttleFor(topic, undefined), 10);
  assert.equal(throttleFor(topic, sub), 3);
  const locked = JSON.stringify({ http: { defaultThrottlePolicy: { maxReceivesPerSecond: 10 }, disableSubscriptionOverrides: true } });
  assert.equal(throttleFor(locked, sub), 10);
  assert.throws(() => checkDeliveryPolicy(JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 0 } }), false), /maxReceivesPerSecond/);
  assert.throws(() => checkDeliveryPolicy(JSON.stringify({ http: { defaultThrottlePolicy: { maxReceivesPerSecond: 1.5 } } }), true), /maxReceivesPerSecond/);
});
