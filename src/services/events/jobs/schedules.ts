// Scheduled rules, the background side: one scheduler registration whose due time is the earliest stored next
// firing (events_schedules.next_at). A firing delivers AWS's "Scheduled Event" to the rule's targets through
// PutEvents' routing, and moves next_at on in the same transaction, guarded by its old value, so across a cluster
// exactly one node fires each occurrence (the others' guard fails and they write nothing). A disabled rule's
// occurrences pass without a delivery.
//
// Occurrences missed while no node ran (the server was down) are not delivered one by one: the first missed one
// fires once, late, with its own time, and the schedule resumes with the first occurrence after now. AWS documents
// rate schedules as starting when the rule is created and running on their schedule from then (user guide, "Rate
// expressions") and no catch-up of missed occurrences; one late firing is Mailroom's choice (ADR 0019), so a
// restart neither loses the occurrence it missed nor bursts a backlog.
import { randomUUID } from "node:crypto";
import type { Registration, Scheduler } from "../../../engine/scheduler.ts";
import type { Logger } from "../../../util/log.ts";
import { nextFireTime, parseScheduleExpression } from "../../../util/schedule-expression.ts";
import type { ScheduleRecord } from "../archive-store.ts";
import { eventTime, type FormedEvent } from "../domain/event.ts";
import { ruleArn } from "../domain/names.ts";
import { ruleIndex, type EventsEnv } from "../env.ts";
import { dispatchEvents } from "../operations/put-events.ts";

const BATCH = 100;

export function scheduleRules(scheduler: Scheduler, env: EventsEnv, log: Logger, pollMs?: number): Registration {
  return scheduler.register({
    name: "events.schedules",
    pollMs,
    nextDue: () => env.store.archives.nextScheduleDue(),
    run: async (now) => {
      for (;;) {
        const due = await env.store.archives.dueSchedules(now, BATCH);
        let fired = 0;
        for (const s of due) if (await fire(env, s, now)) fired++;
        if (fired > 0) log.debug("scheduled rules fired", { count: fired });
        if (due.length < BATCH) return;
      }
    },
  });
}

/** The event a scheduled rule's targets receive (EventBridge user guide, "Scheduled Event" example: source aws.events, resources = the rule's ARN, empty detail). */
export function scheduledEvent(s: ScheduleRecord, at: number): FormedEvent {
  return {
    version: "0", id: randomUUID(), "detail-type": "Scheduled Event", source: "aws.events", account: s.account, time: eventTime(at),
    region: s.region, resources: [ruleArn(s.region, s.account, s.bus, s.rule)], detail: {},
  };
}

/** Fires one due occurrence; false when another node fired it first. */
export async function fire(env: EventsEnv, s: ScheduleRecord, now: number): Promise<boolean> {
  const due = s.nextAt as number;
  let next: number | undefined;
  try {
    next = nextFireTime(parseScheduleExpression(s.expression), now, { anchor: s.anchorAt });
  } catch {
    next = undefined; // validated when stored; an unreadable one stops firing rather than spinning
  }
  const bus = { account: s.account, region: s.region, name: s.bus };
  const rule = (await ruleIndex(env, bus)).rule(s.ruleId);
  const events = rule ? [scheduledEvent(s, due)] : [];
  return dispatchEvents(env, bus, events, { baseUrl: s.baseUrl, now, ruleId: s.ruleId, extras: { schedule: { ruleId: s.ruleId, due, next } } });
}
