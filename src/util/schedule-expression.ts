// AWS schedule expressions, pure: parsing `rate(value unit)` and the six-field `cron(minutes hours day-of-month
// month day-of-week year)` of EventBridge scheduled rules (EventBridge user guide, "Using cron and rate expressions
// to schedule rules", and "Rate expressions"), and the next time one fires after a given instant. EventBridge rules
// run in UTC; EventBridge Scheduler adds a time zone, so every computation takes an IANA zone (default UTC).
//
// Linear and bounded: a cron field is expanded into a small set of values (at most 60) when parsed, and the search
// for the next firing walks calendar days, skipping whole months and years that cannot match, up to the last year
// AWS accepts (2199). No RegExp is built from the expression's text.

export class ScheduleExpressionError extends Error {}

export type RateUnit = "minute" | "hour" | "day";

export interface RateSchedule {
  kind: "rate";
  value: number;
  unit: RateUnit;
  /** The period in milliseconds. */
  everyMs: number;
}

/** A day-of-month rule: a set of days, the last day (L), the last weekday (LW), or the weekday nearest a day (nW). */
type DomSpec = { t: "any" } | { t: "set"; days: Set<number> } | { t: "last" } | { t: "lastWeekday" } | { t: "nearestWeekday"; day: number };
/** A day-of-week rule (1 = Sunday … 7 = Saturday): a set, the last such weekday of the month (nL), or the nth one (d#n). */
type DowSpec = { t: "any" } | { t: "set"; days: Set<number> } | { t: "last"; day: number } | { t: "nth"; day: number; n: number };

export interface CronSchedule {
  kind: "cron";
  minutes: number[];
  hours: number[];
  dom: DomSpec;
  months: Set<number>;
  dow: DowSpec;
  /** Years accepted; undefined: every year (1970-2199). */
  years?: Set<number>;
}

