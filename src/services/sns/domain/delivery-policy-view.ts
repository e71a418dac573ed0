// EffectiveDeliveryPolicy of an HTTP/S subscription: its retry policy as resolved against the topic's.
import { checkDeliveryPolicy, retryPolicyFor } from "./delivery-policy.ts";

export { checkDeliveryPolicy };

export function effectiveDeliveryPolicyOf(topicPolicy: string | undefined, subPolicy: string | undefined): string {
  return JSON.stringify({
    healthyRetryPolicy: retryPolicyFor(topicPolicy, subPolicy),
    sicklyRetryPolicy: null,
    throttlePolicy: null,
    guaranteed: false,
  });
}
