// Metric math for GetMetricData and metric-math alarms (CloudWatch user guide, "Using math expressions with
// CloudWatch metrics"). Covered: numbers and query ids; + - * / ^; comparisons < > <= >= == != giving 1 or 0;
// AND, OR, NOT; parentheses and [a, b] lists; SUM, AVG, MIN, MAX (of a list: per timestamp across the series; of one
// series: a scalar), FILL(m, value | REPEAT | LINEAR), IF(cond, a[, b]), ABS, CEIL, FLOOR, LOG, LOG10, DIFF, RATE,
// PERIOD, METRICS([label substring]). A series op series keeps the timestamps both have; a scalar applies to every
// point. The parser is a recursive descent with a depth bound; an expression is at most 2,048 characters
// (MetricDataQuery.Expression, API reference) and nests at most MAX_NESTING levels.
import { invalidParameterValue } from "../errors.ts";

export interface Series {
  kind: "series";
  ts: number[];
  values: number[];
  label?: string;
}
export type Value = number | Series | Series[];

export const MAX_EXPRESSION = 2048;
export const MAX_NESTING = 32;

type Node =
  | { t: "num"; v: number }
  | { t: "id"; id: string }
  | { t: "str"; v: string }
  | { t: "bin"; op: string; a: Node; b: Node }
  | { t: "neg"; a: Node }
  | { t: "not"; a: Node }
  | { t: "list"; items: Node[] }
  | { t: "call"; fn: string; args: Node[] };

const FUNCTIONS = new Set(["SUM", "AVG", "MIN", "MAX", "FILL", "IF", "ABS", "CEIL", "FLOOR", "LOG", "LOG10", "DIFF", "RATE", "PERIOD", "METRICS"]);

function fail(expr: string, why: string): never {
  throw invalidParameterValue(`Error in expression '${expr.length > 100 ? `${expr.slice(0, 100)}...` : expr}': ${why}`);
}

/** Tokens: numbers, names, strings, operators. */
function tokenize(expr: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === " " || c === "\t" || c === "\n") { i++; continue; }
    const two = expr.slice(i, i + 2);
    if (["<=", ">=", "==", "!="].includes(two)) { out.push(two); i += 2; continue; }
    if ("+-*/^()[],<>".includes(c)) { out.push(c); i++; continue; }
    if (c === '"') {
      const end = expr.indexOf('"', i + 1);
      if (end < 0) fail(expr, "Unterminated string");
      out.push(expr.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    let j = i;
    if (/[0-9.]/.test(c)) {
      while (j < expr.length && /[0-9.eE]/.test(expr[j])) j++;
    } else if (/[A-Za-z_]/.test(c)) {
      while (j < expr.length && /[A-Za-z0-9_]/.test(expr[j])) j++;
    } else fail(expr, `Unexpected character '${c}'`);
    out.push(expr.slice(i, j));
    i = j;
  }
  return out;
}

