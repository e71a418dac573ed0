// JSONPath input and output processing (States Language "Input and Output Processing"): InputPath, Parameters
// (payload templates with ".$" keys, the context object "$$"), ResultSelector, ResultPath, OutputPath. Paths are
// evaluated by jsonpath-plus with script evaluation disabled (eval: false), so user input never reaches code.
import { JSONPath } from "jsonpath-plus";
import type { Json } from "./definition.ts";
import { evaluateFilter } from "./filter.ts";
import { evaluateIntrinsic, isIntrinsic } from "./intrinsics.ts";

/** Workflow variables in scope (JSONPath states read them as "$name" paths; developer guide, "Passing data between states with variables"). */
export type Vars = Record<string, Json>;

/** A States.Runtime failure while processing a state's input or output (the caller words the cause). */
export class PathError extends Error {}

const DEFINITE = /^\$((\.[A-Za-z_][\w-]*)|(\[\d+\])|(\['[^']*'\]))*$/;
const TOKEN = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]/g;

/**
 * The context object "$$", or a function that builds it when a path first needs it (most paths never read "$$",
 * and building it costs two ISO dates and a parse of the execution's input).
 */
export type Context = Json | (() => Json);
const contextOf = (c: Context): Json => (typeof c === "function" ? c() : c);

/** A path compiled once: where it starts, and for a definite path its steps and how AWS shows each prefix. */
interface CompiledPath {
  context: boolean;
  variable?: string;
  /** The path as the JSONPath library reads it (from "$", after the context's or variable's prefix). */
  rest: string;
  steps?: (string | number)[];
  shown?: string[];
}
/** Compiled paths by text: they come from definitions, so few; the map is emptied if it ever grows large. */
const compiledPaths = new Map<string, CompiledPath>();
const MAX_COMPILED = 10_000;

function compilePath(path: string): CompiledPath {
  let c = compiledPaths.get(path);
  if (c) return c;
  const context = path.startsWith("$$");
  let rest = context ? path.slice(1) : path;
  let variable: string | undefined;
  const v = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
  if (v) {
    variable = v[1];
    rest = "$" + path.slice(v[0].length);
  }
  c = { context, variable, rest };
  if (DEFINITE.test(rest)) {
    c.steps = [...rest.slice(1).matchAll(TOKEN)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3])));
    c.shown = [];
    let shown = "$";
    for (const k of c.steps) c.shown.push((shown += typeof k === "number" ? `[${k}]` : `['${k}']`));
  }
  if (compiledPaths.size >= MAX_COMPILED) compiledPaths.clear();
  compiledPaths.set(path, c);
  return c;
}

/**
 * The value a path selects. A definite path (members and indexes only) yields its one value, or fails as AWS words
 * it: "No results for path: $['a']['b']" when the last step is missing, "Missing property in path $['a']" when an
 * earlier one is (LocalStack snapshots, test_base_scenarios). Other paths (wildcards, slices, filters) yield the
 * list of their matches, evaluated by jsonpath-plus; filters by domain/filter.ts, never by script evaluation.
 */
