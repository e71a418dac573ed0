// EventBridge event patterns on the shared matcher (EventBridge user guide: "Amazon EventBridge event patterns",
// "Content filtering in event patterns", "Comparison operators for use in event patterns"). The API EventBridge
// uses: compileEventPattern (throws PatternError carrying AWS's code and message) and matchesEvent.
import { compile, flatLookup, matches, PatternError, type Compiled } from "./matcher.ts";

export { PatternError };

/** A compiled event pattern; opaque to callers. */
export type EventPattern = Compiled & { readonly eventPattern: true };

/** PutRule's EventPattern is at most 4096 characters (PutRule API reference, Length Constraints); the default quota is 2048 ("Amazon EventBridge quotas", Event pattern size). */
export const MAX_EVENT_PATTERN_CHARS = 4096;
/** Object nesting accepted: a Mailroom limit (AWS documents none; a 4096-character pattern cannot nest past ~1000). */
export const MAX_EVENT_PATTERN_DEPTH = 32;

const REASON = "Event pattern is not valid. Reason: ";
const CODE = "InvalidEventPatternException";

/**
 * Parses and validates an event pattern. Throws PatternError whose `code` is the AWS error code
 * (InvalidEventPatternException, or ValidationException for the length constraint) and whose message is AWS's.
 */
export function compileEventPattern(text: string, maxChars = MAX_EVENT_PATTERN_CHARS): EventPattern {
  if (text.length > maxChars) {
    // The request-validation wording AWS uses for a member over its length constraint.
    throw new PatternError(`1 validation error detected: Value at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to ${maxChars}`, "ValidationException");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new PatternError(`${REASON}${jsonReason(text)}`, CODE);
  }
  // A pattern that is JSON but not an object (AWS-recorded: LocalStack events snapshot test_invalid_json_event_pattern).
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new PatternError(`${REASON}Filter is not an object`, CODE);
  try {
    const compiled = compile(raw as Record<string, unknown>, { prefix: REASON, dialect: "eventbridge", maxDepth: MAX_EVENT_PATTERN_DEPTH, maxNumber: 5e9 });
    return compiled as EventPattern;
  } catch (e) {
    if (e instanceof PatternError) throw new PatternError(e.message, CODE);
    throw e;
  }
}

/**
 * The first line of the JSON parser message AWS answers for unparsable JSON (AWS-recorded: LocalStack events
 * snapshot test_invalid_json_event_pattern), for the common cases: a single-quoted key, a bare word, or else
 * the end of input.
 */
function jsonReason(text: string): string {
  if (/^\s*\{\s*'/.test(text)) return "Unexpected character (''' (code 39)): was expecting double-quote to start field name";
  const word = /^[\s{[,:]*([A-Za-z_]+)/.exec(text.replace(/"(?:[^"\\]|\\.)*"/g, ""));
  if (word) return `Unrecognized token '${word[1]}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`;
  return "Unexpected end-of-input";
}

/** Whether `event` (a parsed JSON object, or its text) matches the pattern. Linear in the event plus the pattern. */
export function matchesEvent(pattern: EventPattern, event: unknown): boolean {
  let doc = event;
  if (typeof event === "string") {
    try {
      doc = JSON.parse(event);
    } catch {
      return false;
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return false;
  return matches(pattern, flatLookup(doc));
}
