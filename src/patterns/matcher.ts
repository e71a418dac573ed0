// The matcher shared by SNS filter policies and (later) EventBridge event patterns. A pattern is a JSON object
// whose leaves are arrays of conditions: exact strings/numbers/booleans/null, prefix, suffix, equals-ignore-case,
// anything-but (values, prefix, suffix, equals-ignore-case), numeric ranges, exists, cidr and wildcard, with
// `$or` at any level (SNS "Filter policy matching", EventBridge "Content filtering in event patterns").
import { parseCidr, ipInRange } from "./cidr.ts";

export class PatternError extends Error {}

type Cond =
  | { t: "exact"; v: string | number | boolean | null }
  | { t: "prefix"; v: string; ci?: boolean }
  | { t: "suffix"; v: string; ci?: boolean }
  | { t: "ieq"; v: string }
  | { t: "not"; of: Cond[] }
  | { t: "numeric"; ops: [string, number][] }
  | { t: "exists"; v: boolean }
  | { t: "cidr"; range: ReturnType<typeof parseCidr> }
  | { t: "wildcard"; re: RegExp };

/** One alternative after expanding `$or`: leaf path → conditions. */
interface Branch {
  leaves: { path: string[]; conds: Cond[] }[];
  keys: number;
  combinations: number;
}

export interface Compiled {
  branches: Branch[];
  nested: boolean;
}

export type Lookup = (path: string[]) => { found: boolean; value?: unknown };

const NUMERIC_OPS = new Set(["=", "<", "<=", ">", ">="]);

export function compile(pattern: Record<string, unknown>, prefix = ""): Compiled {
  const err = (m: string) => new PatternError(prefix + m);
  let nested = false;
  const expand = (obj: Record<string, unknown>, path: string[]): { path: string[]; conds: Cond[] }[][] => {
    // Each alternative is a list of leaves; keys AND together, `$or` multiplies alternatives.
    let alts: { path: string[]; conds: Cond[] }[][] = [[]];
    const entries = Object.entries(obj);
    if (entries.length === 0) throw err("Filter policy can not be empty");
    for (const [key, value] of entries) {
      let here: { path: string[]; conds: Cond[] }[][];
      if (key === "$or") {
        if (!Array.isArray(value) || value.length < 2) throw err("Value of $or must be an array of at least 2 objects");
        here = value.flatMap((v) => {
          if (typeof v !== "object" || v === null || Array.isArray(v)) throw err("Value of $or must be an array of at least 2 objects");
          return expand(v as Record<string, unknown>, path);
        });
      } else if (Array.isArray(value)) {
        if (value.length === 0) throw err("Empty arrays are not allowed");
        here = [[{ path: [...path, key], conds: value.map((v) => condition(v, err)) }]];
      } else if (typeof value === "object" && value !== null) {
        nested = true;
        here = expand(value as Record<string, unknown>, [...path, key]);
      } else {
        throw err(`"${key}" must be an object or an array`);
      }
      alts = alts.flatMap((a) => here.map((h) => [...a, ...h]));
    }
    return alts;
  };
  const branches = expand(pattern, []).map((leaves) => ({
    leaves,
    keys: new Set(leaves.map((l) => l.path.join("\u0000"))).size,
    combinations: leaves.reduce((n, l) => n * l.conds.length, 1),
  }));
  return { branches, nested };
}

