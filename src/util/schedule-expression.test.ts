// Schedule expressions: what AWS accepts and refuses (EventBridge user guide, "Using cron and rate expressions to
// schedule rules"), and the next firing times, in UTC and in an IANA time zone across daylight-saving changes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { nextFireTime, parseScheduleExpression, ScheduleExpressionError } from "./schedule-expression.ts";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace(".000Z", "Z"));
const at = (s: string) => Date.parse(s);
/** The next n firings after `from`. */
function series(expr: string, from: string, n: number, timeZone?: string, anchor?: number): (string | undefined)[] {
  const s = parseScheduleExpression(expr);
  const out: (string | undefined)[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextFireTime(s, t, { timeZone, anchor });
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

test("valid expressions from the user guide and common use", () => {
  for (const e of [
    "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "rate(7 days)",
    "cron(0 10 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)",
    "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)",
    "cron(0 0 15W * ? *)", "cron(0 0 ? * 6L *)", "cron(0 0 ? * L *)", "cron(*/5 * * * ? *)", "cron(0 0 1 JAN,JUL ? 2027-2030)",
    "cron(0 0 ? * sun *)", "cron(30 8,17 ? * 2-6 *)", "cron(0-15/1 8-8 ? * 2,3,4,5,6,7 *)", "cron(1-31/30 1-1 ? * 1,7 *)", "cron(0 0 ? * FRI-MON *)",
    "cron(0 0 29 2 ? *)", "cron(59 23 31 12 ? 2199)",
  ]) assert.doesNotThrow(() => parseScheduleExpression(e), e);
});

test("invalid expressions", () => {
  for (const e of [
    "", "rate()", "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(-1 minutes)", "rate(1.5 hours)", "rate(1  minute)",
    "rate(1 week)", "rate(1 second)", "rate(1 minute", "RATE(1 minute)", " rate(1 minute)", "cron(0 10 * * ?)", "cron(0 10 * * ? * *)",
    "cron(0 10 * * * *)", "cron(0 10 ? * ? *)", "cron(7 20 * * 1-7 *)", "cron(60 * * * ? *)", "cron(0 24 * * ? *)", "cron(0 0 32 * ? *)",
    "cron(0 0 0 * ? *)", "cron(0 0 * 13 ? *)", "cron(0 0 ? * 8 *)", "cron(0 0 ? * 0 *)", "cron(0 0 * * ? 1969)", "cron(0 0 * * ? 2200)",
    "cron(0/0 * * * ? *)", "cron(0 0 ? * 2#6 *)", "cron(0 0 ? * 2#1#1 *)", "cron(a * * * ? *)", "cron(0,,1 * * * ? *)", "cron(0  0 * * ? *)",
    "cron(0 0 1-2-3 * ? *)", "cron(15 12 ? * -1 *)", "cron(0 0 32W * ? *)", "cron(0 0 * JANUARY ? *)", "every 5 minutes", "cron(0/1 * * ? *)",
  ]) assert.throws(() => parseScheduleExpression(e), ScheduleExpressionError, e);
});

test("rate: every period from its anchor, strictly after the given time", () => {
  const anchor = at("2026-03-01T10:00:30Z");
  assert.deepEqual(series("rate(5 minutes)", "2026-03-01T10:00:30Z", 3, undefined, anchor), ["2026-03-01T10:05:30Z", "2026-03-01T10:10:30Z", "2026-03-01T10:15:30Z"]);
  assert.deepEqual(series("rate(1 day)", "2026-03-05T00:00:00Z", 1, undefined, anchor), ["2026-03-05T10:00:30Z"]);
  assert.equal(iso(nextFireTime(parseScheduleExpression("rate(1 hour)"), anchor - 1000, { anchor })), "2026-03-01T10:00:30Z");
});

test("cron: minutes, hours, steps and weekday ranges (UTC)", () => {
  assert.deepEqual(series("cron(0/15 * * * ? *)", "2026-01-01T00:07:00Z", 3), ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:45:00Z"]);
  assert.deepEqual(series("cron(0 10 * * ? *)", "2026-01-01T10:00:00Z", 2), ["2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"]);
  // 2026-01-02 is a Friday.
  assert.deepEqual(series("cron(0 18 ? * MON-FRI *)", "2026-01-02T17:00:00Z", 3), ["2026-01-02T18:00:00Z", "2026-01-05T18:00:00Z", "2026-01-06T18:00:00Z"]);
  assert.deepEqual(series("cron(0 0 ? * FRI-MON *)", "2026-01-02T01:00:00Z", 4), ["2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-09T00:00:00Z"]);
  assert.deepEqual(series("cron(1-31/30 1-1 ? * 1,7 *)", "2026-01-02T00:00:00Z", 3), ["2026-01-03T01:01:00Z", "2026-01-03T01:31:00Z", "2026-01-04T01:01:00Z"]);
});

test("cron: L, LW, nW, nL and # in their months", () => {
  assert.deepEqual(series("cron(0 0 L * ? *)", "2026-01-15T00:00:00Z", 3), ["2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z"]);
  assert.deepEqual(series("cron(0 0 L 2 ? *)", "2027-03-01T00:00:00Z", 2), ["2028-02-29T00:00:00Z", "2029-02-28T00:00:00Z"]);
  // May 2026 ends on a Sunday: its last weekday is Friday the 29th.
  assert.deepEqual(series("cron(0 0 LW 5 ? 2026)", "2026-01-01T00:00:00Z", 2), ["2026-05-29T00:00:00Z", undefined]);
  // 15 August 2026 is a Saturday → Friday 14; 1 August 2026 a Saturday → Monday 3 (not July 31).
  assert.deepEqual(series("cron(0 0 15W 8 ? 2026)", "2026-01-01T00:00:00Z", 1), ["2026-08-14T00:00:00Z"]);
  assert.deepEqual(series("cron(0 0 1W 8 ? 2026)", "2026-01-01T00:00:00Z", 1), ["2026-08-03T00:00:00Z"]);
  // 31 May 2026 is a Sunday: nearest weekday within May is Friday 29.
  assert.deepEqual(series("cron(0 0 31W 5 ? 2026)", "2026-01-01T00:00:00Z", 1), ["2026-05-29T00:00:00Z"]);
  // The last Friday (6L) and the first Monday (2#1) of each month.
  assert.deepEqual(series("cron(0 0 ? * 6L *)", "2026-01-01T00:00:00Z", 2), ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z"]);
  assert.deepEqual(series("cron(0 9 ? * 2#1 *)", "2026-01-01T00:00:00Z", 2), ["2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z"]);
  assert.deepEqual(series("cron(0 9 ? * MON#5 *)", "2026-01-01T00:00:00Z", 2), ["2026-03-30T09:00:00Z", "2026-06-29T09:00:00Z"]);
  // L alone in day-of-week: Saturday.
  assert.deepEqual(series("cron(0 0 ? * L *)", "2026-01-01T00:00:00Z", 1), ["2026-01-03T00:00:00Z"]);
});

test("cron: years, leap days, and schedules that never fire again", () => {
  assert.deepEqual(series("cron(0 0 29 2 ? *)", "2026-01-01T00:00:00Z", 2), ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]);
  assert.deepEqual(series("cron(0 0 1 JAN,JUL ? 2027-2028)", "2026-06-01T00:00:00Z", 5), ["2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z", "2028-01-01T00:00:00Z", "2028-07-01T00:00:00Z", undefined]);
  assert.deepEqual(series("cron(0 0 30 2 ? *)", "2026-01-01T00:00:00Z", 1), [undefined]);
  assert.deepEqual(series("cron(0 0 1 1 ? 2020)", "2026-01-01T00:00:00Z", 1), [undefined]);
  assert.deepEqual(series("cron(59 23 31 12 ? 2199)", "2199-12-31T23:58:00Z", 2), ["2199-12-31T23:59:00Z", undefined]);
});

test("a never-firing search is bounded (30 February from 1970 scans to 2199 quickly)", () => {
  const t0 = performance.now();
  assert.equal(nextFireTime(parseScheduleExpression("cron(0 0 30 2 ? *)"), 0), undefined);
  assert.equal(nextFireTime(parseScheduleExpression("cron(0/1 * 31 2,4,6,9,11 ? *)"), 0), undefined);
  assert.ok(performance.now() - t0 < 500);
});

test("time zones: wall-clock fields, daylight-saving gaps skipped, repeated hours fire once", () => {
  // New York: 8 March 2026 02:00 → 03:00 (the 02:30 of that day does not exist); 1 November 2026 02:00 → 01:00.
  assert.deepEqual(series("cron(30 2 * * ? *)", "2026-03-07T00:00:00Z", 3, "America/New_York"), ["2026-03-07T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]);
  assert.deepEqual(series("cron(30 1 * * ? *)", "2026-10-31T12:00:00Z", 3, "America/New_York"), ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"]);
  assert.deepEqual(series("cron(0 9 ? * MON *)", "2026-01-01T00:00:00Z", 1, "Asia/Kolkata"), ["2026-01-05T03:30:00Z"]);
  assert.deepEqual(series("cron(0 9 ? * MON *)", "2026-01-01T00:00:00Z", 1, "UTC"), ["2026-01-05T09:00:00Z"]);
});

test("at(): only when asked for (EventBridge Scheduler), a calendar time read in the zone, fires once", () => {
  assert.throws(() => parseScheduleExpression("at(2026-05-01T10:00:00)"), ScheduleExpressionError);
  const s = parseScheduleExpression("at(2026-05-01T10:00:30)", { at: true });
  assert.equal(nextFireTime(s, Date.UTC(2026, 0, 1)), Date.UTC(2026, 4, 1, 10, 0, 30));
  assert.equal(nextFireTime(s, Date.UTC(2026, 0, 1), { timeZone: "Asia/Tokyo" }), Date.UTC(2026, 4, 1, 1, 0, 30));
  assert.equal(nextFireTime(s, Date.UTC(2026, 4, 1, 10, 0, 30)), undefined);
  // A minute skipped by spring-forward (02:30 on 8 March 2026 in New York) is read with the offset before the change.
  const skipped = parseScheduleExpression("at(2026-03-08T02:30:00)", { at: true });
  assert.equal(nextFireTime(skipped, Date.UTC(2026, 0, 1), { timeZone: "America/New_York" }), Date.UTC(2026, 2, 8, 7, 30));
  for (const bad of ["at(2026-02-29T10:00:00)", "at(2026-05-01 10:00:00)", "at(2026-05-01T24:00:00)", "at(2026-5-01T10:00:00)", "at(2200-01-01T00:00:00)", "at()", "at(2026-05-01T10:00:0x)"]) {
    assert.throws(() => parseScheduleExpression(bad, { at: true }), ScheduleExpressionError, bad);
  }
});
