// EffectiveDeliveryPolicy of an HTTP/S subscription: its retry policy as resolved against the topic's.
import { checkDeliveryPolicy, retryPolicyFor, throttleFor } from "./delivery-policy.ts";

export { checkDeliveryPolicy };

export function effectiveDeliveryPolicyOf(topicPolicy: string | undefined, subPolicy: string | undefined): string {
  return JSON.stringify({
    healthyRetryPolicy: retryPolicyFor(topicPolicy, subPolicy),
    sicklyRetryPolicy: null,
    throttlePolicy: ((max) => (max === undefined ? null : { maxReceivesPerSecond: max }))(throttleFor(topicPolicy, subPolicy)),
    guaranteed: false,
  });
}