/** A one-time schedule (EventBridge Scheduler only): `at(yyyy-mm-ddThh:mm:ss)`, a wall-clock time in the schedule's zone. */
export interface AtSchedule {
  kind: "at";
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

export type Schedule = RateSchedule | CronSchedule | AtSchedule;

/** The years a cron expression may name (user guide: Year 1970-2199). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const UNIT_MS: Record<RateUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const fail = (why: string): never => {
  throw new ScheduleExpressionError(why);
};

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 9) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57) return false;
  return true;
}

/**
 * Parses a schedule expression. Throws ScheduleExpressionError with the reason; EventBridge answers every reason
 * with one message (PutRule: ValidationException "Parameter ScheduleExpression is not valid.").
 */
export function parseScheduleExpression(text: string, opts: { at?: boolean } = {}): Schedule {
  if (typeof text !== "string") return fail("not a string");
  if (text.startsWith("rate(") && text.endsWith(")")) return parseRate(text.slice(5, -1));
  if (text.startsWith("cron(") && text.endsWith(")")) return parseCron(text.slice(5, -1));
  if (opts.at && text.startsWith("at(") && text.endsWith(")")) return parseAt(text.slice(3, -1));
  return fail(opts.at ? "has to be 'at()', 'cron()' or 'rate()'" : "has to be either 'cron()' or 'rate()'");
}

/**
 * at(yyyy-mm-ddThh:mm:ss): EventBridge Scheduler's one-time schedules (Scheduler user guide, "Schedule types",
 * One-time schedules: "at(yyyy-mm-ddThh:mm:ss)"), a date that exists in the calendar, years as cron allows.
 */
function parseAt(body: string): AtSchedule {
  if (body.length !== 19 || body[4] !== "-" || body[7] !== "-" || body[10] !== "T" || body[13] !== ":" || body[16] !== ":") return fail("at needs yyyy-mm-ddThh:mm:ss");
  const num = (from: number, to: number) => {
    const t = body.slice(from, to);
    if (!isDigits(t)) return fail("at needs yyyy-mm-ddThh:mm:ss");
    return Number(t);
  };
  const y = num(0, 4), mo = num(5, 7), d = num(8, 10), h = num(11, 13), mi = num(14, 16), s = num(17, 19);
  if (y < MIN_YEAR || y > MAX_YEAR || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return fail("at names a time that does not exist");
  return { kind: "at", y, mo, d, h, mi, s };
}

/**
 * rate(value unit): a positive whole number and minute(s), hour(s) or day(s); the unit is singular for 1 and plural
 * otherwise (user guide, "Rate expressions": "If the value is equal to 1, then the unit must be singular").
 */
function parseRate(body: string): RateSchedule {
  const parts = body.split(" ");
  if (parts.length !== 2) return fail("rate needs a value and a unit separated by one space");
  const [v, u] = parts;
  if (!isDigits(v)) return fail("the rate value must be a positive whole number");
  const value = Number(v);
  if (value < 1) return fail("the rate value must be positive");
  const singular = (["minute", "hour", "day"] as const).find((x) => x === u);
  const plural = (["minutes", "hours", "days"] as const).find((x) => x === u);
  if (!singular && !plural) return fail("the rate unit must be minute(s), hour(s) or day(s)");
  if (value === 1 && !singular) return fail("a rate of 1 takes a singular unit");
  if (value !== 1 && !plural) return fail("a rate other than 1 takes a plural unit");
  const unit = (singular ?? (plural as string).slice(0, -1)) as RateUnit;
  return { kind: "rate", value, unit, everyMs: value * UNIT_MS[unit] };
}

/** A number or a name (JAN, MON) within [min, max]. */
function atom(s: string, min: number, max: number, names?: string[]): number {
  let n: number;
  if (isDigits(s)) n = Number(s);
  else {
    const i = names ? names.indexOf(s.toUpperCase()) : -1;
    if (i < 0) return fail(`'${s}' is not a value of the field`);
    n = i + 1;
  }
  if (n < min || n > max) return fail(`${n} is outside ${min}-${max}`);
  return n;
}

/**
 * A list field: comma-separated items, each `*`, a value, a range `a-b`, or either with a step `/n` (`*` or `a` with a
 * step starts at a and runs to the field's maximum; user guide: "0/15", "1/10"). Returns the sorted values.
 */
function listField(field: string, min: number, max: number, names?: string[]): number[] {
  const out = new Set<number>();
  for (const item of field.split(",")) {
    if (item === "") return fail("empty list item");
    const slash = item.split("/");
    if (slash.length > 2) return fail("more than one '/'");
    let step = 1;
    if (slash.length === 2) {
      if (!isDigits(slash[1])) return fail("the step must be a whole number");
      step = Number(slash[1]);
      if (step < 1) return fail("the step must be positive");
    }
    const range = slash[0];
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = min;
      hi = max;
    } else {
      const dash = range.split("-");
      if (dash.length > 2) return fail("more than one '-'");
      lo = atom(dash[0], min, max, names);
      hi = dash.length === 2 ? atom(dash[1], min, max, names) : slash.length === 2 ? max : lo;
    }
    if (hi >= lo) {
      for (let v = lo; v <= hi; v += step) out.add(v);
    } else {
      // A wrapping range (FRI-MON, 22-2) runs past the maximum back to the minimum.
      const size = max - min + 1;
      const length = hi - lo + size + 1;
      for (let i = 0; i < length; i += step) out.add(min + ((lo - min + i) % size));
    }
  }
  return [...out].sort((a, b) => a - b);
}

function parseCron(body: string): CronSchedule {
  const f = body.split(" ");
  if (f.length !== 6) return fail("cron needs six fields separated by single spaces");
  const [mi, h, dom, mo, dow, y] = f;
  // One of day-of-month and day-of-week must be '?' (user guide: "You can't specify the Day-of-month and Day-of-week
  // fields in the same cron expression. If you specify a value or a * in one of the fields, you must use a ? in the other").
  if ((dom === "?") === (dow === "?")) return fail("exactly one of day-of-month and day-of-week must be '?'");
  const schedule: CronSchedule = {
    kind: "cron",
    minutes: listField(mi, 0, 59),
    hours: listField(h, 0, 23),
    dom: parseDom(dom),
    months: new Set(listField(mo, 1, 12, MONTHS)),
    dow: parseDow(dow),
    years: y === "*" ? undefined : new Set(listField(y, MIN_YEAR, MAX_YEAR)),
  };
  return schedule;
}

function parseDom(s: string): DomSpec {
  if (s === "?" || s === "*") return { t: "any" };
  // L: the last day of the month; LW: its last weekday; nW: the weekday nearest day n (user guide, Wildcards: "The L
  // wildcard in the Day-of-month ... specifies the last day of the month", "The W wildcard ... specifies a weekday").
  if (s === "L") return { t: "last" };
  if (s === "LW") return { t: "lastWeekday" };
  if (s.endsWith("W")) return { t: "nearestWeekday", day: atom(s.slice(0, -1), 1, 31) };
  return { t: "set", days: new Set(listField(s, 1, 31)) };
}

function parseDow(s: string): DowSpec {
  if (s === "?" || s === "*") return { t: "any" };
  // L alone is the last day of the week, Saturday; nL the last weekday n of the month; d#n the nth weekday d of the
  // month (user guide, Wildcards: "3#2 ... the second Tuesday of the month"; "#" takes 1-5).
  if (s === "L") return { t: "set", days: new Set([7]) };
  if (s.length > 1 && s.endsWith("L")) return { t: "last", day: atom(s.slice(0, -1), 1, 7, DAYS) };
  const hash = s.split("#");
  if (hash.length === 2) return { t: "nth", day: atom(hash[0], 1, 7, DAYS), n: atom(hash[1], 1, 5) };
  if (hash.length > 2) return fail("more than one '#'");
  return { t: "set", days: new Set(listField(s, 1, 7, DAYS)) };
}

// ---- time zones: wall-clock fields of an instant, and the instant of wall-clock fields -------------------------

interface Wall {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    if (formatters.size > 500) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at `ms`, in ms (wall clock − UTC). */
function offsetAt(ms: number, zone: string): number {
  if (zone === "UTC") return 0;
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

function wallOf(ms: number, zone: string): Wall {
  const d = new Date(ms + offsetAt(ms, zone));
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes() };
}

/**
 * The instant of a wall-clock minute in the zone, or undefined when that minute does not exist there (skipped by a
 * daylight-saving change). An ambiguous minute (repeated when clocks go back) is its first occurrence.
 */
function instantOf(w: Wall, zone: string): number | undefined {
  const naive = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
  if (zone === "UTC") return naive;
  // The earlier of the offsets around the naive time gives the first occurrence.
  const candidates = [naive - offsetAt(naive - 86_400_000, zone), naive - offsetAt(naive + 86_400_000, zone), naive - offsetAt(naive, zone)];
  let best: number | undefined;
  for (const c of candidates) {
    const back = wallOf(c, zone);
    if (back.y === w.y && back.mo === w.mo && back.d === w.d && back.h === w.h && back.mi === w.mi && (best === undefined || c < best)) best = c;
  }
  return best;
}

// ---- next firing --------------------------------------------------------------------------------------------

const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();
/** 1 = Sunday … 7 = Saturday. */
const weekday = (y: number, mo: number, d: number) => new Date(Date.UTC(y, mo - 1, d)).getUTCDay() + 1;

function domMatches(s: DomSpec, y: number, mo: number, d: number): boolean {
  switch (s.t) {
    case "any":
      return true;
    case "set":
      return s.days.has(d);
    case "last":
      return d === daysIn(y, mo);
    case "lastWeekday": {
      let last = daysIn(y, mo);
      while (weekday(y, mo, last) === 1 || weekday(y, mo, last) === 7) last--;
      return d === last;
    }
    case "nearestWeekday": {
      // The weekday nearest the day, within the month (a Saturday the 1st moves to Monday the 3rd, a Sunday the
      // last to the Friday before); a day past the month's end never matches.
      const n = daysIn(y, mo);
      if (s.day > n) return false;
      let target = s.day;
      const wd = weekday(y, mo, target);
      if (wd === 7) target = target === 1 ? 3 : target - 1;
      else if (wd === 1) target = target === n ? target - 2 : target + 1;
      return d === target;
    }
  }
}

function dowMatches(s: DowSpec, y: number, mo: number, d: number): boolean {
  const wd = weekday(y, mo, d);
  switch (s.t) {
    case "any":
      return true;
    case "set":
      return s.days.has(wd);
    case "last":
      return wd === s.day && d + 7 > daysIn(y, mo);
    case "nth":
      return wd === s.day && Math.ceil(d / 7) === s.n;
  }
}

export interface NextOptions {
  /** IANA time zone the cron fields are read in (default UTC). */
  timeZone?: string;
  /** A rate's anchor: it fires at anchor + k × period (EventBridge: the rule's creation; "Rate expressions start when you create the scheduled event rule"). */
  anchor?: number;
}

/**
 * The first time strictly after `after` (epoch ms) at which the schedule fires, at a whole minute for cron; undefined
 * when it never fires again (a cron whose years have passed, or a date that never exists, such as 30 February).
 */
export function nextFireTime(s: Schedule, after: number, opts: NextOptions = {}): number | undefined {
  if (s.kind === "at") {
    const zone = opts.timeZone ?? "UTC";
    // A wall-clock minute skipped by a daylight-saving change is read with the offset before the change (it falls
    // in the hour after it), so a one-time schedule still fires once.
    const at = (instantOf(s, zone) ?? Date.UTC(s.y, s.mo - 1, s.d, s.h, s.mi) - offsetAt(Date.UTC(s.y, s.mo - 1, s.d, s.h, s.mi) - 86_400_000, zone)) + s.s * 1000;
    return at > after ? at : undefined;
  }
  if (s.kind === "rate") {
    const anchor = opts.anchor ?? 0;
    if (after < anchor) return anchor;
    return anchor + (Math.floor((after - anchor) / s.everyMs) + 1) * s.everyMs;
  }
  const zone = opts.timeZone ?? "UTC";
  const start = wallOf(after, zone);
  let y = start.y;
  let mo = start.mo;
  let d = start.d;
  let first = true;
  while (y <= MAX_YEAR) {
    if ((s.years && !s.years.has(y)) || y < MIN_YEAR) {
      y++;
      mo = 1;
      d = 1;
      first = false;
      continue;
    }
    if (!s.months.has(mo)) {
      if (++mo > 12) {
        mo = 1;
        y++;
      }
      d = 1;
      first = false;
      continue;
    }
    if (d > daysIn(y, mo)) {
      if (++mo > 12) {
        mo = 1;
        y++;
      }
      d = 1;
      continue;
    }
    if (domMatches(s.dom, y, mo, d) && dowMatches(s.dow, y, mo, d)) {
      for (const h of s.hours) {
        if (first && h < start.h) continue;
        for (const mi of s.minutes) {
          if (first && h === start.h && mi < start.mi) continue;
          const at = instantOf({ y, mo, d, h, mi }, zone);
          if (at !== undefined && at > after) return at;
        }
      }
    }
    d++;
    first = false;
  }
  return undefined;
}
