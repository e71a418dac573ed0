// QueryLanguage JSONata (Step Functions developer guide, "Transforming data with JSONata"): values written as
// "{% expression %}" are evaluated by the reference `jsonata` package with `$states` (input, result, errorOutput,
// context) and the workflow's variables bound, plus the functions Step Functions adds ($partition, $range, $hash,
// $random, $uuid, $parse). Compiled expressions are cached by their text (one definition's expressions compile once).
// Evaluation is bounded: a time limit and a depth limit (jsonata's guardrails), and regular expressions whose
// shape can backtrack catastrophically are refused before they run. Failures are States.QueryEvaluationError.
import { createHash, randomUUID } from "node:crypto";
import jsonata from "jsonata";
import type { Json } from "./json.ts";

export class QueryError extends Error {}

/** Evaluation limits (Mailroom's; AWS documents none): milliseconds and nesting depth of one expression. */
const TIMEOUT_MS = 1000;
const MAX_STACK = 500;
const CACHE = 10_000;

export const isExpression = (v: unknown): v is string => typeof v === "string" && /^\{%[\s\S]*%\}$/.test(v);

/**
 * Whether a pattern quantifies a group that holds a quantifier or an alternation, in one pass (a pattern of the
 * user's must not be checked by a pattern that can itself backtrack): escapes and character classes are skipped,
 * and each open group remembers whether a quantifier or `|` was seen inside it (nested groups included).
 */
export function nestedQuantifier(src: string): boolean {
  const open: boolean[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") {
      i++;
    } else if (c === "[") {
      for (i++; i < src.length && src[i] !== "]"; i++) if (src[i] === "\\") i++;
    } else if (c === "(") {
      open.push(false);
    } else if (c === ")") {
      const risky = open.pop() ?? false;
      const next = src[i + 1];
      if (risky && (next === "+" || next === "*" || next === "{")) return true;
      if (open.length > 0 && risky) open[open.length - 1] = true;
    } else if ((c === "+" || c === "*" || c === "{" || c === "|") && open.length > 0) {
      open[open.length - 1] = true;
    }
  }
  return false;
}

/**
 * A RegExp engine for jsonata that refuses patterns with a quantified group that itself holds a quantifier
 * ("(a+)+", "(a|aa)*b"), the shapes that backtrack exponentially; others run on node's engine.
 */
class GuardedRegExp extends RegExp {
  constructor(pattern: string | RegExp, flags?: string) {
    const src = typeof pattern === "string" ? pattern : pattern.source;
    if (nestedQuantifier(src)) {
      throw new QueryError(`The regular expression /${src}/ may backtrack catastrophically and is refused`);
    }
    super(pattern, flags);
  }
}

const compiled = new Map<string, jsonata.Expression>();

function compile(text: string): jsonata.Expression {
  let e = compiled.get(text);
  if (e) return e;
  try {
    e = jsonata(text.slice(2, -2).trim(), { RegexEngine: GuardedRegExp, timeout: TIMEOUT_MS, stack: MAX_STACK } as never);
  } catch (err) {
    throw new QueryError(describe(err));
  }
  register(e);
  if (compiled.size >= CACHE) compiled.delete(compiled.keys().next().value!);
  compiled.set(text, e);
  return e;
}

