// EventBridge's dead letters and retry policies as the delivery engine's data (ADR 0011, ADR 0018): a target's
// DeadLetterConfig becomes a DeadLetter with EventBridge's attribute names, its RetryPolicy an exponential policy;
// a failure AWS never retries (missing target, missing permission) becomes a dead-letter message at once.
import { randomUUID } from "node:crypto";
import { EVENTBRIDGE_DEFAULT, type RetryPolicy } from "../../delivery/policy.ts";
import type { DeadLetter } from "../../delivery/types.ts";
import { md5Hex, md5OfAttributes, type NewMessage } from "../sqs/index.ts";
import type { TargetRecord } from "./store.ts";

/**
 * The attributes every EventBridge dead-letter message carries (user guide, "Event retry policy and using dead-letter
 * queues": RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS).
 */
export const DLQ_NAMES = {
  errorCode: "ERROR_CODE", errorMessage: "ERROR_MESSAGE", retryAttempts: "RETRY_ATTEMPTS", exhaustedCondition: "EXHAUSTED_RETRY_CONDITION",
} as const;

export function deadLetterOf(ruleArn: string, t: TargetRecord): DeadLetter | undefined {
  const arn = t.settings?.DeadLetterConfig?.Arn;
  if (!arn) return undefined;
  return { queueArn: arn, attributes: { RULE_ARN: ruleArn, TARGET_ARN: t.arn }, names: DLQ_NAMES };
}

/** The target's RetryPolicy (defaults: 185 retries, 24 hours; API reference, RetryPolicy) as the engine's exponential policy. */
export function retryPolicyOf(t: TargetRecord): RetryPolicy {
  const r = t.settings?.RetryPolicy;
  if (!r) return EVENTBRIDGE_DEFAULT;
  return {
    kind: "exponential", jitter: true,
    maxRetryAttempts: r.MaximumRetryAttempts ?? 185,
    maxEventAgeMs: (r.MaximumEventAgeInSeconds ?? 86_400) * 1000,
  };
}

/**
 * The dead-letter message of a delivery that failed without a retry: no EXHAUSTED_RETRY_CONDITION (no retry limit
 * ended it) and RETRY_ATTEMPTS 0. Error codes from the user guide's sample list (NO_RESOURCE, NO_PERMISSIONS, ...).
 */
export function immediateDeadLetter(dl: DeadLetter, code: string, message: string, body: string, senderId: string, now: number): NewMessage {
  const attributes: NonNullable<NewMessage["attributes"]> = {};
  const put = (name: string, value: string) => {
    attributes[name] = { DataType: "String", StringValue: value };
  };
  for (const [k, v] of Object.entries(dl.attributes ?? {})) put(k, v);
  put(DLQ_NAMES.errorCode, code);
  put(DLQ_NAMES.errorMessage, message);
  put(DLQ_NAMES.retryAttempts, "0");
  return {
    messageId: randomUUID(), body, md5OfBody: md5Hex(body), attributes, md5OfAttributes: md5OfAttributes(attributes), senderId, visibleAt: now,
  };
}
