// Queue attributes: which exist, their defaults and valid ranges, validation on CreateQueue and
// SetQueueAttributes, and the RedrivePolicy they may carry
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
import { invalidParameter, sqsError } from "../errors.ts";
import { MAX_DELAY_SECONDS, MAX_MESSAGE_BYTES, MAX_RECEIVE_COUNT_LIMIT, MAX_VISIBILITY_SECONDS, MAX_WAIT_SECONDS, MIN_MESSAGE_BYTES_SETTING } from "./limits.ts";

interface IntRule {
  min: number;
  max: number;
  def?: number;
}

const INT_ATTRIBUTES: Record<string, IntRule> = {
  DelaySeconds: { min: 0, max: MAX_DELAY_SECONDS, def: 0 },
  MaximumMessageSize: { min: MIN_MESSAGE_BYTES_SETTING, max: MAX_MESSAGE_BYTES, def: MAX_MESSAGE_BYTES },
  MessageRetentionPeriod: { min: 60, max: 1_209_600, def: 345_600 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: MAX_WAIT_SECONDS, def: 0 },
  VisibilityTimeout: { min: 0, max: MAX_VISIBILITY_SECONDS, def: 30 },
  KmsDataKeyReusePeriodSeconds: { min: 60, max: 86_400 },
};

const OTHER_SETTABLE = new Set(["Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled"]);
const FIFO_ONLY = new Set(["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"]);

/** Read-only attributes computed on GetQueueAttributes. */
export const COMPUTED_ATTRIBUTES = [
  "QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
];

/** Order in which GetQueueAttributes(All) lists stored attributes. */
export const STORED_ATTRIBUTE_ORDER = [
  "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds",
  "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
  "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
];

/** Values the FIFO attributes accept (CreateQueue API reference). */
const FIFO_VALUES: Record<string, string[]> = {
  FifoQueue: ["true"],
  ContentBasedDeduplication: ["true", "false"],
  DeduplicationScope: ["queue", "messageGroup"],
  FifoThroughputLimit: ["perQueue", "perMessageGroupId"],
};

export function isKnownAttributeName(name: string): boolean {
  return name in INT_ATTRIBUTES || OTHER_SETTABLE.has(name) || FIFO_ONLY.has(name) || COMPUTED_ATTRIBUTES.includes(name) || name === "All";
}

export function defaultAttributes(fifo = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, rule] of Object.entries(INT_ATTRIBUTES)) if (rule.def !== undefined) out[name] = String(rule.def);
  out.SqsManagedSseEnabled = "true";
  if (fifo) {
    // A FIFO queue's defaults as GetQueueAttributes(All) returns them (LocalStack snapshot test_fifo_set_content_based_deduplication_strategy).
    Object.assign(out, { FifoQueue: "true", ContentBasedDeduplication: "false", DeduplicationScope: "queue", FifoThroughputLimit: "perQueue" });
  }
  return out;
}

