// When a schedule fires: its expression (at, rate, cron) read in its time zone, bounded by StartDate and EndDate.
// Pure; the firing job and the operations share it.
import { isTimeZone, nextFireTime, parseScheduleExpression, type Schedule, ScheduleExpressionError } from "../../../util/schedule-expression.ts";
import { validation } from "../errors.ts";
import type { ScheduleConfig } from "../store.ts";

export function parseExpression(expr: string): Schedule {
  try {
    return parseScheduleExpression(expr, { at: true });
  } catch (e) {
    if (e instanceof ScheduleExpressionError) throw validation(`Invalid Schedule Expression ${expr}.`);
    throw e;
  }
}

export function checkTimeZone(zone: string | undefined): void {
  if (zone !== undefined && !isTimeZone(zone)) throw validation(`Invalid Schedule Expression Timezone ${zone}.`);
}

/**
 * The first occurrence strictly after `after`, or undefined when none is left. A one-time schedule ignores StartDate
 * and EndDate (API reference, CreateSchedule: "EventBridge Scheduler ignores StartDate for one-time schedules", and
 * the same of EndDate); a recurring one starts at StartDate and stops after EndDate. A rate without StartDate starts
 * at once (user guide, "Schedule types": "If you do not provide a StartDate for a rate-based schedule, your schedule
 * begins invoking the target immediately"): its anchor is when it was written.
 */
export function nextOccurrence(cfg: ScheduleConfig, after: number): number | undefined {
  let s: Schedule;
  try {
    s = parseScheduleExpression(cfg.ScheduleExpression, { at: true });
  } catch {
    return undefined; // checked when written
  }
  const timeZone = cfg.ScheduleExpressionTimezone ?? "UTC";
  if (s.kind === "at") return nextFireTime(s, after, { timeZone });
  const from = cfg.StartDate !== undefined ? Math.max(after, cfg.StartDate - 1) : after;
  const t = nextFireTime(s, from, { timeZone, anchor: cfg.anchorAt });
  if (t === undefined || (cfg.EndDate !== undefined && t > cfg.EndDate)) return undefined;
  return t;
}
