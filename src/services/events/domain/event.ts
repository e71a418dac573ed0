// PutEvents entries: their size, the per-entry checks AWS answers in Entries[].ErrorCode, and the event EventBridge
// forms from an entry (EventBridge user guide, "Amazon EventBridge events": version, id, detail-type, source,
// account, time, region, resources, detail). What a target receives is domain/transform.ts.

/** PutEvents' total entry size limit, 256 KiB (PutEvents API reference; "Calculating PutEvents event entry size"). */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

export interface Entry {
  Time?: Date;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

/**
 * An entry's size as the user guide computes it ("Calculating Amazon EventBridge PutEvents event entry size"): 14
 * bytes for Time when given, plus the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function entrySize(e: Entry): number {
  let n = e.Time ? 14 : 0;
  if (e.Source) n += Buffer.byteLength(e.Source, "utf8");
  if (e.DetailType) n += Buffer.byteLength(e.DetailType, "utf8");
  if (e.Detail) n += Buffer.byteLength(e.Detail, "utf8");
  for (const s of e.Resources ?? []) if (s) n += Buffer.byteLength(s, "utf8");
  return n;
}

/** How deep a Detail may nest (objects and arrays), a Mailroom limit (docs/limits.md). */
export const MAX_DETAIL_DEPTH = 1000;

/** Whether a parsed JSON value nests objects and arrays deeper than `left` levels; stops at the limit. */
function tooDeep(value: unknown, left: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (left === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (tooDeep(value[i], left - 1)) return true;
    return false;
  }
  for (const k in value as Record<string, unknown>) if (tooDeep((value as Record<string, unknown>)[k], left - 1)) return true;
  return false;
}

/** The deepest nesting of objects and arrays in JSON text, counted in one pass (brackets inside strings do not count). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth--;
  }
  return max;
}

export interface EntryError {
  ErrorCode: string;
  ErrorMessage: string;
}

/**
 * The per-entry error of an entry AWS does not accept, or its parsed Detail. Codes and wording recorded against AWS
 * (LocalStack events snapshots test_put_events_without_source, test_put_event_without_detail_type,
 * test_put_event_without_detail, test_put_event_malformed_detail: a string, an array or unparsable JSON).
 */
export function checkEntry(e: Entry): { error: EntryError } | { detail: Record<string, unknown> } {
  const required = (name: string): { error: EntryError } => ({
    error: { ErrorCode: "InvalidArgument", ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.` },
  });
  if (!e.Source) return required("Source");
  if (!e.DetailType) return required("DetailType");
  if (!e.Detail) return required("Detail");
  let detail: unknown;
  try {
    // JSON.parse is not recursive in V8: any depth parses (or fails) without overflowing the stack.
    detail = JSON.parse(e.Detail);
  } catch {
    detail = undefined;
  }
  // A Mailroom bound: Detail nests at most MAX_DETAIL_DEPTH levels (deeper documents overflow the stack of the code
  // that matches, serialises and transforms events); deeper ones are answered as malformed. Checked on the parsed
  // value, which visits objects and arrays only (a scan of the text visits every character of a 1 KiB string).
  if (typeof detail !== "object" || detail === null || Array.isArray(detail) || tooDeep(detail, MAX_DETAIL_DEPTH)) {
    return { error: { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." } };
  }
  // Sources starting with "aws." are reserved for AWS services (PutEvents API reference, PutEventsRequestEntry
  // Source: "reserved ... aws."; error code NotAuthorizedForSourceException in the PutEvents Errors section).
  if (e.Source.startsWith("aws.")) return { error: { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." } };
  return { detail: detail as Record<string, unknown> };
}

/** The event's time: whole seconds in ISO 8601 UTC, as EventBridge writes it ("2019-12-10T18:42:54Z"). */
export function eventTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Every entry of a request (and most of a busy second) has the same time: format it once.
  if (second !== lastSecond) {
    lastSecond = second;
    lastTime = new Date(second * 1000).toISOString().replace(/\.000Z$/, "Z");
  }
  return lastTime;
}
let lastSecond = Number.NaN;
let lastTime = "";

export interface FormedEvent {
  version: "0";
  id: string;
  "detail-type": string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export function formEvent(id: string, e: Entry, detail: Record<string, unknown>, account: string, region: string, now: number): FormedEvent {
  return {
    version: "0", id, "detail-type": e.DetailType as string, source: e.Source as string, account,
    time: eventTime(e.Time ? e.Time.getTime() : now), region, resources: e.Resources ?? [], detail,
  };
}
