// SNS filter policies on top of the shared matcher: parse and validate a policy as SNS does (AWS's error
// wording, the 5-key and 150-combination limits of "Filter policy constraints in Amazon SNS"), and match it
// against message attributes (flat; String, String.Array and Number types) or a JSON message body (nested).
import { compile, flatLookup, leaves, matches, PatternError, type Compiled, type Lookup } from "./matcher.ts";

export { PatternError };
export type FilterScope = "MessageAttributes" | "MessageBody";

export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Buffer;
}

const MAX_KEYS = 5; // "A filter policy can have a maximum of five keys."
const MAX_COMBINATIONS = 150; // "The total combination of values in a filter policy must not exceed 150."
const MAX_BYTES = 256 * 1024; // "The maximum size of a filter policy is 256 KB."
/** Object nesting accepted in a body-scope policy: a Mailroom limit (AWS documents none), far above real policies. */
export const MAX_FILTER_POLICY_DEPTH = 32;

/** A string's UTF-8 length (as Buffer.byteLength; no Buffer, so the web console can bundle this file: ADR 0032). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // other BMP characters, and lone surrogates (encoded as U+FFFD, 3 bytes)
  }
  return n;
}

/** Validates a policy; throws PatternError with AWS's message (the text after "Invalid parameter: "). */
export function checkFilterPolicy(json: string, scope: FilterScope): Compiled {
  if (utf8Length(json) > MAX_BYTES) throw new PatternError("FilterPolicy: Filter policy is too large");
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new PatternError("FilterPolicy: failed to parse JSON. Unexpected character");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new PatternError("FilterPolicy: Filter policy must be a JSON object");
  // Parsed into a tree with keys and combinations counted arithmetically: nothing is expanded (ADR 0013).
  const compiled = compile(raw as Record<string, unknown>, { prefix: "FilterPolicy: ", dialect: "sns", maxDepth: MAX_FILTER_POLICY_DEPTH, maxNumber: 1e9 });
  if (scope === "MessageAttributes" && compiled.nested) {
    // AWS wording as LocalStack's and moto's SNS filter-policy validators reproduce it.
    throw new PatternError("Filter policy scope MessageAttributes does not support nested filter policy");
  }
  if (compiled.keys > MAX_KEYS) throw new PatternError("FilterPolicy: Filter policy can not have more than 5 keys");
  if (compiled.combinations > MAX_COMBINATIONS) throw new PatternError("FilterPolicy: Filter policy is too complex");
  return compiled;
}

/**
 * Compiles a policy that is already stored, for matching: the policy as checkFilterPolicy accepts it, or, when a
 * policy stored under older and looser rules is refused now (e.g. more combinations than the nesting-aware count
 * allows, or an anything-but suffix), the same policy without SNS's limits and operator restrictions, so that
 * Publish keeps filtering as before instead of failing. Undefined when the policy cannot be compiled at all.
 */
export function compileStoredFilterPolicy(json: string, scope: FilterScope): Compiled | undefined {
  try {
    return checkFilterPolicy(json, scope);
  } catch (e) {
    if (!(e instanceof PatternError)) throw e;
  }
  try {
    const raw: unknown = JSON.parse(json);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
    return compile(raw as Record<string, unknown>, { prefix: "", dialect: "eventbridge", maxDepth: MAX_FILTER_POLICY_DEPTH, maxNumber: Number.MAX_VALUE });
  } catch {
    return undefined;
  }
}

/** Message attributes as filter values: Binary attributes are ignored, String.Array is a list (SNS attribute-based filtering). */
function attributeLookup(attrs: Record<string, AttributeValue> | undefined): Lookup {
  return (path) => {
    if (path.length !== 1 || !attrs || !Object.prototype.hasOwnProperty.call(attrs, path[0])) return [];
    const a = attrs[path[0]];
    if (!a || a.DataType.startsWith("Binary")) return [];
    const s = a.StringValue ?? "";
    if (a.DataType.startsWith("Number")) return [Number(s)];
    if (a.DataType.startsWith("String.Array")) {
      try {
        const v = JSON.parse(s);
        if (Array.isArray(v)) return leaves(v);
      } catch {
        // An unparsable array is matched as its plain string.
      }
    }
    return [s];
  };
}

export function matchesAttributes(policy: Compiled, attrs: Record<string, AttributeValue> | undefined): boolean {
  return matches(policy, attributeLookup(attrs));
}

/** Body scope: a message that is not a JSON object matches no policy (payload-based filtering docs). */
export function matchesBody(policy: Compiled, message: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  return matches(policy, flatLookup(body));
}
