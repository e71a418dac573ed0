// What a target receives from an event: the constant Input, the part InputPath selects, or an InputTransformer's
// InputTemplate filled from its InputPathsMap and the predefined <aws.events.*> variables (EventBridge user guide,
// "Amazon EventBridge input transformation"; PutTargets API reference, InputTransformer). Pure, linear in the
// template and the event: no RegExp is built from user input.
import { validation } from "../errors.ts";

/** JSONPath steps EventBridge accepts (user guide: dot notation, dashes, underscores, alphanumerics, array indices, wildcards, forward slashes). */
export type PathStep = string | number | "*";

const WILDCARD = Symbol("wildcard");
type Step = string | number | typeof WILDCARD;

/** Parses `$` followed by `.name`, `['name']`, `["name"]`, `[index]`, `.*` or `[*]` steps; undefined when it is not such a path. */
export function parsePath(path: string): Step[] | undefined {
  // InputPath and InputPathsMap values: at most 256 characters (TargetInputPath in the API reference).
  if (path.length > 256 || !path.startsWith("$")) return undefined;
  const steps: Step[] = [];
  let i = 1;
  const name = (c: string) => /[A-Za-z0-9_$@\-/:]/.test(c);
  while (i < path.length) {
    if (path[i] === "." && path[i + 1] === "*") {
      steps.push(WILDCARD);
      i += 2;
    } else if (path[i] === ".") {
      let j = i + 1;
      while (j < path.length && name(path[j])) j++;
      if (j === i + 1) return undefined;
      steps.push(path.slice(i + 1, j));
      i = j;
    } else if (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close);
      if (inner === "*") steps.push(WILDCARD);
      else if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (inner.length >= 2 && (inner[0] === "'" || inner[0] === '"') && inner[inner.length - 1] === inner[0]) {
        // A quoted name may hold "]": find the closing quote followed by "]".
        steps.push(inner.slice(1, -1).replace(/\\(.)/g, "$1"));
      } else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

/** The values a path selects: one value, or (with a wildcard) the list of them; undefined when nothing is selected. */
export function selectPath(doc: unknown, steps: Step[]): unknown {
  let wild = false;
  let at: unknown[] = [doc];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of at) {
      if (v === null || typeof v !== "object") continue;
      if (step === WILDCARD) {
        wild = true;
        next.push(...(Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)));
      } else if (typeof step === "number") {
        if (Array.isArray(v) && step < v.length) next.push(v[step]);
      } else if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, step)) {
        next.push((v as Record<string, unknown>)[step]);
      }
    }
    at = next;
  }
  if (wild) return at.length > 0 ? at : undefined;
  return at.length > 0 ? at[0] : undefined;
}

/** Variables every InputTemplate may use without defining them (user guide, "Predefined variables"); they can't be redefined. */
export const PREDEFINED = ["aws.events.rule-arn", "aws.events.rule-name", "aws.events.event.ingestion-time", "aws.events.event", "aws.events.event.json"];
/** Predefined variables whose contents are not escaped: only usable as the value of a JSON field (same page). */
const JSON_ONLY = new Set(["aws.events.event", "aws.events.event.json"]);

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

interface Piece {
  text?: string;
  variable?: string;
  /** Whether the placeholder sits inside a JSON string literal of the template. */
  quoted?: boolean;
}

/** Splits a template into text and placeholders, noting which placeholders sit inside a string literal. */
function tokenize(template: string): Piece[] {
  const out: Piece[] = [];
  let inString = false;
  let start = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\\" && inString) {
      i++;
      continue;
    }
    if (c === '"') {
      inString = !inString;
      continue;
    }
    if (c !== "<") continue;
    let j = i + 1;
    while (j < template.length && /[A-Za-z0-9_.\-]/.test(template[j])) j++;
    if (j === i + 1 || template[j] !== ">") continue;
    if (i > start) out.push({ text: template.slice(start, i) });
    out.push({ variable: template.slice(i + 1, j), quoted: inString });
    start = j + 1;
    i = j;
  }
  if (start < template.length) out.push({ text: template.slice(start) });
  return out;
}

/**
 * PutTargets' checks of an InputTransformer: at most 100 variables with names of [A-Za-z0-9_-] (TransformerPaths,
 * InputTransformerPathKey), none reserved, paths EventBridge can read, a template of 1-8192 characters whose
 * placeholders are all defined, and <aws.events.event(.json)> only as a JSON value. AWS's wordings for an undefined
 * placeholder and for a JSON-only one as recorded (LocalStack's events target validation; AWS measurements quoted in
 * a CloudFormation policy pack: "contains placeholder aws.events.event.json valid only for JSON template").
 */
