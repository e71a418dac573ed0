// Subscription attributes: which names Subscribe/SetSubscriptionAttributes accept, their checks, and what
// GetSubscriptionAttributes answers (SetSubscriptionAttributes / GetSubscriptionAttributes API references).
import { checkFilterPolicy, PatternError } from "../../../patterns/filter-policy.ts";
import { invalidParameter } from "../errors.ts";
import type { SubscriptionRecord } from "../store.ts";
import { AUTH_ON_UNSUBSCRIBE } from "./confirmation.ts";
import { checkDeliveryPolicy, effectiveDeliveryPolicyOf } from "./delivery-policy-view.ts";
import { jsonFailure } from "./json-errors.ts";

const SETTABLE = new Set(["DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"]);

/** What an attribute is checked for: the subscription's protocol and endpoint, and whether Subscribe sets it. */
export interface AttributeTarget {
  protocol: string;
  endpoint: string;
  /** FilterPolicyScope in force for a FilterPolicy. */
  scope?: string;
  /** Subscribe's Attributes: problems read "Attributes Reason: <problem>", SetSubscriptionAttributes' just "<problem>". */
  subscribing: boolean;
}

/**
 * Checks one attribute for a subscription; returns the value to store. Wordings as recorded on AWS (LocalStack
 * snapshots test_validate_set_sub_attributes, test_create_subscriptions_with_attributes,
 * test_subscribe_invalid_filter_policy, test_validations_for_fifo, and test_sns_filter_policy's test_validate_policy*,
 * where Subscribe's filter policy problems carry the "Attributes Reason: " prefix).
 */
export function checkSubscriptionAttribute(name: string, value: string, target: AttributeTarget): string {
  if (!SETTABLE.has(name)) throw invalidParameter("AttributeName");
  const bad = (problem: string) => invalidParameter(target.subscribing ? `Attributes Reason: ${problem}` : problem);
  const json = (what: string) => {
    const failure = jsonFailure(value);
    if (failure !== undefined) throw bad(`${what}: ${failure}`);
    return JSON.parse(value) as unknown;
  };
  switch (name) {
    case "RawMessageDelivery":
      if (!/^(true|false)$/i.test(value)) throw bad(`RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      // Raw delivery exists for SQS, HTTP/S and Firehose endpoints (message delivery developer guide, raw message delivery).
      if (!["sqs", "http", "https", "firehose"].includes(target.protocol)) {
        throw bad(`Delivery protocol [${target.protocol}] does not support raw message delivery.`);
      }
      return value.toLowerCase();
    case "FilterPolicyScope":
      if (value !== "MessageAttributes" && value !== "MessageBody") {
        throw bad(`FilterPolicyScope: Invalid value [${value}]. Please use either MessageBody or MessageAttributes`);
      }
      return value;
    case "FilterPolicy":
      if (value === "") return value;
      json("FilterPolicy");
      try {
        checkFilterPolicy(value, target.scope === "MessageBody" ? "MessageBody" : "MessageAttributes");
      } catch (e) {
        if (e instanceof PatternError) throw bad(e.message);
        throw e;
      }
      return value;
    case "DeliveryPolicy":
      if (value !== "") checkDeliveryPolicy(value, false);
      return value;
    case "RedrivePolicy": {
      if (value === "") return value;
      const p = json("RedrivePolicy") as { deadLetterTargetArn?: unknown };
      if (typeof p?.deadLetterTargetArn !== "string" || !/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/.test(p.deadLetterTargetArn)) {
        throw bad("RedrivePolicy: deadLetterTargetArn is an invalid arn");
      }
      // A FIFO queue's subscription (so to a FIFO topic) needs a FIFO dead-letter queue (SNS dead-letter queues
      // developer guide; a standard queue subscribed to a FIFO topic may keep a standard one).
      if (target.protocol === "sqs" && target.endpoint.endsWith(".fifo") && !p.deadLetterTargetArn.endsWith(".fifo")) {
        throw bad("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
      }
      return value;
    }
    case "ReplayPolicy":
      if (value !== "") json("ReplayPolicy");
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
