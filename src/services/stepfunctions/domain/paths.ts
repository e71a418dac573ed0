// JSONPath input and output processing (States Language "Input and Output Processing"): InputPath, Parameters
// (payload templates with ".$" keys, the context object "$$"), ResultSelector, ResultPath, OutputPath. Paths are
// evaluated by jsonpath-plus with script evaluation disabled (eval: false), so user input never reaches code.
import { JSONPath } from "jsonpath-plus";
import type { Json } from "./definition.ts";

/** A States.Runtime failure while processing a state's input or output (the caller words the cause). */
export class PathError extends Error {}

/** The value a path selects: one match as is; a path with wildcards or filters yields the list of matches. */
export function select(path: string, data: Json, context: Json): Json {
  const root = path.startsWith("$$") ? context : data;
  const p = path.startsWith("$$") ? path.slice(1) : path;
  if (p === "$") return root;
  let results: { value: Json; path: string }[];
  try {
    results = JSONPath({ path: p, json: root as object, wrap: true, eval: false, resultType: "all" }) as { value: Json; path: string }[];
  } catch (e) {
    // Filter scripts are refused by eval: false; any path the library cannot run is a runtime error of the state.
    throw new PathError(`Invalid path '${path}' : ${e instanceof Error ? e.message : String(e)}`);
  }
  if (results.length === 0) throw new PathError(`Invalid path '${path}' : No results for path: ${normalize(p)}`);
  const definite = /^\$((\.[A-Za-z_][\w-]*)|(\[\d+\])|(\['[^']*'\]))*$/.test(p);
  return definite ? results[0].value : results.map((r) => r.value);
}

function normalize(p: string): string {
  return p.replace(/\.([A-Za-z_][\w-]*)/g, "['$1']");
}

/** A payload template: keys ending in ".$" take the value their path selects, under the key without ".$". */
export function applyTemplate(t: Json, data: Json, context: Json): Json {
  if (Array.isArray(t)) return t.map((x) => applyTemplate(x, data, context));
  if (t === null || typeof t !== "object") return t;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(t)) {
    if (k.endsWith(".$")) out[k.slice(0, -2)] = select(v as string, data, context);
    else out[k] = applyTemplate(v, data, context);
  }
  return out;
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
  for (let i = 0; i < steps.length - 1; i++) {
    const k = steps[i];
    if (node[k] === undefined || node[k] === null || typeof node[k] !== "object") node[k] = {};
    node = node[k] as Record<string | number, Json>;
  }
  node[steps[steps.length - 1]] = result;
  return copy;
}

/** InputPath: null gives {}; absent means "$". */
export function applyInputPath(path: Json | undefined, input: Json, context: Json): Json {
  if (path === null) return {};
  return path === undefined ? input : select(path as string, input, context);
}
