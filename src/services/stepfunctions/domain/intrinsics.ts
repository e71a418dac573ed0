// Intrinsic functions of JSONPath states (Step Functions developer guide, "Intrinsic functions"): a value such as
// "States.Format('Hello {}', $.name)" in a ".$" field, an Assign, ErrorPath or CausePath. Parsed by a small
// recursive-descent reader (string literals in single quotes with \' \{ \} \\ escapes, numbers, true/false/null,
// paths, nested calls), evaluated without any code evaluation. Wrong arguments raise States.IntrinsicFailure (the
// error name the developer guide lists for "an intrinsic function ... failed"), which a Catch may handle.
import { createHash, randomUUID } from "node:crypto";
import type { Json } from "./json.ts";

export class IntrinsicError extends Error {}

export type Arg =
  | { kind: "literal"; value: Json }
  | { kind: "path"; path: string }
  | { kind: "call"; name: string; args: Arg[] };

/** Argument counts per function: [min, max] (developer guide, each function's "Arguments"). */
const ARITY: Record<string, [number, number]> = {
  "States.Format": [1, 256], "States.StringToJson": [1, 1], "States.JsonToString": [1, 1], "States.Array": [0, 256],
  "States.ArrayPartition": [2, 2], "States.ArrayContains": [2, 2], "States.ArrayRange": [3, 3], "States.ArrayGetItem": [2, 2],
  "States.ArrayLength": [1, 1], "States.ArrayUnique": [1, 1], "States.Base64Encode": [1, 1], "States.Base64Decode": [1, 1],
  "States.Hash": [2, 2], "States.JsonMerge": [3, 3], "States.MathRandom": [2, 3], "States.MathAdd": [2, 2],
  "States.StringSplit": [2, 2], "States.UUID": [0, 0],
};
export const INTRINSICS = Object.keys(ARITY);

/** Nesting of calls in one expression (Mailroom's bound; AWS documents none). */
const MAX_NESTING = 32;

export function isIntrinsic(v: unknown): v is string {
  return typeof v === "string" && /^States\.[A-Za-z0-9]+\(/.test(v.trim());
}

/** Parses a call; throws IntrinsicError with the reason when it is not one (used by validation too). */
export function parseIntrinsic(text: string): Arg {
  let i = 0;
  const s = text.trim();
  const ws = () => { while (i < s.length && /\s/.test(s[i])) i++; };
  const fail = (why: string): never => { throw new IntrinsicError(`The value '${text}' is not a valid intrinsic function call: ${why}`); };
  function call(depth: number): Arg {
    if (depth > MAX_NESTING) fail("nested too deeply");
    const m = /^States\.[A-Za-z0-9]+/.exec(s.slice(i));
    if (!m) fail(`expected a function name at position ${i}`);
    const name = m![0];
    if (!(name in ARITY)) fail(`unknown function ${name}`);
    i += name.length;
    ws();
    if (s[i] !== "(") fail("expected '('");
    i++;
    const args: Arg[] = [];
    ws();
    if (s[i] === ")") i++;
    else {
      for (;;) {
        ws();
        args.push(arg(depth));
        ws();
        if (s[i] === ",") { i++; continue; }
        if (s[i] === ")") { i++; break; }
        fail(`expected ',' or ')' at position ${i}`);
      }
    }
    const [min, max] = ARITY[name];
    if (args.length < min || args.length > max) {
      fail(`${name} takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, ${args.length} given`);
    }
    return { kind: "call", name, args };
  }
  function arg(depth: number): Arg {
    const c = s[i];
    if (c === "'") {
      i++;
      let out = "";
      while (i < s.length && s[i] !== "'") {
        if (s[i] === "\\" && i + 1 < s.length) { out += s[i + 1]; i += 2; } else out += s[i++];
      }
      if (s[i] !== "'") fail("unterminated string");
      i++;
      return { kind: "literal", value: out };
    }
    if (c === "$") {
      const start = i;
      let bracket = 0;
      let quote: string | undefined;
      while (i < s.length) {
        const ch = s[i];
        if (quote) { if (ch === quote) quote = undefined; }
        else if (ch === "'" || ch === '"') quote = ch;
        else if (ch === "[" || ch === "(") bracket++;
        else if (ch === "]" || ch === ")") { if (bracket === 0) break; bracket--; }
        else if (ch === "," && bracket === 0) break;
        i++;
      }
      return { kind: "path", path: s.slice(start, i).trim() };
    }
    if (s.startsWith("States.", i)) return call(depth + 1);
    const lit = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i));
    if (lit) { i += lit[0].length; return { kind: "literal", value: JSON.parse(lit[0]) as Json }; }
    return fail(`unexpected '${c ?? "end of input"}' at position ${i}`);
  }
  const r = call(0);
  ws();
  if (i !== s.length) fail(`unexpected text after the call at position ${i}`);
  return r;
}

