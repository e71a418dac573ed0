// The firing job: one scheduler registration (engine/scheduler.ts) due at the earliest stored next occurrence. Each
// run claims due schedules in batches (SchedulerStore.fireDue: one transaction per batch, FOR UPDATE SKIP LOCKED on
// PostgreSQL), and for each writes its target's outbox row and its next occurrence in that transaction, so across
// a cluster every occurrence fires on one node, and a firing is committed exactly when its advance is.
//
// FlexibleTimeWindow: the occurrence is claimed at its time and the outbox row is due a random moment inside the
// window after it (user guide, "Configuring flexible time windows": "invokes the target within the time window you
// set" … "within 15 minutes after the scheduled time"), so the delivery engine spreads the invocations.
//
// Occurrences missed while no node ran: the first missed one fires once, late, and the schedule resumes with the
// first occurrence after now (the rule of EventBridge scheduled rules, ADR 0019). AWS documents at-least-once
// invocation and no catch-up of a backlog; one late firing neither loses the occurrence nor bursts a backlog.
import { EVENTBRIDGE_DEFAULT, type RetryPolicy } from "../../../delivery/policy.ts";
import type { DeadLetter, NewOutboxItem } from "../../../delivery/types.ts";
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import type { TargetInput } from "../domain/targets.ts";
import { nextOccurrence } from "../domain/timing.ts";
import type { SchedulerEnv } from "../env.ts";
import { scheduleArn } from "../operations/schedules.ts";
import type { FirePlan, ScheduleRecord } from "../store.ts";
import { type FiringPayload, SCHEDULER_TARGET_KIND } from "./targets.ts";

export const FIRE_BATCH = 500;

/**
 * The dead-letter attributes of a schedule's failed invocation (Scheduler user guide, "Configuring a dead-letter queue
 * for EventBridge Scheduler", the dead-letter event's message attributes: ERROR_CODE, ERROR_MESSAGE,
 * EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS, SCHEDULE_ARN, TARGET_ARN).
 */
export const DLQ_NAMES = {
  errorCode: "ERROR_CODE", errorMessage: "ERROR_MESSAGE", retryAttempts: "RETRY_ATTEMPTS", exhaustedCondition: "EXHAUSTED_RETRY_CONDITION",
} as const;

interface TargetSettings extends TargetInput {
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
}

/** RetryPolicy: defaults 185 attempts and 86,400 s (API reference, RetryPolicy). */
export function retryPolicyOf(t: TargetSettings): RetryPolicy {
  const r = t.RetryPolicy;
  if (!r) return EVENTBRIDGE_DEFAULT;
  return { kind: "exponential", jitter: true, maxRetryAttempts: r.MaximumRetryAttempts ?? 185, maxEventAgeMs: (r.MaximumEventAgeInSeconds ?? 86_400) * 1000 };
}

function deadLetterOf(arn: string, t: TargetSettings): DeadLetter | undefined {
  const q = t.DeadLetterConfig?.Arn;
  return q ? { queueArn: q, attributes: { SCHEDULE_ARN: arn, TARGET_ARN: t.Arn }, names: DLQ_NAMES } : undefined;
}

/** What firing the schedule's due occurrence at `now` writes (pure: called inside the store's transaction). */
export function planFiring(s: ScheduleRecord, now: number, random: () => number = Math.random): FirePlan {
  const due = s.nextAt ?? now;
  const next = s.state === "ENABLED" ? nextOccurrence(s.config, Math.max(now, due)) : undefined;
  const done = next === undefined && s.config.ActionAfterCompletion === "DELETE";
  const target = s.config.Target as unknown as TargetSettings;
  const arn = scheduleArn(s.region, s.account, s.group, s.name);
  const window = s.config.FlexibleTimeWindow;
  const offset = window.Mode === "FLEXIBLE" && window.MaximumWindowInMinutes ? Math.floor(random() * window.MaximumWindowInMinutes * 60_000) : 0;
  const { Arn, Input, SqsParameters, EventBridgeParameters, KinesisParameters } = target;
  const payload: FiringPayload = {
    target: { Arn, Input, SqsParameters, EventBridgeParameters, KinesisParameters }, account: s.account, region: s.region, baseUrl: s.baseUrl, scheduleArn: arn, scheduledAt: due,
  };
  const item: NewOutboxItem = {
    kind: SCHEDULER_TARGET_KIND, target: target.Arn, detail: arn, payload: JSON.stringify(payload), dueAt: Math.max(now, due + offset),
    policy: retryPolicyOf(target), deadLetter: deadLetterOf(arn, target),
  };
  return { next, delete: done, outbox: s.state === "ENABLED" ? [item] : [] };
}

export function scheduleFirings(scheduler: Scheduler, env: SchedulerEnv, outboxWritten: () => void, log: Logger, pollMs?: number, random?: () => number): Registration {
  return scheduler.register({
    name: "scheduler.schedules",
    pollMs,
    nextDue: () => env.store.nextDue(),
    run: async (now) => {
      let fired = 0;
      for (;;) {
        const n = await env.store.fireDue(now, FIRE_BATCH, (s) => {
          try {
            return planFiring(s, now, random);
          } catch (e) {
            // One unreadable schedule must not stop the batch (and every schedule behind it): it stops firing.
            log.warn("schedule cannot fire; it is stopped", { schedule: `${s.group}/${s.name}`, error: String(e) });
            return { next: undefined, delete: false, outbox: [] };
          }
        });
        fired += n;
        if (n > 0) outboxWritten();
        if (n < FIRE_BATCH) break;
      }
      if (fired > 0) log.debug("schedules fired", { count: fired });
    },
  });
}
