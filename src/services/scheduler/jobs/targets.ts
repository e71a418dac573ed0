// A schedule's firing as a destination kind of the delivery engine (ADR 0011, ADR 0029): the outbox row's payload is
// a TargetCall (module, operation, input), attempted by calling that module's operation in-process (its api's
// `call`), under the schedule's RetryPolicy, and sent to its DeadLetterConfig queue when it fails for good. The
// target modules start before this one (src/services/index.ts); their api is looked up at attempt time.
import { randomUUID } from "node:crypto";
import type { AttemptResult, DestinationKind, OutboxRow, Resolved } from "../../../delivery/types.ts";
import { AwsError } from "../../../protocol/errors.ts";
import type { ServiceCall } from "../../operations.ts";
import type { TargetCall } from "../domain/targets.ts";

export const SCHEDULER_TARGET_KIND = "scheduler.target";

export interface FiringPayload extends TargetCall {
  baseUrl: string;
}

export function schedulerTargetKind(call: (module: string) => ServiceCall | undefined): DestinationKind {
  return {
    async resolve(row: OutboxRow): Promise<Resolved> {
      const p = JSON.parse(row.payload) as FiringPayload;
      return { policy: row.policy, deadLetter: row.deadLetter, senderId: p.account };
    },
    async attempt(row: OutboxRow): Promise<AttemptResult> {
      const p = JSON.parse(row.payload) as FiringPayload;
      const fn = call(p.module);
      if (!fn) return { ok: false, code: "ResourceNotFoundException", message: `The ${p.module} service is not running.`, retryable: false, deadLetterBody: p.body };
      try {
        await fn({ requestId: randomUUID(), accountId: p.account, region: p.region, accessKeyId: "", baseUrl: p.baseUrl, signal: new AbortController().signal }, p.operation, p.input);
        return { ok: true };
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        // The dead-letter message names the target's own error (Scheduler user guide, "Configuring a dead-letter
        // queue": ERROR_CODE and ERROR_MESSAGE carry the target's response). Every failed invocation is retried under
        // the schedule's RetryPolicy ("Configuring a retry policy": retries up to MaximumRetryAttempts within
        // MaximumEventAgeInSeconds), so the dead letter always says which limit ended it.
        return { ok: false, code: e.code, message: e.message, deadLetterBody: p.body };
      }
    },
  };
}