const cache = new Map<string, Arg>();
function parsed(text: string): Arg {
  let a = cache.get(text);
  if (!a) {
    a = parseIntrinsic(text);
    if (cache.size > 10_000) cache.clear();
    cache.set(text, a);
  }
  return a;
}

const type = (v: Json) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const deepEqual = (a: Json, b: Json): boolean => canonical(a) === canonical(b);
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** Evaluates an intrinsic call; `resolve` reads a path argument ($, $.x, $$.x, $var). */
export function evaluateIntrinsic(text: string, resolve: (path: string) => Json): Json {
  return run(parsed(text), resolve);
}

function run(a: Arg, resolve: (path: string) => Json): Json {
  if (a.kind === "literal") return a.value;
  if (a.kind === "path") return resolve(a.path);
  const args = a.args.map((x) => run(x, resolve));
  const fn = a.name;
  const bad = (why: string): never => { throw new IntrinsicError(`Invalid arguments in ${fn}: ${why}`); };
  const str = (v: Json, what: string): string => (typeof v === "string" ? v : bad(`${what} must be a string, got ${type(v)}`));
  const arr = (v: Json, what: string): Json[] => (Array.isArray(v) ? v : bad(`${what} must be an array, got ${type(v)}`));
  const int = (v: Json, what: string): number => (typeof v === "number" && Number.isInteger(v) ? v : bad(`${what} must be an integer, got ${JSON.stringify(v)}`));
  switch (fn) {
    case "States.Format": {
      const template = str(args[0], "the template");
      const values = args.slice(1);
      let out = "";
      let k = 0;
      for (let i = 0; i < template.length; i++) {
        const c = template[i];
        if (c === "\\" && i + 1 < template.length) { out += template[++i]; continue; }
        if (c === "{" && template[i + 1] === "}") {
          if (k >= values.length) bad("the template has more placeholders than arguments");
          const v = values[k++];
          // Arguments must be strings, numbers, booleans or null (developer guide, States.Format).
          if (v !== null && typeof v === "object") bad(`argument ${k} must be a string, number, boolean or null, got ${type(v)}`);
          out += v === null ? "null" : String(v);
          i++;
          continue;
        }
        out += c;
      }
      if (k !== values.length) bad("the number of arguments does not match the number of placeholders");
      return out;
    }
    case "States.StringToJson": {
      const s = str(args[0], "the argument");
      try { return JSON.parse(s) as Json; } catch { return bad(`'${s}' is not valid JSON`); }
    }
    case "States.JsonToString": return JSON.stringify(args[0]);
    case "States.Array": return args;
    case "States.ArrayPartition": {
      const list = arr(args[0], "the first argument");
      const size = int(args[1], "the chunk size");
      if (size <= 0) bad("the chunk size must be greater than 0");
      const out: Json[] = [];
      for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
      return out;
    }
    case "States.ArrayContains": return arr(args[0], "the first argument").some((v) => deepEqual(v, args[1]));
    case "States.ArrayRange": {
      const [start, end, step] = [int(args[0], "start"), int(args[1], "end"), int(args[2], "step")];
      if (step === 0) bad("step must not be 0");
      // At most 1,000 elements (developer guide, States.ArrayRange).
      const count = Math.floor((end - start) / step) + 1;
      if (count > 1000) bad("the array would have more than 1000 elements");
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) out.push(v);
      return out;
    }
    case "States.ArrayGetItem": {
      const list = arr(args[0], "the first argument");
      const index = int(args[1], "the index");
      if (index < 0 || index >= list.length) bad(`the index ${index} is out of bounds for an array of length ${list.length}`);
      return list[index];
    }
    case "States.ArrayLength": return arr(args[0], "the argument").length;
    case "States.ArrayUnique": {
      const seen = new Set<string>();
      return arr(args[0], "the argument").filter((v) => { const k = canonical(v); if (seen.has(k)) return false; seen.add(k); return true; });
    }
    case "States.Base64Encode": {
      const s = str(args[0], "the argument");
      // Input of at most 10,000 characters (developer guide, States.Base64Encode).
      if (s.length > 10_000) bad("the input is longer than 10000 characters");
      return Buffer.from(s, "utf8").toString("base64");
    }
    case "States.Base64Decode": {
      const s = str(args[0], "the argument");
      if (s.length > 10_000) bad("the input is longer than 10000 characters");
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) bad(`'${s}' is not valid base64`);
      return Buffer.from(s, "base64").toString("utf8");
    }
    case "States.Hash": {
      const data = typeof args[0] === "string" ? args[0] : JSON.stringify(args[0]);
      if (data.length > 10_000) bad("the data is longer than 10000 characters");
      const algorithm = str(args[1], "the algorithm");
      // Algorithms as the developer guide lists them for States.Hash.
      const algo = ({ MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" } as Record<string, string>)[algorithm];
      if (!algo) bad(`the algorithm '${algorithm}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512`);
      return createHash(algo!).update(data, "utf8").digest("hex");
    }
    case "States.JsonMerge": {
      const [a1, a2, deep] = args;
      if (a1 === null || typeof a1 !== "object" || Array.isArray(a1)) bad("the first argument must be a JSON object");
      if (a2 === null || typeof a2 !== "object" || Array.isArray(a2)) bad("the second argument must be a JSON object");
      if (typeof deep !== "boolean") bad("the third argument must be a boolean");
      // Only the shallow mode is supported (developer guide, States.JsonMerge: "set the boolean value to false").
      if (deep) bad("deep merging is not supported; the third argument must be false");
      return { ...(a1 as Record<string, Json>), ...(a2 as Record<string, Json>) };
    }
    case "States.MathRandom": {
      const start = int(args[0], "start");
      const end = int(args[1], "end");
      if (end <= start) bad("end must be greater than start");
      let r = Math.random();
      if (args.length === 3) {
        const seed = int(args[2], "seed");
        // A seeded generator (mulberry32): the same seed gives the same number.
        let t = (seed + 0x6d2b79f5) | 0;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      }
      return start + Math.floor(r * (end - start));
    }
    case "States.MathAdd": {
      const a = int(args[0], "the first argument");
      const b = int(args[1], "the second argument");
      // Integers in Java's int range (developer guide, States.MathAdd: -2147483648 to 2147483647).
      for (const v of [a, b]) if (v < -2147483648 || v > 2147483647) bad(`${v} is out of the integer range`);
      return a + b;
    }
    case "States.StringSplit": {
      const s = str(args[0], "the first argument");
      const delimiters = str(args[1], "the delimiter");
      const out: string[] = [];
      let cur = "";
      for (const ch of s) {
        if (delimiters.includes(ch)) { if (cur !== "") out.push(cur); cur = ""; } else cur += ch;
      }
      if (cur !== "") out.push(cur);
      return out;
    }
    case "States.UUID": return randomUUID();
  }
  return bad("unknown function");
}
