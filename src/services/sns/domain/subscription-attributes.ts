// Subscription attributes: which names Subscribe/SetSubscriptionAttributes accept, their checks, and what
// GetSubscriptionAttributes answers (SetSubscriptionAttributes / GetSubscriptionAttributes API references).
import { checkFilterPolicy, PatternError } from "../../../patterns/filter-policy.ts";
import { invalidParameter } from "../errors.ts";
import type { SubscriptionRecord } from "../store.ts";
import { AUTH_ON_UNSUBSCRIBE } from "./confirmation.ts";
import { checkDeliveryPolicy, effectiveDeliveryPolicyOf } from "./delivery-policy-view.ts";
import { parseJson } from "./topic-attributes.ts";

const SETTABLE = new Set(["DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"]);

/** Checks one attribute for a subscription of `protocol`; returns the value to store. */
export function checkSubscriptionAttribute(name: string, value: string, protocol: string, scope: string | undefined): string {
  if (!SETTABLE.has(name)) throw invalidParameter("AttributeName");
  switch (name) {
    case "RawMessageDelivery":
      if (!/^(true|false)$/i.test(value)) throw invalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
      // Raw delivery exists for SQS, HTTP/S and Firehose endpoints (message delivery developer guide, raw message delivery).
      if (!["sqs", "http", "https", "firehose"].includes(protocol)) {
        throw invalidParameter("Attributes Reason: Delivery protocol [" + protocol + "] does not support raw message delivery.");
      }
      return value.toLowerCase();
    case "FilterPolicyScope":
      if (value !== "MessageAttributes" && value !== "MessageBody") {
        throw invalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes");
      }
      return value;
    case "FilterPolicy":
      if (value === "") return value;
      try {
        checkFilterPolicy(value, scope === "MessageBody" ? "MessageBody" : "MessageAttributes");
      } catch (e) {
        if (e instanceof PatternError) throw invalidParameter(e.message);
        throw e;
      }
      return value;
    case "DeliveryPolicy":
      if (value !== "") checkDeliveryPolicy(value, false);
      return value;
    case "RedrivePolicy": {
      if (value === "") return value;
      const p = parseJson(value, "RedrivePolicy: failed to parse JSON") as { deadLetterTargetArn?: unknown };
      if (typeof p?.deadLetterTargetArn !== "string" || !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(p.deadLetterTargetArn)) {
        throw invalidParameter("RedrivePolicy: deadLetterTargetArn is invalid");
      }
      return value;
    }
    case "ReplayPolicy":
      if (value !== "") parseJson(value, "ReplayPolicy: failed to parse JSON");
      return value;
    default:
      return value;
  }
}

/** GetSubscriptionAttributes. */
export function subscriptionAttributesView(s: SubscriptionRecord, topicArn: string, topicDeliveryPolicy: string | undefined): Record<string, string> {
  const out: Record<string, string> = {
    Owner: s.owner,
    RawMessageDelivery: "false",
    TopicArn: topicArn,
    Endpoint: s.endpoint,
    Protocol: s.protocol,
    PendingConfirmation: s.confirmed ? "false" : "true",
    ConfirmationWasAuthenticated: s.confirmed ? "true" : "false",
    SubscriptionArn: s.arn,
    SubscriptionPrincipal: `arn:aws:iam::${s.owner}:user/mailroom`,
  };
  for (const [k, v] of Object.entries(s.attributes)) if (v !== "" && k !== AUTH_ON_UNSUBSCRIBE) out[k] = v;
  // A filter policy without a scope applies to message attributes (FilterPolicyScope docs).
  if (out.FilterPolicy && !out.FilterPolicyScope) out.FilterPolicyScope = "MessageAttributes";
  if (s.protocol === "http" || s.protocol === "https") out.EffectiveDeliveryPolicy = effectiveDeliveryPolicyOf(topicDeliveryPolicy, s.attributes.DeliveryPolicy);
  return out;
}
