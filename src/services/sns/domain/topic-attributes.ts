// Topic attributes: which names CreateTopic/SetTopicAttributes accept, their checks, and what
// GetTopicAttributes answers (defaults, the default access policy, EffectiveDeliveryPolicy, live counts).
import { invalidParameter } from "../errors.ts";
import { checkDeliveryPolicy, DEFAULT_HTTP_POLICY } from "./delivery-policy.ts";

// Settable topic attributes (SetTopicAttributes / CreateTopic API reference, AttributeName).
const SETTABLE = new Set([
  "DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId", "SignatureVersion", "ContentBasedDeduplication",
  "ArchivePolicy", "FifoThroughputScope", "DataProtectionPolicy",
  "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate", "ApplicationFailureFeedbackRoleArn",
  "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
  "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate", "LambdaFailureFeedbackRoleArn",
  "SQSSuccessFeedbackRoleArn", "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn",
  "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate", "FirehoseFailureFeedbackRoleArn",
]);
const FIFO_ONLY = new Set(["ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope"]);

export function defaultPolicy(arn: string, account: string): string {
  // The policy AWS attaches to a new topic (GetTopicAttributes on a fresh topic; shape as SNS documents default topic policies).
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [{
      Sid: "__default_statement_ID",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
        "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
      Resource: arn,
      Condition: { StringEquals: { "AWS:SourceOwner": account } },
    }],
  });
}

/** Checks one attribute for a topic (fifo: whether the topic is FIFO); returns the value to store. */
export function checkTopicAttribute(name: string, value: string, fifo: boolean, creating: boolean): string {
  if (name === "FifoTopic") {
    if (!creating) throw invalidParameter("AttributeName");
    if (!/^(true|false)$/i.test(value)) throw invalidParameter("FifoTopic Reason: Invalid value for FifoTopic");
    return value.toLowerCase();
  }
  if (!SETTABLE.has(name)) throw invalidParameter("AttributeName");
  if (FIFO_ONLY.has(name) && !fifo) {
    // Content-based deduplication and archiving exist for FIFO topics only (FIFO topics developer guide).
    throw invalidParameter(`${name} Reason: ${name} can only be set on FIFO topics`);
  }
  switch (name) {
    case "ContentBasedDeduplication":
      if (!/^(true|false)$/i.test(value)) throw invalidParameter("ContentBasedDeduplication Reason: Invalid value");
      return value.toLowerCase();
    case "SignatureVersion":
      if (value !== "1" && value !== "2") throw invalidParameter("SignatureVersion");
      return value;
    case "DisplayName":
      if (value.length > 100) throw invalidParameter("DisplayName");
      return value;
    case "Policy":
    case "DataProtectionPolicy":
      if (value !== "") parseJson(value, `${name}: failed to parse JSON`);
      return value;
    case "DeliveryPolicy":
      if (value !== "") checkDeliveryPolicy(value, true);
      return value;
    case "ArchivePolicy":
      if (value !== "") checkArchivePolicy(value);
      return value;
    case "FifoThroughputScope":
      if (value !== "Topic" && value !== "MessageGroup") throw invalidParameter("FifoThroughputScope");
      return value;
    default:
      return value;
  }
}

export function parseJson(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw invalidParameter(what);
  }
}

/** ArchivePolicy {"MessageRetentionPeriod": "1".."365"} days (FIFO message archiving, developer guide). */
export function checkArchivePolicy(value: string): number {
  const p = parseJson(value, "ArchivePolicy: failed to parse JSON") as { MessageRetentionPeriod?: unknown };
  const days = Number(p?.MessageRetentionPeriod);
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw invalidParameter("ArchivePolicy Reason: MessageRetentionPeriod must be an integer between 1 and 365 days");
  }
  return days;
}

export function isFifo(attributes: Record<string, string>): boolean {
  return attributes.FifoTopic === "true";
}

/** GetTopicAttributes: stored attributes plus what AWS derives. */
export function topicAttributesView(
  stored: Record<string, string>, arn: string, account: string, counts: { confirmed: number; pending: number; deleted: number },
): Record<string, string> {
  const out: Record<string, string> = {
    Policy: defaultPolicy(arn, account),
    Owner: account,
    SubscriptionsPending: String(counts.pending),
    TopicArn: arn,
    EffectiveDeliveryPolicy: effectiveDeliveryPolicy(stored.DeliveryPolicy),
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: "",
    SubscriptionsDeleted: String(counts.deleted),
  };
  if (isFifo(stored)) out.ContentBasedDeduplication = "false";
  for (const [k, v] of Object.entries(stored)) if (v !== "" || k === "DisplayName") out[k] = v;
  return out;
}

export function effectiveDeliveryPolicy(stored: string | undefined): string {
  const base = JSON.parse(JSON.stringify(DEFAULT_HTTP_POLICY)) as { http: Record<string, unknown> };
  if (stored) {
    const p = JSON.parse(stored) as { http?: Record<string, unknown> };
    if (p.http) base.http = { ...base.http, ...p.http };
  }
  return JSON.stringify(base);
}