function invalidValue(name: string, reason?: string): Error {
  return sqsError("InvalidAttributeValue", `Invalid value for the parameter ${name}.${reason ? ` Reason: ${reason}` : ""}`);
}

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** RedrivePolicy problems are InvalidParameterValue with the policy quoted (recorded AWS responses). */
export function redrivePolicyError(value: string, reason: string): Error {
  return invalidParameter(`Value ${value} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
}

export function parseRedrivePolicy(value: string): RedrivePolicy {
  let p: unknown;
  try {
    p = JSON.parse(value);
  } catch {
    throw redrivePolicyError(value, "Redrive policy is not a valid JSON map.");
  }
  if (!p || typeof p !== "object" || Array.isArray(p)) throw redrivePolicyError(value, "Redrive policy is not a valid JSON map.");
  const { deadLetterTargetArn, maxReceiveCount } = p as Record<string, unknown>;
  if (typeof deadLetterTargetArn !== "string" || !deadLetterTargetArn) {
    throw redrivePolicyError(value, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  }
  if (maxReceiveCount === undefined) {
    throw redrivePolicyError(value, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  }
  // A number or a decimal string is accepted and returned as a number.
  const count = typeof maxReceiveCount === "string" && /^\d+$/.test(maxReceiveCount) ? Number(maxReceiveCount) : maxReceiveCount;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_RECEIVE_COUNT_LIMIT) {
    throw redrivePolicyError(value, `Invalid value for maxReceiveCount: ${String(maxReceiveCount)}, valid values are from 1 to ${MAX_RECEIVE_COUNT_LIMIT} both inclusive.`);
  }
  return { deadLetterTargetArn, maxReceiveCount: count };
}

export interface RedriveAllowPolicy {
  redrivePermission: "allowAll" | "denyAll" | "byQueue";
  sourceQueueArns?: string[];
}

const MAX_SOURCE_QUEUE_ARNS = 10;

/** RedriveAllowPolicy of a dead-letter queue (SetQueueAttributes API reference: allowAll, denyAll, byQueue with 1-10 ARNs). */
export function parseRedriveAllowPolicy(value: string): RedriveAllowPolicy {
  // Reasons worded as third-party emulators record them ("Amazon SQS can't create the redrive allow policy. ..."); not AWS-verified.
  const cannot = (reason: string) =>
    invalidParameter(`Value ${value} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. ${reason}`);
  let p: unknown;
  try {
    p = JSON.parse(value);
  } catch {
    p = undefined;
  }
  const o = p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  const arns = o?.sourceQueueArns;
  const perm = o?.redrivePermission;
  if (!o || Object.keys(o).some((k) => k !== "redrivePermission" && k !== "sourceQueueArns") ||
    (perm !== "allowAll" && perm !== "denyAll" && perm !== "byQueue") ||
    (arns !== undefined && (!Array.isArray(arns) || arns.some((a) => typeof a !== "string")))) {
    throw invalidValue("RedriveAllowPolicy", "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.");
  }
  const list = arns as string[] | undefined;
  if (list !== undefined && perm !== "byQueue") {
    throw cannot("To specify one or more source queue ARNs, you must set redrivePermission to byQueue.");
  }
  if (perm === "byQueue" && (!list || list.length === 0)) {
    throw cannot("When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.");
  }
  if (list && list.length > MAX_SOURCE_QUEUE_ARNS) throw cannot(`The maximum number of source queue ARNs you can specify is ${MAX_SOURCE_QUEUE_ARNS}.`);
  return { redrivePermission: perm, sourceQueueArns: list };
}

/**
 * Validates attributes given to CreateQueue/SetQueueAttributes; returns them normalised (integers as
 * canonical strings, RedrivePolicy re-serialised with a numeric maxReceiveCount as AWS returns it).
 */
export function normaliseAttributes(input: Record<string, string>, fifo = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const value = String(raw);
    const rule = INT_ATTRIBUTES[name];
    if (rule) {
      if (!/^-?\d+$/.test(value.trim())) throw invalidValue(name);
      const n = Number(value.trim());
      if (n < rule.min || n > rule.max) throw invalidValue(name);
      out[name] = String(n);
    } else if (name === "RedrivePolicy") {
      out[name] = value === "" ? "" : JSON.stringify(parseRedrivePolicy(value));
    } else if (name === "SqsManagedSseEnabled") {
      if (value !== "true" && value !== "false") throw invalidValue(name);
      out[name] = value;
    } else if (name === "RedriveAllowPolicy") {
      if (value !== "") parseRedriveAllowPolicy(value);
      out[name] = value;
    } else if (name === "Policy") {
      if (value !== "") {
        try {
          const parsed = JSON.parse(value);
          if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error();
        } catch {
          throw invalidValue(name);
        }
      }
      out[name] = value;
    } else if (name === "KmsMasterKeyId") {
      out[name] = value;
    } else if (FIFO_ONLY.has(name) && fifo) {
      if (!FIFO_VALUES[name].includes(value)) throw invalidValue(name);
      out[name] = value;
    } else if (name === "DeduplicationScope" || name === "FifoThroughputLimit") {
      // Recorded AWS wording on a standard queue (LocalStack snapshot test_create_standard_queue_with_fifo_attribute_raises_error).
      throw sqsError("InvalidAttributeName", `You can specify the ${name} only when FifoQueue is set to true.`);
    } else {
      throw sqsError("InvalidAttributeName", `Unknown Attribute ${name}.`);
    }
  }
  return out;
}

/** Applies changes to stored attributes; an empty string clears an optional attribute. */
export function applyAttributes(current: Record<string, string>, changes: Record<string, string>): Record<string, string> {
  const next = { ...current, ...changes };
  for (const [k, v] of Object.entries(changes)) if (v === "" && !(k in INT_ATTRIBUTES)) delete next[k];
  // One server-side encryption per queue: SSE-KMS (with its key reuse period, default 300) or SSE-SQS
  // (SetQueueAttributes API reference, SqsManagedSseEnabled and KmsDataKeyReusePeriodSeconds).
  if (changes.KmsMasterKeyId) {
    next.SqsManagedSseEnabled = "false";
    next.KmsDataKeyReusePeriodSeconds ??= "300";
  } else if (changes.SqsManagedSseEnabled === "true") {
    delete next.KmsMasterKeyId;
    delete next.KmsDataKeyReusePeriodSeconds;
  }
  if (changes.KmsMasterKeyId === "") delete next.KmsDataKeyReusePeriodSeconds;
  return next;
}