export function parseExpression(expr: string): Node {
  if (expr.length > MAX_EXPRESSION) throw invalidParameterValue(`The expression is too long: at most ${MAX_EXPRESSION} characters.`);
  const tok = tokenize(expr);
  let pos = 0;
  let depth = 0;
  const peek = () => tok[pos];
  const take = (want?: string) => {
    const t = tok[pos];
    if (t === undefined || (want !== undefined && t.toUpperCase() !== want)) fail(expr, want ? `Expected '${want}'` : "Unexpected end of expression");
    pos++;
    return t;
  };
  const enter = () => {
    if (++depth > MAX_NESTING) fail(expr, `Expressions nest at most ${MAX_NESTING} levels`);
  };
  const binary = (next: () => Node, ops: string[]) => (): Node => {
    let a = next();
    while (peek() !== undefined && ops.includes(peek().toUpperCase())) {
      const op = take().toUpperCase();
      a = { t: "bin", op, a, b: next() };
    }
    return a;
  };
  const primary = (): Node => {
    enter();
    try {
      const t = take();
      const up = t.toUpperCase();
      if (t === "(") {
        const e = or();
        take(")");
        return e;
      }
      if (t === "[") {
        const items = [or()];
        while (peek() === ",") {
          take();
          items.push(or());
        }
        take("]");
        return { t: "list", items };
      }
      if (t === "-") return { t: "neg", a: primary() };
      if (up === "NOT") return { t: "not", a: primary() };
      if (t.startsWith('"')) return { t: "str", v: t.slice(1, -1) };
      if (/^[0-9.]/.test(t)) {
        const v = Number(t);
        if (!Number.isFinite(v)) fail(expr, `Invalid number '${t}'`);
        return { t: "num", v };
      }
      if (peek() === "(") {
        if (!FUNCTIONS.has(up)) fail(expr, `Unknown function ${t}`);
        take("(");
        const args: Node[] = [];
        if (peek() !== ")") {
          args.push(or());
          while (peek() === ",") {
            take();
            args.push(or());
          }
        }
        take(")");
        return { t: "call", fn: up, args };
      }
      if (up === "REPEAT" || up === "LINEAR") return { t: "str", v: up };
      if (!/^[a-z][a-zA-Z0-9_]*$/.test(t)) fail(expr, `Unknown identifier '${t}'`);
      return { t: "id", id: t };
    } finally {
      depth--;
    }
  };
  const pow = (): Node => {
    const a = primary();
    if (peek() === "^") {
      take();
      return { t: "bin", op: "^", a, b: pow() };
    }
    return a;
  };
  const mul = binary(pow, ["*", "/"]);
  const add = binary(mul, ["+", "-"]);
  const cmp = binary(add, ["<", ">", "<=", ">=", "==", "!="]);
  const and = binary(cmp, ["AND"]);
  const or = binary(and, ["OR"]);
  const root = or();
  if (pos < tok.length) fail(expr, `Unexpected '${tok[pos]}'`);
  return root;
}

/** The ids an expression refers to (to order queries and find cycles). */
export function references(n: Node): string[] {
  switch (n.t) {
    case "id": return [n.id];
    case "bin": return [...references(n.a), ...references(n.b)];
    case "neg": case "not": return references(n.a);
    case "list": return n.items.flatMap(references);
    case "call": return n.args.flatMap(references);
    default: return [];
  }
}

export function usesMetrics(n: Node): boolean {
  switch (n.t) {
    case "call": return n.fn === "METRICS" || n.args.some(usesMetrics);
    case "bin": return usesMetrics(n.a) || usesMetrics(n.b);
    case "neg": case "not": return usesMetrics(n.a);
    case "list": return n.items.some(usesMetrics);
    default: return false;
  }
}

export interface MathContext {
  expr: string;
  /** Results of the other queries, by id. */
  lookup(id: string): Value | undefined;
  /** Every MetricStat result (METRICS()). */
  metrics(): Series[];
  /** The time grid of the request: every period start from start to end. */
  grid: number[];
  period: number;
}

const series = (ts: number[], values: number[]): Series => ({ kind: "series", ts, values });

function apply1(v: Value, f: (x: number) => number): Value {
  if (typeof v === "number") return f(v);
  if (Array.isArray(v)) return v.map((s) => apply1(s, f) as Series);
  return series(v.ts, v.values.map(f));
}

function apply2(a: Value, b: Value, f: (x: number, y: number) => number): Value {
  if (Array.isArray(a)) return a.map((s) => apply2(s, b, f) as Series);
  if (Array.isArray(b)) return b.map((s) => apply2(a, s, f) as Series);
  if (typeof a === "number" && typeof b === "number") return f(a, b);
  if (typeof a === "number") return series((b as Series).ts, (b as Series).values.map((y) => f(a, y)));
  if (typeof b === "number") return series(a.ts, a.values.map((x) => f(x, b)));
  const bi = new Map(b.ts.map((t, i) => [t, b.values[i]]));
  const ts: number[] = [];
  const values: number[] = [];
  a.ts.forEach((t, i) => {
    const y = bi.get(t);
    if (y !== undefined) {
      ts.push(t);
      values.push(f(a.values[i], y));
    }
  });
  return series(ts, values);
}