function condition(v: unknown, err: (m: string) => PatternError): Cond {
  if (v === null || typeof v === "string" || typeof v === "boolean") return { t: "exact", v };
  if (typeof v === "number") return { t: "exact", v: checkNumber(v, err) };
  if (Array.isArray(v) || typeof v !== "object") throw err("Match value must be String, number, true, false, or null");
  const keys = Object.keys(v);
  if (keys.length !== 1) throw err("Only one key allowed in match expression");
  const op = keys[0];
  const arg = (v as Record<string, unknown>)[op];
  switch (op) {
    case "prefix":
    case "suffix": {
      if (typeof arg === "object" && arg !== null && !Array.isArray(arg) && typeof (arg as Record<string, unknown>)["equals-ignore-case"] === "string") {
        return { t: op, v: String((arg as Record<string, unknown>)["equals-ignore-case"]).toLowerCase(), ci: true };
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
      return { t: "not", of: anythingBut(arg, err) };
    case "numeric":
      return { t: "numeric", ops: numeric(arg, err) };
    case "cidr":
      if (typeof arg !== "string") throw err("cidr match pattern must be a string");
      try {
        return { t: "cidr", range: parseCidr(arg) };
      } catch (e) {
        throw err((e as Error).message);
      }
    case "wildcard": {
      if (typeof arg !== "string") throw err("wildcard match pattern must be a string");
      // Consecutive wildcards are rejected (EventBridge wildcard matching rules, shared by SNS).
      if (/\*\*/.test(arg)) throw err("Consecutive wildcard characters at pos " + arg.indexOf("**"));
      const re = arg.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
      return { t: "wildcard", re: new RegExp(`^${re}$`, "s") };
    }
    default:
      throw err(`Unrecognized match type ${op}`);
  }
}

function checkNumber(n: number, err: (m: string) => PatternError): number {
  // Numeric values range from -1e9 to 1e9 (filter policy constraints).
  if (!Number.isFinite(n) || Math.abs(n) > 1e9) throw err("Numeric value must be between -1.0E9 and 1.0E9");
  return n;
}

function anythingBut(arg: unknown, err: (m: string) => PatternError): Cond[] {
  if (typeof arg === "string" || typeof arg === "number") return [{ t: "exact", v: arg }];
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw err("Empty arrays are not allowed");
    return arg.map((x) => {
      if (typeof x !== "string" && typeof x !== "number") throw err("Value of anything-but must be an array or single string/number value.");
      return { t: "exact", v: x } as Cond;
    });
  }
  if (typeof arg === "object" && arg !== null) {
    const [op, v] = Object.entries(arg)[0] ?? [];
    if (op === "prefix" || op === "suffix") {
      if (typeof v !== "string" || v === "") throw err(`Value of ${op} must be a non-empty string`);
      return [{ t: op, v }];
    }
    if (op === "equals-ignore-case") {
      const vs = Array.isArray(v) ? v : [v];
      if (vs.some((x) => typeof x !== "string")) throw err("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
      return vs.map((x) => ({ t: "ieq", v: String(x).toLowerCase() }) as Cond);
    }
    throw err(`Unsupported anything-but pattern: ${String(op)}`);
  }
  throw err("Value of anything-but must be an array or single string/number value.");
}

function numeric(arg: unknown, err: (m: string) => PatternError): [string, number][] {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) throw err("Value of numeric must be an array.");
  const ops: [string, number][] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = arg[i + 1];
    if (typeof op !== "string" || !NUMERIC_OPS.has(op)) throw err(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof n !== "number") throw err(`Value of ${op} must be numeric`);
    ops.push([op, checkNumber(n, err)]);
  }
  if (ops.length > 2 || (ops.length === 2 && !(ops[0][0].startsWith(">") && ops[1][0].startsWith("<")))) {
    throw err("Too many elements in numeric expression");
  }
  if (ops.length === 2 && ops[0][1] >= ops[1][1]) throw err("Bottom must be less than top");
  if (ops.some(([op]) => op === "=") && ops.length > 1) throw err("Too many elements in numeric expression");
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
      // anything-but matches values of the compared kind that none of its conditions match.
      return v !== undefined && v !== null && typeof v !== "object" && !c.of.some((x) => one(x, v));
    case "numeric":
      return typeof v === "number" && c.ops.every(([op, n]) =>
        op === "=" ? v === n : op === "<" ? v < n : op === "<=" ? v <= n : op === ">" ? v > n : v >= n);
    case "exists":
      return c.v;
    case "cidr":
      return typeof v === "string" && ipInRange(v, c.range);
    case "wildcard":
      return typeof v === "string" && c.re.test(v);
  }
}

function leafMatches(conds: Cond[], found: boolean, value: unknown): boolean {
  if (!found) return conds.some((c) => c.t === "exists" && !c.v);
  const values = Array.isArray(value) ? value : [value];
  return conds.some((c) => (c.t === "exists" ? c.v : values.some((v) => one(c, v))));
}

export function matches(p: Compiled, lookup: Lookup): boolean {
  return p.branches.some((b) => b.leaves.every((l) => {
    const r = lookup(l.path);
    return leafMatches(l.conds, r.found, r.value);
  }));
}