export function checkTransformer(t: InputTransformer, targetId: string, path: string): void {
  const template = t.InputTemplate;
  if (typeof template !== "string") throw validation(`1 validation error detected: Value null at '${path}.inputTemplate' failed to satisfy constraint: Member must not be null`);
  if (template.length < 1) throw validation(`1 validation error detected: Value '' at '${path}.inputTemplate' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (template.length > 8192) throw validation(`1 validation error detected: Value at '${path}.inputTemplate' failed to satisfy constraint: Member must have length less than or equal to 8192`);
  const map = t.InputPathsMap ?? {};
  const keys = Object.keys(map);
  if (keys.length > 100) throw validation(`1 validation error detected: Value at '${path}.inputPathsMap' failed to satisfy constraint: Member must have length less than or equal to 100`);
  for (const k of keys) {
    if (k.length < 1 || k.length > 256 || !/^[A-Za-z0-9_-]+$/.test(k)) {
      throw validation(`1 validation error detected: Value '${k}' at '${path}.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]`);
    }
    // Reserved names cannot be defined (user guide, "Predefined variables": "you can't create variables with these names").
    if (PREDEFINED.includes(k)) throw validation(`InputTransformer for target ${targetId} defines reserved variable ${k}.`);
    const p = map[k];
    if (typeof p !== "string" || !parsePath(p)) throw validation(`InputPathsMap for target ${targetId} contains invalid JSONPath ${String(p)}.`);
  }
  for (const piece of tokenize(template)) {
    if (piece.variable === undefined) continue;
    const v = piece.variable;
    if (!(v in map) && !PREDEFINED.includes(v)) throw validation(`InputTemplate for target ${targetId} contains invalid placeholder ${v}.`);
    if (JSON_ONLY.has(v) && piece.quoted) throw validation(`InputTemplate for target ${targetId} contains placeholder ${v} valid only for JSON template.`);
  }
}

export interface TransformContext {
  ruleArn: string;
  ruleName: string;
  /** When EventBridge received the event (ms). */
  ingestedAt: number;
}

/**
 * The largest transformed input: 256 KiB, what PutEvents accepts for a whole request (PutEvents API reference). A
 * Mailroom bound: a short template repeating a placeholder of a large value would otherwise grow without limit.
 */
export const MAX_TRANSFORMED_BYTES = 256 * 1024;

export class TransformTooLarge extends Error {}

/**
 * Fills the template. A placeholder outside a string literal becomes the value as JSON (a string quoted, a missing
 * value null); inside a string literal it becomes the text itself (a string unescaped, as the user guide's "Common
 * issues" says: "EventBridge doesn't escape values extracted by Input Path"; other values as JSON text; missing: nothing).
 * Throws TransformTooLarge past MAX_TRANSFORMED_BYTES characters.
 */
export function applyTransformer(t: InputTransformer, event: Record<string, unknown>, c: TransformContext): string {
  const values = new Map<string, unknown>();
  for (const [k, p] of Object.entries(t.InputPathsMap ?? {})) {
    const steps = parsePath(p);
    const v = steps ? selectPath(event, steps) : undefined;
    if (v !== undefined) values.set(k, v);
  }
  const { detail: _detail, ...withoutDetail } = event;
  const predefined: Record<string, unknown> = {
    "aws.events.rule-arn": c.ruleArn,
    "aws.events.rule-name": c.ruleName,
    "aws.events.event.ingestion-time": new Date(c.ingestedAt).toISOString(),
    "aws.events.event": withoutDetail,
    "aws.events.event.json": event,
  };
  // Each value is rendered once per form, however often the template repeats it.
  const rendered = new Map<string, string>();
  const render = (name: string, quoted: boolean): string => {
    const key = `${quoted ? "q" : "j"}${name}`;
    let r = rendered.get(key);
    if (r === undefined) {
      const v = name in predefined && !values.has(name) ? predefined[name] : values.get(name);
      r = quoted ? (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v)) : v === undefined ? "null" : JSON.stringify(v);
      rendered.set(key, r);
    }
    return r;
  };
  const parts: string[] = [];
  let size = 0;
  for (const piece of tokenize(t.InputTemplate)) {
    const text = piece.variable === undefined ? (piece.text as string) : render(piece.variable, piece.quoted === true);
    size += text.length;
    if (size > MAX_TRANSFORMED_BYTES) throw new TransformTooLarge(`The transformed input is larger than ${MAX_TRANSFORMED_BYTES} characters.`);
    parts.push(text);
  }
  return parts.join("");
}
