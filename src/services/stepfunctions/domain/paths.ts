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
 * The value a path selects. A definite path (members and indexes only) yields its one value, or fails as AWS words
 * it: "No results for path: $['a']['b']" when the last step is missing, "Missing property in path $['a']" when an
 * earlier one is (LocalStack snapshots, test_base_scenarios). Other paths (wildcards, slices, filters) yield the
 * list of their matches, evaluated by jsonpath-plus; filters by domain/filter.ts, never by script evaluation.
 */
export function select(path: string, data: Json, context: Json, vars?: Vars): Json {
  let root = path.startsWith("$$") ? context : data;
  let p = path.startsWith("$$") ? path.slice(1) : path;
  const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
  if (variable) {
    // "$name", "$name.field": a variable's value (developer guide, variables in JSONPath).
    if (!vars || !Object.hasOwn(vars, variable[1])) throw new PathError(`Invalid path '${path}': The variable '${variable[1]}' is not defined`);
    root = vars[variable[1]];
    p = "$" + path.slice(variable[0].length);
  }
  if (DEFINITE.test(p)) {
    const steps = [...p.slice(1).matchAll(TOKEN)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3])));
    let node: Json = root;
    let shown = "$";
    for (let i = 0; i < steps.length; i++) {
      const k = steps[i];
      shown += typeof k === "number" ? `[${k}]` : `['${k}']`;
      const ok = typeof k === "number" ? Array.isArray(node) && k < node.length : node !== null && typeof node === "object" && !Array.isArray(node) && Object.hasOwn(node, k);
      if (!ok) {
        const last = i === steps.length - 1;
        throw new PathError(`Invalid path '${path}' : ${last ? `No results for path: ${shown}` : `Missing property in path ${shown}`}`);
      }
      node = (node as Record<string | number, Json>)[k];
    }
    return node;
  }
  try {
    // Filters go to domain/filter.ts's interpreter (a callback), never to JavaScript evaluation.
    return (JSONPath({ path: p, json: root as object, wrap: true, eval: evaluateFilter as never }) as Json[]) ?? [];
  } catch (e) {
    // A filter outside the supported grammar, or any path the library cannot run, is a runtime error of the state.
    throw new PathError(`Invalid path '${path}' : ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A payload template: keys ending in ".$" take the value their path selects, under the key without ".$". */
export function applyTemplate(t: Json, data: Json, context: Json, vars?: Vars): Json {
  if (Array.isArray(t)) return t.map((x) => applyTemplate(x, data, context, vars));
  if (t === null || typeof t !== "object") return t;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k.endsWith(".$")) {
      try {
        out[k.slice(0, -2)] = valueOf(v as string, data, context, vars);
      } catch (e) {
        // A ".$" path that selects nothing names the field and the input (AWS's wording for payload templates).
        if (!(e instanceof PathError) || isIntrinsic(v) || String(v).startsWith("$$")) throw e;
        throw new PathError(`The JSONPath '${String(v)}' specified for the field '${k}' could not be found in the input '${JSON.stringify(data)}'`);
      }
    }
    else out[k] = applyTemplate(v, data, context, vars);
  }
  return out;
}

/** The value of a ".$" field: an intrinsic function call or a path. */
export function valueOf(v: string, data: Json, context: Json, vars?: Vars): Json {
  return isIntrinsic(v) ? evaluateIntrinsic(v, (p) => select(p, data, context, vars)) : select(v, data, context, vars);
}

/** ResultPath: null discards the result; "$" replaces the input; otherwise the result is placed into a copy of the input. */
export function placeResult(resultPath: Json | undefined, input: Json, result: Json): Json {
  if (resultPath === undefined || resultPath === "$") return result;
  if (resultPath === null) return input;
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']+)'\]/g;
  for (const m of (resultPath as string).slice(1).matchAll(re)) steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]));
  const copy = structuredClone(input);
  if (copy === null || typeof copy !== "object") {
    throw new PathError(`Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}`);
  }
  let node = copy as Record<string | number, Json>;
  const fits = (n: unknown, k: string | number) => (Array.isArray(n) ? typeof k === "number" : typeof k === "string");
  for (let i = 0; i < steps.length - 1; i++) {
    const k = steps[i];
    if (!fits(node, k)) throw new PathError(`Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}`);
    if (node[k] === undefined || node[k] === null || typeof node[k] !== "object") node[k] = {};
    node = node[k] as Record<string | number, Json>;
  }
  if (!fits(node, steps[steps.length - 1])) throw new PathError(`Unable to apply ResultPath '${resultPath}' to input ${JSON.stringify(input)}`);
  node[steps[steps.length - 1]] = result;
  return copy;
}

/** InputPath: null gives {}; absent means "$". */
export function applyInputPath(path: Json | undefined, input: Json, context: Json, vars?: Vars): Json {
  if (path === null) return {};
  return path === undefined ? input : select(path as string, input, context, vars);
}