/** Checks that an expression compiles (validation at CreateStateMachine); the reason when it does not. */
export function compileProblem(text: string): string | undefined {
  try {
    compile(text);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function describe(err: unknown): string {
  if (err && typeof err === "object" && "message" in err) {
    const e = err as { code?: string; message: string; position?: number };
    return e.code ? `${e.code}: ${e.message}${e.position !== undefined ? ` (position ${e.position})` : ""}` : e.message;
  }
  return String(err);
}

const fail = (msg: string): never => { throw new QueryError(msg); };

/** The functions Step Functions adds to JSONata (developer guide, "JSONata functions provided by Step Functions"). */
function register(e: jsonata.Expression) {
  e.registerFunction("partition", (arr: unknown, size: unknown) => {
    if (!Array.isArray(arr)) fail("$partition: the first argument must be an array");
    if (typeof size !== "number" || !Number.isInteger(size) || size <= 0) fail("$partition: the chunk size must be a positive integer");
    const list = arr as unknown[];
    const out: unknown[] = [];
    for (let i = 0; i < list.length; i += size as number) out.push(list.slice(i, i + (size as number)));
    return out;
  });
  e.registerFunction("range", (start: unknown, end: unknown, step: unknown) => {
    for (const v of [start, end, step]) if (typeof v !== "number" || !Number.isInteger(v)) fail("$range: start, end and step must be integers");
    const [a, b, s] = [start as number, end as number, step as number];
    if (s === 0) fail("$range: step must not be 0");
    // At most 1,000 elements, as States.ArrayRange (developer guide).
    if (Math.floor((b - a) / s) + 1 > 1000) fail("$range: the array would have more than 1000 elements");
    const out: number[] = [];
    for (let v = a; s > 0 ? v <= b : v >= b; v += s) out.push(v);
    return out;
  });
  e.registerFunction("hash", (data: unknown, algorithm: unknown) => {
    const algo = ({ MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" } as Record<string, string>)[String(algorithm)];
    if (!algo) fail(`$hash: the algorithm '${String(algorithm)}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512`);
    const text = typeof data === "string" ? data : JSON.stringify(data);
    if (text.length > 10_000) fail("$hash: the data is longer than 10000 characters");
    return createHash(algo!).update(text, "utf8").digest("hex");
  });
  e.registerFunction("random", (seed?: unknown) => {
    if (seed === undefined) return Math.random();
    if (typeof seed !== "number" || !Number.isInteger(seed)) fail("$random: the seed must be an integer");
    let t = ((seed as number) + 0x6d2b79f5) | 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
  e.registerFunction("uuid", () => randomUUID());
  e.registerFunction("parse", (text: unknown) => {
    if (typeof text !== "string") fail("$parse: the argument must be a string");
    try {
      return JSON.parse(text as string);
    } catch {
      return fail(`$parse: '${String(text)}' is not valid JSON`);
    }
  });
}

/** Sequences jsonata returns carry flags; a plain JSON copy of a result (undefined stays undefined). */
function plain(v: unknown): Json | undefined {
  if (v === undefined) return undefined;
  const lambda = (x: unknown) => typeof x === "function" || (x !== null && typeof x === "object" && ("_jsonata_lambda" in x || "_jsonata_function" in x));
  if (lambda(v)) fail("The expression returned a function, which is not a JSON value");
  if (typeof v === "number" && !Number.isFinite(v)) fail("The expression returned a number that is not finite");
  try {
    return JSON.parse(JSON.stringify(v, (_k, x) => (lambda(x) ? undefined : x))) as Json;
  } catch (e) {
    return fail(`The expression returned a value that is not JSON: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
}

/** Evaluates one "{% %}" expression. */
export async function evaluate(text: string, bindings: Record<string, unknown>): Promise<Json | undefined> {
  const e = compile(text);
  try {
    const r = await (e.evaluate as (input: unknown, b: Record<string, unknown>) => Promise<unknown>).call(e, undefined, bindings);
    return plain(r);
  } catch (err) {
    if (err instanceof QueryError) throw err;
    throw new QueryError(describe(err));
  }
}

/** Evaluates every "{% %}" string in a template (objects and arrays are walked; other values are kept as they are). */
export async function evaluateTemplate(t: Json, bindings: Record<string, unknown>): Promise<Json | undefined> {
  if (isExpression(t)) return evaluate(t, bindings);
  if (Array.isArray(t)) {
    const out: Json[] = [];
    for (const x of t) {
      const v = await evaluateTemplate(x, bindings);
      out.push(v === undefined ? null : v);
    }
    return out;
  }
  if (t !== null && typeof t === "object") {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(t)) {
      const v = await evaluateTemplate(x, bindings);
      // A field whose expression yields nothing is left out (JSONata's undefined has no JSON form).
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return t;
}

export const LIMITS = { TIMEOUT_MS, MAX_STACK };
