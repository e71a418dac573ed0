// The matcher shared by SNS filter policies and EventBridge event patterns. A pattern is a JSON object whose
// leaves are arrays of conditions: exact strings/numbers/booleans/null, prefix, suffix (both also with
// equals-ignore-case), equals-ignore-case, anything-but (values, prefix, suffix, wildcard, equals-ignore-case),
// numeric ranges, exists, cidr and wildcard, with `$or` at any level (SNS "Filter policy matching", EventBridge
// "Content filtering in event patterns" and "Comparison operators for use in event patterns").
//
// Safety (issue 12, ADR 0013): the pattern is parsed once into a tree and never expanded. `$or` stays an OR node
// (its branches are tried at match time), so a policy's size bounds the work to compile it and to match it;
// the AWS limits that speak of combinations (SNS's 150) are counted arithmetically on the tree. Nesting is
// bounded while parsing, before recursing further. Wildcards use the piece matcher in wildcard.ts: no RegExp is
// ever built from pattern text.
import { ipInRange, parseCidr, type CidrRange } from "./cidr.ts";
import { parseWildcard, wildcardMatches, type Wildcard } from "./wildcard.ts";

export class PatternError extends Error {
  /** The AWS error code the caller should answer with, when it is not the caller's usual one. */
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

export type Cond =
  | { t: "exact"; v: string | number | boolean | null }
  | { t: "prefix"; v: string; ci?: boolean }
  | { t: "suffix"; v: string; ci?: boolean }
  | { t: "ieq"; v: string }
  | { t: "not"; of: Cond[] }
  | { t: "numeric"; ops: [string, number][] }
  | { t: "exists"; v: boolean }
  | { t: "cidr"; range: CidrRange }
  | { t: "wildcard"; w: Wildcard };

/** One object level of a pattern: every field must match (AND). */
export interface PatternNode {
  fields: Field[];
}

export type Field =
  | { kind: "leaf"; path: string[]; conds: Cond[] }
  | { kind: "object"; node: PatternNode }
  | { kind: "or"; alternatives: PatternNode[] };

export interface Compiled {
  root: PatternNode;
  /** Whether some key holds an object (a nested pattern). */
  nested: boolean;
  /**
   * SNS keys: the top-level keys one `$or` alternative can require (counted, not expanded). A nested object counts
   * as its one parent key ("For a nested policy, only parent keys are counted", SNS "Filter policy constraints").
   */
  keys: number;
  /** SNS combinations: per leaf its values × its nesting depth, multiplied across keys; `$or` branches add. */
  combinations: number;
  /** Object nesting depth of the deepest leaf ($or levels included). */
  depth: number;
}

/** The values found at a path: leaves (arrays are flattened into their elements); empty when none. */
export type Lookup = (path: string[]) => unknown[];

export type Dialect = "sns" | "eventbridge";

export interface CompileOptions {
  /** Put before every error message: "FilterPolicy: " for SNS, "Event pattern is not valid. Reason: " for EventBridge. */
  prefix: string;
  dialect: Dialect;
  /** Deepest object nesting accepted (a Mailroom limit; AWS documents none); checked before recursing. */
  maxDepth: number;
  /** The numeric bound of the dialect: ±1e9 for SNS ("Filter policy constraints"), ±5e9 for EventBridge (Content filtering, numeric matching). */
  maxNumber: number;
}

const NUMERIC_OPS = new Set(["=", "<", "<=", ">", ">="]);

/**
 * Parses and validates a pattern (an already JSON-parsed object) into a tree, counting keys and combinations on
 * the way. Throws PatternError with AWS's wording. Cost: linear in the size of the pattern.
 */
export function compile(pattern: Record<string, unknown>, opts: CompileOptions): Compiled {
  const err = (m: string) => new PatternError(opts.prefix + m);
  let nested = false;
  let maxDepth = 0;
  // Returns the node with, for it, the most keys of its own level one alternative requires and the combinations it stands for.
  const parse = (obj: Record<string, unknown>, path: string[], depth: number): { node: PatternNode; keys: number; combos: number } => {
    if (depth > opts.maxDepth) throw err(`${opts.dialect === "sns" ? "Filter policy" : "Event pattern"} is nested deeper than ${opts.maxDepth} levels`);
    if (depth > maxDepth) maxDepth = depth;
    const entries = Object.entries(obj);
    if (entries.length === 0) throw err(opts.dialect === "sns" ? "Filter policy can not be empty" : "Empty objects are not allowed");
    const fields: Field[] = [];
    let keys = 0;
    let combos = 1;
    for (const [key, value] of entries) {
      if (key === "$or" && opts.dialect === "eventbridge" && !Array.isArray(value)) {
        // EventBridge's rule compiler (aws/event-ruler JsonRuleCompiler) refuses a non-array $or; SNS treats it as
        // an ordinary key ("AND/OR logic": "$or" is a regular attribute name unless followed by an array).
        throw err("It must be an Array followed with $or.");
      }
      if (key === "$or" && Array.isArray(value)) {
        if (opts.dialect === "eventbridge") {
          // aws/event-ruler JsonRuleCompiler: elements are checked first, then the count.
          if (value.some((v) => !isObject(v))) throw err("Only JSON object is allowed in array of $or relationship.");
          if (value.length < 2) throw err("There must have at least 2 Objects in $or relationship.");
        }
        if (value.length < 2) throw err("Value of $or must be an array of at least 2 objects");
        const alternatives: PatternNode[] = [];
        let most = 0;
        let sum = 0;
        for (const v of value) {
          if (typeof v !== "object" || v === null || Array.isArray(v)) throw err("Value of $or must be an array of at least 2 objects");
          const sub = parse(v as Record<string, unknown>, path, depth + 1);
          alternatives.push(sub.node);
          most = Math.max(most, sub.keys);
          sum += sub.combos;
        }
        fields.push({ kind: "or", alternatives });
        keys += most;
        combos *= sum;
      } else if (Array.isArray(value)) {
        if (value.length === 0) throw err("Empty arrays are not allowed");
        const conds = value.map((v) => condition(v, err, opts));
        fields.push({ kind: "leaf", path: [...path, key], conds });
        keys += 1;
        // A leaf counts its values times its nesting depth ("Filter policy constraints": a four-value key nested
        // three levels deep counts 3 x 4).
        combos *= conds.length * (path.length + 1);
        if (depth + 1 > maxDepth) maxDepth = depth + 1;
      } else if (typeof value === "object" && value !== null) {
        nested = true;
        const sub = parse(value as Record<string, unknown>, [...path, key], depth + 1);
        fields.push({ kind: "object", node: sub.node });
        keys += 1;
        combos *= sub.combos;
      } else {
        throw err(`"${key}" must be an object or an array`);
      }
    }
    return { node: { fields }, keys, combos };
  };
  const top = parse(pattern, [], 1);
  return { root: top.node, nested, keys: top.keys, combinations: top.combos, depth: maxDepth };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function condition(v: unknown, err: (m: string) => PatternError, opts: CompileOptions): Cond {
  if (v === null || typeof v === "string" || typeof v === "boolean") return { t: "exact", v };
  if (typeof v === "number") {
    // EventBridge accepts any number here and matches it literally as well as numerically, "for example an AWS
    // account number" (aws/event-ruler JsonRuleCompiler); SNS bounds numbers to ±10^9 ("Filter policy constraints").
    return { t: "exact", v: opts.dialect === "eventbridge" ? v : checkNumber(v, err, opts) };
  }
  if (!isObject(v)) throw err("Match value must be String, number, true, false, or null");
  const keys = Object.keys(v);
  if (keys.length !== 1) throw err("Only one key allowed in match expression");
  const op = keys[0];
  const arg = v[op];
  switch (op) {
    case "prefix":
    case "suffix": {
      if (isObject(arg) && Object.keys(arg).length === 1 && "equals-ignore-case" in arg) {
        const s = arg["equals-ignore-case"];
        if (typeof s !== "string") throw err(`${op} match pattern must be a string`);
        // prefix/suffix with equals-ignore-case (EventBridge "Prefix matching while ignoring case").
        return { t: op, v: s.toLowerCase(), ci: true };
      }
      if (typeof arg !== "string") throw err(`${op} match pattern must be a string`);
      return { t: op, v: arg };
    }
    case "equals-ignore-case":
      if (typeof arg !== "string") throw err("equals-ignore-case match pattern must be a string");
      return { t: "ieq", v: arg.toLowerCase() };
    case "exists":
      if (typeof arg !== "boolean") throw err("exists match pattern must be either true or false.");
      return { t: "exists", v: arg };
    case "anything-but":
      return { t: "not", of: anythingBut(arg, err, opts) };
    case "numeric":
      return { t: "numeric", ops: numeric(arg, err, opts) };
    case "cidr":
      // A non-string cidr is refused with the prefix wording (AWS-recorded: LocalStack events snapshot content_ip_address_type_EXC).
      if (typeof arg !== "string") throw err("prefix match pattern must be a string");
      try {
        return { t: "cidr", range: parseCidr(arg) };
      } catch (e) {
        throw err((e as Error).message);
      }
    case "wildcard": {
      if (typeof arg !== "string") throw err("wildcard match pattern must be a string");
      return { t: "wildcard", w: wildcard(arg, err) };
    }
    default:
      throw err(`Unrecognized match type ${op}`);
  }
}

function wildcard(arg: string, err: (m: string) => PatternError): Wildcard {
  const w = parseWildcard(arg);
  if (typeof w === "string") throw err(w);
  return w;
}

function checkNumber(n: number, err: (m: string) => PatternError, opts: CompileOptions): number {
  if (!Number.isFinite(n) || Math.abs(n) > opts.maxNumber) {
    throw err(opts.dialect === "sns" ? "Numeric value must be between -1.0E9 and 1.0E9" : "Value must be between -5.0E9 and 5.0E9, inclusive");
  }
  return n;
}

function stringList(v: unknown, err: (m: string) => PatternError, message: string, emptyMessage?: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw err("Empty arrays are not allowed");
  for (const x of list) {
    if (typeof x !== "string") throw err(message);
    // An empty anything-but prefix/suffix is refused (AWS-recorded: LocalStack events snapshot content_anything_prefix_empty_EXC).
    if (emptyMessage && x === "") throw err(emptyMessage);
  }
  return list as string[];
}

function anythingBut(arg: unknown, err: (m: string) => PatternError, opts: CompileOptions): Cond[] {
  if (typeof arg === "string") return [{ t: "exact", v: arg }];
  if (typeof arg === "number") return [{ t: "exact", v: checkNumber(arg, err, opts) }];
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw err("Empty arrays are not allowed");
    const conds = arg.map((x) => {
      // AWS-recorded wording: LocalStack events snapshot content_anything_but_string_list_null_type_EXC.
      if (typeof x !== "string" && typeof x !== "number") throw err("Inside anything but list, start|null|boolean is not supported.");
      return { t: "exact", v: typeof x === "number" ? checkNumber(x, err, opts) : x } as Cond;
    });
    if (opts.dialect === "eventbridge" && arg.some((x) => typeof x === "number") && arg.some((x) => typeof x === "string")) {
      // aws/event-ruler JsonRuleCompiler: an anything-but list is all numbers or all strings.
      throw err("Inside anything but list, either all values are number or string, mixed type is not supported");
    }
    return conds;
  }
  if (isObject(arg)) {
    const entries = Object.entries(arg);
    if (entries.length !== 1) throw err("Value of anything-but must be an array or single string/number value.");
    const [op, v] = entries[0];
    if (opts.dialect === "sns" && (op === "suffix" || op === "wildcard")) {
      // SNS has anything-but prefix but not suffix or wildcard (AWS-recorded: LocalStack SNS snapshot
      // test_validate_policy_nested_anything_but_operator, error-condition-anything-but-suffix).
      throw err(`Unsupported anything-but pattern: ${op}`);
    }
    if (op === "prefix" && opts.dialect === "sns" && typeof v !== "string") throw err("prefix match pattern must be a string");
    if (op === "prefix" || op === "suffix") {
      if (isObject(v)) throw err("Value of anything-but must be an array or single string/number value.");
      return stringList(v, err, "prefix/suffix match pattern must be a string", "Null prefix/suffix not allowed").map((s) => ({ t: op, v: s }) as Cond);
    }
    if (op === "wildcard") {
      return stringList(v, err, "wildcard match pattern must be a string").map((s) => ({ t: "wildcard", w: wildcard(s, err) }) as Cond);
    }
    if (op === "equals-ignore-case") {
      return stringList(v, err, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.").map((s) => ({ t: "ieq", v: s.toLowerCase() }) as Cond);
    }
    throw err(`Unsupported anything-but pattern: ${op}`);
  }
  throw err("Value of anything-but must be an array or single string/number value.");
}

/**
 * A numeric range: one comparison, or a lower bound (`>`/`>=`) then an upper bound (`<`/`<=`). The refusals and
 * their order are AWS's (AWS-recorded: LocalStack SNS snapshot test_validate_policy_numeric_operator and events
 * snapshot content_numeric_EXC / content_numeric_syntax_EXC).
 */
function numeric(arg: unknown, err: (m: string) => PatternError, opts: CompileOptions): [string, number][] {
  if (!Array.isArray(arg)) throw err("Value of numeric must be an array.");
  if (arg.length === 0) throw err("Invalid member in numeric match: ]");
  const op = arg[0];
  if (typeof op !== "string") throw err(`Invalid member in numeric match: ${String(op)}`);
  if (!NUMERIC_OPS.has(op)) throw err(`Unrecognized numeric range operator: ${op}`);
  const value = (o: string, n: unknown) => {
    if (typeof n !== "number") throw err(`Value of ${o === "=" ? "equals" : o} must be numeric`);
    return checkNumber(n, err, opts);
  };
  const ops: [string, number][] = [[op, value(op, arg[1])]];
  if (arg.length === 2) return ops;
  if (op === "=" || op.startsWith("<")) throw err("Too many elements in numeric expression");
  const op2 = arg[2];
  if (typeof op2 !== "string") throw err(`Bad value in numeric range: ${String(op2)}`);
  if (op2 !== "<" && op2 !== "<=") throw err(`Bad numeric range operator: ${op2}`);
  ops.push([op2, value(op2, arg[3])]);
  if (arg.length > 4) throw err("Too many terms in numeric range expression");
  if (ops[0][1] >= ops[1][1]) throw err("Bottom must be less than top");
  return ops;
}

function one(c: Cond, v: unknown): boolean {
  switch (c.t) {
    case "exact":
      // Numbers compare numerically (5 matches 5.0); strings only equal strings.
      return typeof c.v === "number" ? typeof v === "number" && v === c.v : v === c.v;
    case "prefix":
      return typeof v === "string" && (c.ci ? v.toLowerCase().startsWith(c.v) : v.startsWith(c.v));
    case "suffix":
      return typeof v === "string" && (c.ci ? v.toLowerCase().endsWith(c.v) : v.endsWith(c.v));
    case "ieq":
      return typeof v === "string" && v.toLowerCase() === c.v;
    case "not":
      // anything-but matches any present leaf value none of its conditions match, null included
      // (AWS-recorded: LocalStack events snapshot content_anything_but_string_null).
      return !c.of.some((x) => one(x, v));
    case "numeric":
      return typeof v === "number" && c.ops.every(([op, n]) =>
        op === "=" ? v === n : op === "<" ? v < n : op === "<=" ? v <= n : op === ">" ? v > n : v >= n);
    case "exists":
      return c.v;
    case "cidr":
      return typeof v === "string" && ipInRange(v, c.range);
    case "wildcard":
      return typeof v === "string" && wildcardMatches(c.w, v);
  }
}

function leafMatches(conds: Cond[], values: unknown[]): boolean {
  // exists works on leaf values only: a missing key, an object or an empty array do not exist
  // (EventBridge "Exists matching": "only works on leaf nodes"; AWS-recorded exists_list_empty_NEG).
  if (values.length === 0) return conds.some((c) => c.t === "exists" && !c.v);
  return conds.some((c) => (c.t === "exists" ? c.v : values.some((v) => one(c, v))));
}

function nodeMatches(node: PatternNode, lookup: Lookup): boolean {
  for (const f of node.fields) {
    if (f.kind === "leaf") {
      if (!leafMatches(f.conds, lookup(f.path))) return false;
    } else if (f.kind === "object") {
      if (!nodeMatches(f.node, lookup)) return false;
    } else if (!f.alternatives.some((a) => nodeMatches(a, lookup))) {
      return false;
    }
  }
  return true;
}

/** Whether the values `lookup` gives match the pattern. Each leaf is looked up once per visit; nothing is expanded. */
export function matches(p: Compiled, lookup: Lookup): boolean {
  return nodeMatches(p.root, lookup);
}

/**
 * A JSON document as the matcher sees it: every leaf under its dotted path, computed once, so each leaf lookup is
 * one map access. Nested keys are joined with dots, so a pattern {"a": {"b": [..]}} also matches a document key
 * "a.b" and the other way round (AWS-recorded: LocalStack events snapshot dot_joining_event/dot_joining_pattern,
 * SNS test_filter_policy_on_message_body_dot_attribute). Arrays at any level are flattened: a field matches when
 * any element does (EventBridge "Arrays in event patterns"; SNS payload-based filtering).
 */
export function flatLookup(doc: unknown): Lookup {
  const out = new Map<string, unknown[]>();
  const walk = (v: unknown, path: string, depth: number) => {
    if (depth > 256) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, path, depth + 1);
    } else if (isObject(v)) {
      for (const k of Object.keys(v)) walk(v[k], path === "" ? k : `${path}.${k}`, depth + 1);
    } else {
      const list = out.get(path);
      if (list) list.push(v);
      else out.set(path, [v]);
    }
  };
  walk(doc, "", 0);
  return (path) => out.get(path.join(".")) ?? [];
}

/** The leaf values among `values`, arrays (nested too) flattened; objects dropped. */
export function leaves(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  const add = (v: unknown, depth: number) => {
    if (Array.isArray(v)) {
      if (depth < 64) for (const x of v) add(x, depth + 1);
    } else if (!isObject(v)) {
      out.push(v);
    }
  };
  for (const v of values) add(v, 0);
  return out;
}
