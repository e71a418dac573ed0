// Wildcard matching without regular expressions, so that a pattern chosen by a client cannot make a match take
// more than O(pattern × value) steps (issue 12: a RegExp built from `*a*a*a*a*a*a*a*b` backtracked for 35 s).

/**
 * An EventBridge/SNS `wildcard` pattern: `*` matches any run of characters (also none), everything else is
 * literal. The pattern is kept as its literal pieces between the stars.
 */
export interface Wildcard {
  /** The literal pieces; pieces.length = number of stars + 1. */
  pieces: string[];
}

/**
 * Parses a wildcard value. `\*` is a literal asterisk and `\\` a literal backslash (EventBridge "Wildcard
 * matching": escape characters in wildcard patterns); two unescaped stars in a row are refused ("Consecutive
 * wildcard characters at pos N", recorded against AWS in LocalStack's events snapshot
 * content_wildcard_repeating_star_EXC). Returns the error text or the parsed pattern.
 */
export function parseWildcard(text: string): Wildcard | string {
  const pieces: string[] = [];
  let cur = "";
  let lastStar = -2;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      const n = text[i + 1];
      if (n !== "*" && n !== "\\") return `Invalid escape character at pos ${i}`;
      cur += n;
      i++;
    } else if (c === "*") {
      if (lastStar === i - 1) return `Consecutive wildcard characters at pos ${i}`;
      lastStar = i;
      pieces.push(cur);
      cur = "";
    } else {
      cur += c;
    }
  }
  pieces.push(cur);
  return { pieces };
}

/**
 * Whether `value` matches: the first piece must be a prefix, the last a suffix, and the middle pieces must occur
 * in order in between. Taking each middle piece at its leftmost occurrence is always right for `*`-only patterns
 * (a later occurrence leaves less room for the rest), so there is no backtracking: at most one left-to-right scan
 * per piece, O(|value| × |pattern|) in the worst case and typically O(|value|).
 */
export function wildcardMatches(w: Wildcard, value: string): boolean {
  const p = w.pieces;
  if (p.length === 1) return value === p[0];
  const first = p[0];
  const last = p[p.length - 1];
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < p.length - 1; i++) {
    const piece = p[i];
    if (piece === "") continue;
    const at = value.indexOf(piece, pos);
    if (at < 0 || at + piece.length > end) return false;
    pos = at + piece.length;
  }
  return true;
}

/**
 * IAM glob (policy Action/Resource and the StringLike/ArnLike condition operators): `*` matches any run of
 * characters, `?` exactly one (IAM JSON policy elements: Resource, "wildcards"). Two pointers with one
 * remembered star: on a mismatch the last star absorbs one more character and matching resumes after it.
 * Earlier stars never need revisiting, so the cost is O(|pattern| × |value|) at worst, with no recursion.
 */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const s = ignoreCase ? value.toLowerCase() : value;
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < s.length) {
    if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (i < p.length && (p[i] === "?" || p[i] === s[j])) {
      i++;
      j++;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else {
      return false;
    }
  }
  while (i < p.length && p[i] === "*") i++;
  return i === p.length;
}
