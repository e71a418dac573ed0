// A schedule's firing as a destination kind of the delivery engine (ADR 0011, ADR 0029): the outbox row's payload is
// a TargetCall (module, operation, input), attempted by calling that module's operation in-process (its api's
// `call`), under the schedule's RetryPolicy, and sent to its DeadLetterConfig queue when it fails for good. The
// target modules start before this one (src/services/index.ts); their api is looked up at attempt time.
import { createHash, randomBytes } from "node:crypto";
import type { AttemptResult, DestinationKind, OutboxRow, Resolved } from "../../../delivery/types.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { ServiceCall } from "../../operations.ts";
import { jobContext } from "../../types.ts";
import { targetCall, type TargetInput } from "../domain/targets.ts";

export const SCHEDULER_TARGET_KIND = "scheduler.target";

/** One firing, as stored in its outbox row: the call is built at each attempt (context attributes differ per attempt). */
export interface FiringPayload {
  target: TargetInput;
  account: string;
  region: string;
  baseUrl: string;
  scheduleArn: string;
  /** The occurrence's time (epoch ms). */
  scheduledAt: number;
}

/**
 * The context attributes a target's Input may name, replaced at each attempt (Scheduler user guide, "Adding context
 * attributes": <aws.scheduler.schedule-arn>, <aws.scheduler.scheduled-time> (e.g. 2022-03-22T18:59:43Z),
 * <aws.scheduler.execution-id> (unique per attempted invocation), <aws.scheduler.attempt-number> (from 1)). None of
 * the values holds a quote or backslash, so a universal target's JSON stays JSON.
 */
export function withContext(input: string, p: FiringPayload, attempt: number): string {
  if (!input.includes("<aws.scheduler.")) return input;
  const values: Record<string, string> = {
    "<aws.scheduler.schedule-arn>": p.scheduleArn,
    "<aws.scheduler.scheduled-time>": new Date(p.scheduledAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    "<aws.scheduler.execution-id>": randomBytes(8).toString("hex"),
    "<aws.scheduler.attempt-number>": String(attempt),
  };
  return input.replace(/<aws\.scheduler\.[a-z-]+>/g, (k) => values[k] ?? k);
}

export function schedulerTargetKind(call: (module: string) => ServiceCall | undefined): DestinationKind {
  return {
    async resolve(row: OutboxRow): Promise<Resolved> {
      const p = JSON.parse(row.payload) as FiringPayload;
      return { policy: row.policy, deadLetter: row.deadLetter, senderId: p.account };
    },
    async attempt(row: OutboxRow): Promise<AttemptResult> {
      const p = JSON.parse(row.payload) as FiringPayload;
      const body = withContext(p.target.Input ?? "", p, row.attempts + 1);
      let c: ReturnType<typeof targetCall>;
      try {
        c = targetCall({ ...p.target, Input: body }, p.account, p.region, p.baseUrl);
      } catch (e) {
        // Input that no longer makes a request (checked when written, so only a stored row of another version): not retried.
        return { ok: false, code: "ValidationException", message: String(e), retryable: false, deadLetterBody: body };
      }
      // A FIFO queue deduplicates the occurrence's retries: the id is the schedule and the occurrence's time.
      if (c.module === "sqs" && c.operation === "SendMessage" && String(c.input.QueueUrl).endsWith(".fifo")) {
        c.input.MessageDeduplicationId ??= createHash("sha256").update(`${p.scheduleArn}\n${p.scheduledAt}`).digest("hex");
      }
      const fn = call(c.module);
      if (!fn) return { ok: false, code: "ResourceNotFoundException", message: `The ${c.module} service is not running.`, retryable: false, deadLetterBody: body };
      try {
        await fn(jobContext(p.account, c.region, p.baseUrl), c.operation, c.input);
        return { ok: true };
      } catch (e) {
        // An unexpected failure of the target's handler is retried like a 5xx, never left to spin on its lease.
        if (!(e instanceof AwsError)) return { ok: false, code: "InternalServerException", message: String(e), deadLetterBody: body };
        // The dead-letter message names the target's own error (Scheduler user guide, "Configuring a dead-letter
        // queue": ERROR_CODE and ERROR_MESSAGE carry the target's response). Every failed invocation is retried under
        // the schedule's RetryPolicy ("Configuring a retry policy": retries up to MaximumRetryAttempts within
        // MaximumEventAgeInSeconds), so the dead letter always says which limit ended it.
        return { ok: false, code: e.code, message: e.message, deadLetterBody: body };
      }
    },
  };
}
