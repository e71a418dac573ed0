// PutEvents entries: their size, the per-entry checks AWS answers in Entries[].ErrorCode, and the event EventBridge
// forms from an entry (EventBridge user guide, "Amazon EventBridge events": version, id, detail-type, source,
// account, time, region, resources, detail); what a target receives (Input, InputPath).

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
  for (const s of [e.Source, e.DetailType, e.Detail, ...(e.Resources ?? [])]) if (s) n += Buffer.byteLength(s, "utf8");
  return n;
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
    detail = JSON.parse(e.Detail);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
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

/**
 * What a target receives: the constant Input, the part of the event InputPath selects (JSONPath), or the whole
 * event (PutTargets API reference, Target Input / InputPath). Undefined when InputPath selects nothing.
 */
export function targetBody(event: FormedEvent, input?: string, inputPath?: string): string | undefined {
  if (input !== undefined) return input;
  if (inputPath === undefined) return JSON.stringify(event);
  let at: unknown = event;
  for (const step of parseInputPath(inputPath) ?? []) {
    if (at === null || typeof at !== "object") return undefined;
    if (typeof step === "number") {
      if (!Array.isArray(at)) return undefined;
      at = at[step];
    } else {
      if (Array.isArray(at) || !Object.prototype.hasOwnProperty.call(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at === undefined ? undefined : JSON.stringify(at);
}

/**
 * The steps of an InputPath: `$` then `.name`, `['name']`/`["name"]` or `[index]` (at most 256 characters, the
 * InputPath length constraint). Filters, wildcards and recursive descent select several values, which a single
 * target body cannot carry: undefined (refused by PutTargets).
 */
export function parseInputPath(path: string): (string | number)[] | undefined {
  if (path.length > 256 || !path.startsWith("$")) return undefined;
  const steps: (string | number)[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    let m = /^\.([A-Za-z0-9_$@-]+)/.exec(rest);
    if (m) {
      steps.push(m[1]);
    } else if ((m = /^\[(\d+)\]/.exec(rest))) {
      steps.push(Number(m[1]));
    } else if ((m = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest) ?? /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) {
      steps.push(m[1].replace(/\\(.)/g, "$1"));
    } else {
      return undefined;
    }
    i += m[0].length;
  }
  return steps;
}
