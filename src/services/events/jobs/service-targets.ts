// Kinesis stream and Step Functions state machine targets as destination kinds of the delivery engine (ADR 0011,
// ADR 0028). PutEvents writes an outbox row per matched target (target = the stream's or state machine's ARN; payload =
// the (transformed) event, the partition key, the rule's account); the engine attempts it under the target's
// RetryPolicy and sends what fails for good to its DeadLetterConfig queue, as for API destinations. The attempt is
// the other service's own operation called in-process (PutRecord, StartExecution through its module api's `call`),
// looked up when the attempt runs: EventBridge starts before Kinesis and Step Functions (src/services/index.ts).
import type { AttemptResult, DestinationKind, OutboxRow, Resolved } from "../../../delivery/types.ts";
import type { RuleRef } from "../metrics.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { ServiceCall } from "../../operations.ts";
import { jobContext } from "../../types.ts";

export const KINESIS_TARGET_KIND = "events.kinesis";
export const STATES_TARGET_KIND = "events.states";

export interface ServiceTargetPayload {
  /** The event, or the target's Input / InputPath / InputTransformer output. */
  body: string;
  /** The rule's account: the caller of the target's operation and the sender of dead-letter messages. */
  sender: string;
  /** Kinesis: the record's partition key (KinesisParameters.PartitionKeyPath's value, or the event id). */
  partitionKey?: string;
  /** Step Functions: the execution's name, the event's id. */
  name?: string;  /** The rule whose target this is: its invocation is counted when the row settles (metrics.ts). */
  rule?: RuleRef;
}

type Failure = Extract<AttemptResult, { ok: false }>;

/**
 * How an error of the target's service ends the attempt. A missing stream or state machine and a refused call are
 * not retried (user guide, "Event retry policy and using dead-letter queues": "a target resource that no longer
 * exists" and missing permissions go to the DLQ without retry; sample ERROR_CODEs NO_RESOURCE, NO_PERMISSIONS);
 * throttling and service errors are retried under the RetryPolicy; input the target refuses is not.
 */
export function classifyServiceError(e: AwsError, body: string): Failure {
  const base = { message: e.message, deadLetterBody: body };
  switch (e.code) {
    case "ResourceNotFoundException":
    case "StateMachineDoesNotExist":
    case "StateMachineDeleting":
      return { ok: false, code: "NO_RESOURCE", retryable: false, ...base };
    case "AccessDeniedException":
    case "AccessDenied":
      return { ok: false, code: "NO_PERMISSIONS", retryable: false, ...base };
    case "ProvisionedThroughputExceededException":
    case "LimitExceededException":
    case "ExecutionLimitExceeded":
    case "ThrottlingException":
    case "KMSThrottlingException":
    case "ResourceInUseException":
      return { ok: false, code: "THROTTLING", ...base };
  }
  // A 5xx is the service's fault: retried. A 4xx names input the target will never take: not retried.
  return { ok: false, code: e.code, retryable: e.status >= 500, ...base };
}

/** The region and account of a target ARN (arn:aws:<service>:<region>:<account>:...). */
function arnParts(arn: string): { region: string; account: string } {
  const p = arn.split(":");
  return { region: p[3] ?? "", account: p[4] ?? "" };
}

export function serviceTargetKind(service: "kinesis" | "states", call: () => ServiceCall | undefined): DestinationKind {
  return {
    async resolve(row: OutboxRow): Promise<Resolved> {
      return { policy: row.policy, deadLetter: row.deadLetter, senderId: (JSON.parse(row.payload) as ServiceTargetPayload).sender };
    },
    async attempt(row: OutboxRow): Promise<AttemptResult> {
      const p = JSON.parse(row.payload) as ServiceTargetPayload;
      const fn = call();
      if (!fn) return { ok: false, code: "NO_RESOURCE", retryable: false, message: `The ${service === "kinesis" ? "Kinesis" : "Step Functions"} service is not running.`, deadLetterBody: p.body };
      const { region } = arnParts(row.target);
      const ctx = jobContext(p.sender, region);
      try {
        if (service === "kinesis") {
          await fn(ctx, "PutRecord", { StreamARN: row.target, PartitionKey: p.partitionKey ?? "", Data: Buffer.from(p.body, "utf8") });
        } else {
          // The execution is named after the event's id, as EventBridge names the executions it starts (recorded against
          // AWS: LocalStack pull request 11427, "the execution name of the machine uses the event ID as it happens in
          // AWS"); PutTargets has no member for it. A retry after a start whose answer was lost then finds the running
          // execution with the same name and input, which StartExecution answers as a success (idempotent).
          await fn(ctx, "StartExecution", { stateMachineArn: row.target, input: p.body, ...(p.name === undefined ? {} : { name: p.name }) });
        }
        return { ok: true };
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        return classifyServiceError(e, p.body);
      }
    },
  };
}