export function select(path: string, data: Json, context: Context, vars?: Vars): Json {
  const c = compilePath(path);
  let root = c.context ? contextOf(context) : data;
  if (c.variable !== undefined) {
    // "$name", "$name.field": a variable's value (developer guide, variables in JSONPath).
    if (!vars || !Object.hasOwn(vars, c.variable)) throw new PathError(`Invalid path '${path}': The variable '${c.variable}' is not defined`);
    root = vars[c.variable];
  }
  const steps = c.steps;
  if (steps) {
    let node: Json = root;
    for (let i = 0; i < steps.length; i++) {
      const k = steps[i];
      const ok = typeof k === "number" ? Array.isArray(node) && k < node.length : node !== null && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, k);
      if (!ok) {
        const last = i === steps.length - 1;
        throw new PathError(`Invalid path '${path}' : ${last ? `No results for path: ${c.shown![i]}` : `Missing property in path ${c.shown![i]}`}`);
      }
      node = (node as Record<string | number, Json>)[k];
    }
    return node;
  }
  try {
    // Filters go to domain/filter.ts's interpreter (a callback), never to JavaScript evaluation.
    return (JSONPath({ path: c.rest, json: root as object, wrap: true, eval: evaluateFilter as never }) as Json[]) ?? [];
  } catch (e) {
    // A filter outside the supported grammar, or any path the library cannot run, is a runtime error of the state.
    throw new PathError(`Invalid path '${path}' : ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A payload template: keys ending in ".$" take the value their path selects, under the key without ".$". */
export function applyTemplate(t: Json, data: Json, context: Context, vars?: Vars): Json {
  if (Array.isArray(t)) return t.map((x) => applyTemplate(x, data, context, vars));
  if (t === null || typeof t !== "object") return t;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k.endsWith(".$")) {
      try {
        setMember(out, k.slice(0, -2), valueOf(v as string, data, context, vars));
      } catch (e) {
        // A ".$" path that selects nothing names the field and the input (AWS's wording for payload templates).
        if (!(e instanceof PathError) || isIntrinsic(v) || String(v).startsWith("$$")) throw e;
        throw new PathError(`The JSONPath '${String(v)}' specified for the field '${k}' could not be found in the input '${JSON.stringify(data)}'`);
      }
    }
    else setMember(out, k, applyTemplate(v, data, context, vars));
  }
  return out;
}

/** Sets a member as data, also one named "__proto__" (which plain assignment would take as the object's prototype). */
function setMember(o: Record<string, Json>, k: string, v: Json): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

/** The value of a ".$" field: an intrinsic function call or a path. */
export function valueOf(v: string, data: Json, context: Context, vars?: Vars): Json {
  return isIntrinsic(v) ? evaluateIntrinsic(v, (p) => select(p, data, context, vars)) : select(v, data, context, vars);
}

/** A ResultPath's steps, compiled once per path text. */
const resultSteps = new Map<string, (string | number)[]>();

/**
 * ResultPath: null discards the result; "$" replaces the input; otherwise the result is placed into a copy of the
 * input. Only the objects along the path are copied (the rest is shared with the input, which nothing mutates), and
 * members are read and written as the input's own data, never through a prototype ("$.__proto__.x" makes a member).
 */
export function placeResult(resultPath: Json | undefined, input: Json, result: Json): Json {
  if (resultPath === undefined || resultPath === "$") return result;
  if (resultPath === null) return input;
  let steps = resultSteps.get(resultPath as string);
  if (!steps) {
    steps = [];
    const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']+)'\]/g;
    for (const m of (resultPath as string).slice(1).matchAll(re)) steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
    if (resultSteps.size >= MAX_COMPILED) resultSteps.clear();
    resultSteps.set(resultPath as string, steps);
  }
  if (input === null || typeof input !== "object") {
    throw new PathError(`Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}`);
  }
  const fits = (n: unknown, k: string | number) => (Array.isArray(n) ? typeof k === "number" : typeof k === "string");
  const copy = shallowCopy(input);
  let node = copy as Record<string | number, Json>;
  for (let i = 0; i < steps.length - 1; i++) {
    const k = steps[i];
    if (!fits(node, k)) throw new PathError(`Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}`);
    const child = Object.hasOwn(node, k) ? node[k] : undefined;
    const next = child === undefined || child === null || typeof child !== "object" ? {} : shallowCopy(child);
    setMember(node as Record<string, Json>, k as string, next);
    node = next as Record<string | number, Json>;
  }
  if (!fits(node, steps[steps.length - 1])) throw new PathError(`Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}`);
  setMember(node as Record<string, Json>, steps[steps.length - 1] as string, result);
  return copy;
}

/** A copy of one object or array level; members "__proto__" stay data members (spread defines, not assigns). */
function shallowCopy(v: Json[] | { [k: string]: Json }): Json {
  return Array.isArray(v) ? v.slice() : { ...v };
}

/** InputPath: null gives {}; absent means "$". */
export function applyInputPath(path: Json | undefined, input: Json, context: Context, vars?: Vars): Json {
  if (path === null) return {};
  return path === undefined ? input : select(path as string, input, context, vars);
}