const OPS: Record<string, (x: number, y: number) => number> = {
  "+": (x, y) => x + y, "-": (x, y) => x - y, "*": (x, y) => x * y, "/": (x, y) => x / y, "^": (x, y) => x ** y,
  "<": (x, y) => +(x < y), ">": (x, y) => +(x > y), "<=": (x, y) => +(x <= y), ">=": (x, y) => +(x >= y),
  "==": (x, y) => +(x === y), "!=": (x, y) => +(x !== y), AND: (x, y) => +(x !== 0 && y !== 0), OR: (x, y) => +(x !== 0 || y !== 0),
};

const reducers: Record<string, (xs: number[]) => number> = {
  SUM: (xs) => xs.reduce((s, x) => s + x, 0),
  AVG: (xs) => xs.reduce((s, x) => s + x, 0) / xs.length,
  // (loops, not Math.min(...xs): a long series would overflow the argument list)
  MIN: (xs) => xs.reduce((m, x) => (x < m ? x : m), Number.POSITIVE_INFINITY),
  MAX: (xs) => xs.reduce((m, x) => (x > m ? x : m), Number.NEGATIVE_INFINITY),
};

export function evaluate(n: Node, ctx: MathContext): Value {
  const ev = (x: Node) => evaluate(x, ctx);
  switch (n.t) {
    case "num": return n.v;
    case "str": fail(ctx.expr, `Unexpected string "${n.v}"`);
    // falls through (fail throws)
    case "id": {
      const v = ctx.lookup(n.id);
      if (v === undefined) fail(ctx.expr, `Unrecognized metric id '${n.id}'`);
      return v;
    }
    case "neg": return apply1(ev(n.a), (x) => -x);
    case "not": return apply1(ev(n.a), (x) => +(x === 0));
    case "bin": return apply2(ev(n.a), ev(n.b), OPS[n.op]);
    case "list": return n.items.flatMap((i) => {
      const v = ev(i);
      if (typeof v === "number") fail(ctx.expr, "A list holds time series, not numbers");
      return Array.isArray(v) ? v : [v];
    });
    case "call": return call(n.fn, n.args, ctx);
  }
}

