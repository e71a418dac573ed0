// Choice rule evaluation (States Language "Choice Rules"): every comparison operator and its Path form,
// StringMatches with "*" wildcards ("\*" and "\\" escapes), the type tests, And/Or/Not.
import { parseTimestamp, type Json } from "./definition.ts";
import { type Context, select, type Vars } from "./paths.ts";
import { wildcardMatches } from "../../../patterns/wildcard.ts";

function variable(path: string, input: Json, context: Context, vars?: Vars): { present: boolean; value?: Json } {
  try {
    return { present: true, value: select(path, input, context, vars) };
  } catch {
    return { present: false };
  }
}

/**
 * StringMatches: `*` matches any run of characters, a backslash makes the next character literal. Matched without a
 * RegExp, in time linear in pattern × value, so `*a*a*a*a*a*a*a*b` cannot backtrack (DESIGN.md §9, patterns/wildcard.ts).
 */
function matches(value: string, pattern: string): boolean {
  const pieces: string[] = [];
  let cur = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) cur += pattern[++i];
    else if (c === "*") {
      pieces.push(cur);
      cur = "";
    } else cur += c;
  }
  pieces.push(cur);
  return wildcardMatches({ pieces }, value);
}

function compare(kind: string, rel: string, a: Json, b: Json): boolean {
  let x: number | string;
  let y: number | string;
  if (kind === "String") {
    if (typeof a !== "string" || typeof b !== "string") return false;
    x = a; y = b;
  } else if (kind === "Numeric") {
    if (typeof a !== "number" || typeof b !== "number") return false;
    x = a; y = b;
  } else if (kind === "Timestamp") {
    const ta = typeof a === "string" ? parseTimestamp(a) : undefined;
    const tb = typeof b === "string" ? parseTimestamp(b) : undefined;
    if (ta === undefined || tb === undefined) return false;
    x = ta; y = tb;
  } else {
    return typeof a === "boolean" && a === b;
  }
  switch (rel) {
    case "Equals": return x === y;
    case "LessThan": return x < y;
    case "GreaterThan": return x > y;
    case "LessThanEquals": return x <= y;
    case "GreaterThanEquals": return x >= y;
  }
  return false;
}

/** A comparison rule read once: its operator, and for the comparison operators their kind, relation and Path form. */
interface CompiledRule { op: string; kind?: string; rel?: string; path?: boolean }
const compiledRules = new WeakMap<Record<string, Json>, CompiledRule>();

function compileRule(rule: Record<string, Json>): CompiledRule {
  let c = compiledRules.get(rule);
  if (c) return c;
  const op = Object.keys(rule).find((k) => k !== "Next" && k !== "Variable" && k !== "Comment" && k !== "Assign")!;
  c = { op };
  const m = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/.exec(op);
  if (m) c = { op, kind: m[1], rel: m[2], path: m[3] !== undefined };
  compiledRules.set(rule, c);
  return c;
}

export function evaluateRule(rule: Record<string, Json>, input: Json, context: Context, vars?: Vars): boolean {
  if (Array.isArray(rule.And)) return rule.And.every((r) => evaluateRule(r as Record<string, Json>, input, context, vars));
  if (Array.isArray(rule.Or)) return rule.Or.some((r) => evaluateRule(r as Record<string, Json>, input, context, vars));
  if (rule.Not !== undefined) return !evaluateRule(rule.Not as Record<string, Json>, input, context, vars);
  const c = compileRule(rule);
  const op = c.op;
  const v = variable(rule.Variable as string, input, context, vars);
  const arg = rule[op];
  if (op === "IsPresent") return v.present === arg;
  if (!v.present) {
    // A missing Variable is a runtime error, except for IsPresent (States Language "Choice Rules").
    select(rule.Variable as string, input, context, vars);
  }
  const value = v.value as Json;
  switch (op) {
    case "IsNull": return (value === null) === arg;
    case "IsNumeric": return (typeof value === "number") === arg;
    case "IsString": return (typeof value === "string") === arg;
    case "IsBoolean": return (typeof value === "boolean") === arg;
    case "IsTimestamp": return (typeof value === "string" && parseTimestamp(value) !== undefined) === arg;
    case "StringMatches": return typeof value === "string" && matches(value, arg as string);
  }
  if (c.kind === undefined) throw new Error(`Unknown Choice rule operator ${op}`);
  const other = c.path ? select(arg as string, input, context, vars) : arg;
  return compare(c.kind!, c.rel!, value, other);
}