function call(fn: string, args: Node[], ctx: MathContext): Value {
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) fail(ctx.expr, `${fn} takes ${min === max ? min : `${min} to ${max}`} argument(s)`);
  };
  const seriesArg = (i: number): Series | Series[] => {
    const v = evaluate(args[i], ctx);
    if (typeof v === "number") fail(ctx.expr, `${fn} expects a time series`);
    return v;
  };
  switch (fn) {
    case "SUM": case "AVG": case "MIN": case "MAX": {
      arity(1);
      const v = evaluate(args[0], ctx);
      const r = reducers[fn];
      if (typeof v === "number") return v;
      if (!Array.isArray(v)) return v.values.length === 0 ? Number.NaN : r(v.values);
      const list = v;
      // Per timestamp across the series that have a value there.
      const at = new Map<number, number[]>();
      for (const s of list) s.ts.forEach((t, i) => (at.get(t) ?? at.set(t, []).get(t)!).push(s.values[i]));
      const ts = [...at.keys()].sort((a, b) => a - b);
      return series(ts, ts.map((t) => r(at.get(t)!)));
    }
    case "ABS": arity(1); return apply1(evaluate(args[0], ctx), Math.abs);
    case "CEIL": arity(1); return apply1(evaluate(args[0], ctx), Math.ceil);
    case "FLOOR": arity(1); return apply1(evaluate(args[0], ctx), Math.floor);
    case "LOG": arity(1); return apply1(evaluate(args[0], ctx), Math.log);
    case "LOG10": arity(1); return apply1(evaluate(args[0], ctx), Math.log10);
    case "PERIOD": arity(1); seriesArg(0); return ctx.period;
    case "METRICS": {
      arity(0, 1);
      const all = ctx.metrics();
      if (args.length === 0) return all;
      const f = args[0];
      if (f.t !== "str") fail(ctx.expr, "METRICS takes a string");
      return all.filter((s) => (s.label ?? "").includes(f.v));
    }
    case "DIFF": case "RATE": {
      arity(1);
      const v = seriesArg(0);
      const one = (s: Series): Series => {
        const ts: number[] = [];
        const values: number[] = [];
        for (let i = 1; i < s.ts.length; i++) {
          ts.push(s.ts[i]);
          const d = s.values[i] - s.values[i - 1];
          values.push(fn === "DIFF" ? d : d / ((s.ts[i] - s.ts[i - 1]) / 1000));
        }
        return series(ts, values);
      };
      return Array.isArray(v) ? v.map(one) : one(v);
    }
    case "FILL": {
      arity(2);
      const v = seriesArg(0);
      const how = args[1];
      const fillWith = how.t === "str" ? how.v.toUpperCase() : evaluate(how, ctx);
      if (typeof fillWith === "string" && fillWith !== "REPEAT" && fillWith !== "LINEAR") fail(ctx.expr, "FILL takes a value, REPEAT or LINEAR");
      const one = (s: Series): Series => fill(s, fillWith as number | Series | "REPEAT" | "LINEAR", ctx);
      return Array.isArray(v) ? v.map(one) : one(v);
    }
    case "IF": {
      arity(2, 3);
      const cond = evaluate(args[0], ctx);
      const a = evaluate(args[1], ctx);
      const b = args[2] ? evaluate(args[2], ctx) : undefined;
      // Each branch's values by timestamp, made once (linear, not a search per point).
      const byTs = (v: Value | undefined): number | Map<number, number> | undefined => {
        if (v === undefined || typeof v === "number") return v;
        if (Array.isArray(v)) fail(ctx.expr, "IF takes time series or numbers");
        return new Map(v.ts.map((t, i) => [t, v.values[i]]));
      };
      const ai = byTs(a);
      const bi = byTs(b);
      const pick = (c: Series): Series => {
        const at = (v: number | Map<number, number> | undefined, t: number): number | undefined => (typeof v === "object" ? v.get(t) : v);
        const ts: number[] = [];
        const values: number[] = [];
        c.ts.forEach((t, i) => {
          const r = c.values[i] !== 0 ? at(ai, t) : at(bi, t);
          if (r !== undefined) {
            ts.push(t);
            values.push(r);
          }
        });
        return series(ts, values);
      };
      if (typeof cond === "number") return cond !== 0 ? a : (b ?? Number.NaN);
      return Array.isArray(cond) ? cond.map(pick) : pick(cond);
    }
  }
  return fail(ctx.expr, `Unknown function ${fn}`);
}

function fill(s: Series, how: number | Series | "REPEAT" | "LINEAR", ctx: MathContext): Series {
  // Linear in the grid: known values by timestamp, then the previous and next known index of every grid slot.
  const have = new Map(s.ts.map((t, i) => [t, s.values[i]]));
  const other = typeof how === "object" ? new Map(how.ts.map((t, i) => [t, how.values[i]])) : undefined;
  const n = ctx.grid.length;
  const prev = new Array<number>(n);
  const next = new Array<number>(n);
  for (let k = 0, last = -1; k < n; k++) {
    prev[k] = last;
    if (have.has(ctx.grid[k])) last = k;
  }
  for (let k = n - 1, last = -1; k >= 0; k--) {
    next[k] = last;
    if (have.has(ctx.grid[k])) last = k;
  }
  const ts: number[] = [];
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const t = ctx.grid[k];
    let v = have.get(t);
    if (v === undefined) {
      const p = prev[k] >= 0 ? { t: ctx.grid[prev[k]], v: have.get(ctx.grid[prev[k]])! } : undefined;
      const q = next[k] >= 0 ? { t: ctx.grid[next[k]], v: have.get(ctx.grid[next[k]])! } : undefined;
      if (typeof how === "number") v = how;
      else if (how === "REPEAT") v = (p ?? q)?.v;
      else if (how === "LINEAR") v = p && q ? p.v + ((q.v - p.v) * (t - p.t)) / (q.t - p.t) : (p ?? q)?.v;
      else v = other!.get(t);
    }
    if (v !== undefined && !Number.isNaN(v)) {
      ts.push(t);
      out.push(v);
    }
  }
  return { kind: "series", ts, values: out, label: s.label };
}
