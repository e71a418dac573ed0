// Validation of an Amazon States Language definition at CreateStateMachine: what this version runs (Pass, Wait,
// Choice, Succeed, Fail with JSONPath processing), AWS's diagnostics for structural errors, and a clear refusal of
// everything not carried out yet (Task, Parallel, Map, JSONata, intrinsic functions, Retry/Catch): a definition is
// never accepted and then partly ignored. Diagnostics read "<CODE>: <message> at <path>" as AWS words them
// (Amazon States Language specification; InvalidDefinition in the CreateStateMachine API reference).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type State = Record<string, Json>;
export interface Definition { StartAt: string; States: Record<string, State>; Comment?: string; TimeoutSeconds?: number }

export const SUPPORTED_TYPES = new Set(["Pass", "Wait", "Choice", "Succeed", "Fail", "Task"]);
const PENDING_TYPES = new Set(["Parallel", "Map"]);

/** Fields each state type may have (States Language: "Common State Fields" and each state's own). */
const FIELDS: Record<string, string[]> = {
  Pass: ["Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Parameters", "Result", "ResultPath"],
  Wait: ["Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
  Choice: ["Type", "Comment", "InputPath", "OutputPath", "Choices", "Default"],
  Succeed: ["Type", "Comment", "InputPath", "OutputPath"],
  Fail: ["Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"],
  // A minimal Task (part B's integrations end to end; part A's interpreter brings Retry/Catch, timeouts, tokens).
  Task: ["Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Resource"],
};

const COMPARISONS = [
  "StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals",
  "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
  "BooleanEquals", "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
];
export const CHOICE_OPERATORS = new Set([
  ...COMPARISONS, ...COMPARISONS.map((c) => `${c}Path`), "StringMatches", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp",
]);

const MAX_DEPTH = 256;

/** Nesting depth of a JSON value, computed iteratively. */
function depth(root: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_DEPTH) return d;
    if (v !== null && typeof v === "object") for (const c of Object.values(v)) stack.push([c, d + 1]);
  }
  return max;
}

class Problems {
  list: string[] = [];
  add(code: string, message: string, path: string) {
    this.list.push(`${code}: ${message} at ${path}`);
  }
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSONPath as ASL fields take it: "$" or starting with "$." / "$[" (or "$$." for the context object). */
export function isPath(v: unknown, context = true): boolean {
  return typeof v === "string" && (v === "$" || v.startsWith("$.") || v.startsWith("$[") || (context && (v === "$$" || v.startsWith("$$."))));
}

/** A reference path (ResultPath): only dot or bracket member names and indexes, no filters or wildcards (ASL "Reference Paths"). */
export function isReferencePath(v: string): boolean {
  return v === "$" || /^\$((\.[A-Za-z_][\w-]*)|(\[\d+\])|(\['[^']+'\]))+$/.test(v);
}

function checkPayloadTemplate(p: Problems, v: Json, path: string) {
  if (Array.isArray(v)) v.forEach((x, i) => checkPayloadTemplate(p, x, `${path}[${i}]`));
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k.endsWith(".$")) {
        if (typeof x !== "string") p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a STRING that contains a JSONPath`, `${path}/${k}`);
        else if (x.startsWith("States.")) p.add("SCHEMA_VALIDATION_FAILED", `Intrinsic functions are not supported by this Mailroom version yet ('${k}')`, `${path}/${k}`);
        else if (!isPath(x)) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`, `${path}/${k}`);
      } else checkPayloadTemplate(p, x, `${path}/${k}`);
    }
  }
}

function checkChoiceRule(p: Problems, rule: Json, path: string, top: boolean) {
  if (!isObject(rule)) {
    p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", path);
    return;
  }
  const ops = Object.keys(rule).filter((k) => k !== "Next" && k !== "Variable" && k !== "Comment");
  if (!top && "Next" in rule) p.add("SCHEMA_VALIDATION_FAILED", "Nested choice rules cannot have a 'Next' field", `${path}/Next`);
  if (ops.length !== 1) {
    p.add("SCHEMA_VALIDATION_FAILED", "A choice rule must have exactly one comparison operator", path);
    return;
  }
  const op = ops[0];
  const value = rule[op];
  if (op === "And" || op === "Or") {
    if (!Array.isArray(value) || value.length === 0) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${op}' must be a non-empty ARRAY`, `${path}/${op}`);
    else value.forEach((r, i) => checkChoiceRule(p, r, `${path}/${op}[${i}]`, false));
    if ("Variable" in rule) p.add("SCHEMA_VALIDATION_FAILED", `The field 'Variable' is not supported with '${op}'`, `${path}/Variable`);
    return;
  }
  if (op === "Not") {
    checkChoiceRule(p, value, `${path}/Not`, false);
    return;
  }
  if (!CHOICE_OPERATORS.has(op)) {
    p.add("SCHEMA_VALIDATION_FAILED", `The field '${op}' is not supported by Step Functions`, `${path}/${op}`);
    return;
  }
  if (!isPath(rule.Variable)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Variable' must be a valid JSONPath", `${path}/Variable`);
  const bad = () => p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${op}' is not valid`, `${path}/${op}`);
  if (op.endsWith("Path")) { if (!isPath(value)) bad(); }
  else if (op.startsWith("Is") || op === "BooleanEquals") { if (typeof value !== "boolean") bad(); }
  else if (op.startsWith("Numeric")) { if (typeof value !== "number") bad(); }
  else if (op.startsWith("Timestamp")) { if (typeof value !== "string" || parseTimestamp(value) === undefined) bad(); }
  else if (typeof value !== "string") bad();
}

/** An RFC 3339 timestamp as ASL requires it (a "T", a time zone "Z" or an offset, any fraction); epoch ms, or undefined. */
export function parseTimestamp(v: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || se > 59) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function checkState(p: Problems, name: string, s: Json, names: Set<string>, out: Set<string>) {
  const at = `/States/${name}`;
  if (!isObject(s)) return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", at);
  const type = s.Type;
  if (typeof type !== "string") return p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Type]", at);
  if (PENDING_TYPES.has(type)) return p.add("SCHEMA_VALIDATION_FAILED", `${type} states are not supported by this Mailroom version yet`, `${at}/Type`);
  if (!SUPPORTED_TYPES.has(type)) return p.add("SCHEMA_VALIDATION_FAILED", `The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]`, `${at}/Type`);
  if (name.length > 80) p.add("SCHEMA_VALIDATION_FAILED", "The field 'StateName' must be at most 80 characters", at);
  for (const k of Object.keys(s)) {
    if (k === "QueryLanguage" || k === "Assign" || k === "Arguments" || k === "Output") {
      p.add("SCHEMA_VALIDATION_FAILED", `The field '${k}' (JSONata and variables) is not supported by this Mailroom version yet`, `${at}/${k}`);
    } else if (k === "Retry" || k === "Catch") {
      p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported for state type '${type}'`, `${at}/${k}`);
    } else if (!FIELDS[type].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported for state type '${type}'`, `${at}/${k}`);
  }
  for (const k of ["InputPath", "OutputPath"]) {
    if (k in s && s[k] !== null && !isPath(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
  }
  if ("ResultPath" in s && s.ResultPath !== null && !(typeof s.ResultPath === "string" && isReferencePath(s.ResultPath))) {
    p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'ResultPath' must be a valid Reference Path", `${at}/ResultPath`);
  }
  if ("Parameters" in s) checkPayloadTemplate(p, s.Parameters, `${at}/Parameters`);
  // Transitions: Choice has Choices/Default, Succeed and Fail are terminal, the others exactly one of Next or End.
  const target = (v: Json, path: string) => {
    if (typeof v !== "string") return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Next' must be a STRING", path);
    out.add(v);
    if (!names.has(v)) p.add("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${v}`, path);
  };
  if (type === "Task" && typeof s.Resource !== "string") p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Resource]", at);
  if (type === "Pass" || type === "Wait" || type === "Task") {
    const hasNext = "Next" in s;
    const end = s.End === true;
    if ("End" in s && typeof s.End !== "boolean") p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'End' must be a BOOLEAN", `${at}/End`);
    if (hasNext && end) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'Next' or 'End' can be present", at);
    else if (!hasNext && !end) p.add("SCHEMA_VALIDATION_FAILED", "This state must have exactly one of 'Next' or 'End'", at);
    if (hasNext) target(s.Next, `${at}/Next`);
  }
  if (type === "Wait") {
    const given = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter((k) => k in s);
    if (given.length !== 1) p.add("SCHEMA_VALIDATION_FAILED", "A Wait state must contain exactly one of 'Seconds', 'SecondsPath', 'Timestamp', or 'TimestampPath'", at);
    if ("Seconds" in s && !(Number.isInteger(s.Seconds) && (s.Seconds as number) >= 0 && (s.Seconds as number) <= 99999999)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Seconds' must be a non-negative INTEGER", `${at}/Seconds`);
    if ("Timestamp" in s && !(typeof s.Timestamp === "string" && parseTimestamp(s.Timestamp) !== undefined)) p.add("SCHEMA_VALIDATION_FAILED", "String does not match RFC3339 timestamp", `${at}/Timestamp`);
    for (const k of ["SecondsPath", "TimestampPath"]) if (k in s && !isPath(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
  }
  if (type === "Fail") {
    if ("Error" in s && "ErrorPath" in s) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'Error' or 'ErrorPath' can be present", at);
    if ("Cause" in s && "CausePath" in s) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'Cause' or 'CausePath' can be present", at);
    for (const k of ["ErrorPath", "CausePath"]) {
      if (k in s && typeof s[k] === "string" && (s[k] as string).startsWith("States.")) p.add("SCHEMA_VALIDATION_FAILED", `Intrinsic functions are not supported by this Mailroom version yet ('${k}')`, `${at}/${k}`);
      else if (k in s && !isPath(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
    }
  }
  if (type === "Choice") {
    if (!Array.isArray(s.Choices) || s.Choices.length === 0) p.add("SCHEMA_VALIDATION_FAILED", "The field 'Choices' should be non-empty", `${at}/Choices`);
    else s.Choices.forEach((r, i) => {
      checkChoiceRule(p, r, `${at}/Choices[${i}]`, true);
      if (isObject(r)) {
        if (!("Next" in r)) p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Next]", `${at}/Choices[${i}]`);
        else target(r.Next, `${at}/Choices[${i}]/Next`);
      }
    });
    if ("Default" in s) target(s.Default, `${at}/Default`);
  }
}

/** The definition parsed and checked, or the list of diagnostics (first ones reported by CreateStateMachine). */
export function validateDefinition(text: string): { definition: Definition } | { problems: string[] } {
  // An empty or non-object definition (LocalStack snapshot test_validate_state_machine_definition_not_a_definition).
  const notObject = "SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object";
  if (text.trim() === "") return { problems: [notObject] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { problems: [`INVALID_JSON_DESCRIPTION: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const p = new Problems();
  if (!isObject(doc)) return { problems: [notObject] };
  // Checked without recursion first, so a deeply nested definition is refused instead of overflowing the stack
  // (AWS's own depth limit is not documented; this one is Mailroom's).
  if (depth(doc) > MAX_DEPTH) return { problems: [`SCHEMA_VALIDATION_FAILED: The definition is nested more than ${MAX_DEPTH} levels deep at /`] };
  const required = ["States", "StartAt"].filter((k) => !(k in doc));
  if (required.length > 0) p.add("SCHEMA_VALIDATION_FAILED", `These fields are required: [${required.join(", ")}]`, "/");
  if ("QueryLanguage" in doc && doc.QueryLanguage !== "JSONPath") p.add("SCHEMA_VALIDATION_FAILED", "QueryLanguage JSONata is not supported by this Mailroom version yet", "/QueryLanguage");
  for (const k of Object.keys(doc)) if (!["StartAt", "States", "Comment", "TimeoutSeconds", "Version", "QueryLanguage"].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `/${k}`);
  // TimeoutSeconds: the execution's limit, a positive integer (States Language "Top-level fields").
  if ("TimeoutSeconds" in doc && !(Number.isInteger(doc.TimeoutSeconds) && (doc.TimeoutSeconds as number) > 0 && (doc.TimeoutSeconds as number) <= 99_999_999)) {
    p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'TimeoutSeconds' must be a positive INTEGER", "/TimeoutSeconds");
  }
  if (p.list.length > 0) return { problems: p.list };
  if (!isObject(doc.States) || Object.keys(doc.States).length === 0) return { problems: ["SCHEMA_VALIDATION_FAILED: The field 'States' should be a non-empty OBJECT at /States"] };
  const names = new Set(Object.keys(doc.States));
  if (typeof doc.StartAt !== "string") p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'StartAt' must be a STRING", "/StartAt");
  else if (!names.has(doc.StartAt)) p.add("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${doc.StartAt}`, "/StartAt");
  const targets = new Map<string, Set<string>>();
  for (const [name, s] of Object.entries(doc.States)) {
    const out = new Set<string>();
    checkState(p, name, s, names, out);
    targets.set(name, out);
  }
  if (p.list.length > 0) return { problems: p.list };
  // Every state must be reachable from StartAt, and some state must end the execution.
  const seen = new Set<string>([doc.StartAt as string]);
  const queue = [doc.StartAt as string];
  while (queue.length > 0) for (const t of targets.get(queue.pop()!) ?? []) if (!seen.has(t)) { seen.add(t); queue.push(t); }
  for (const name of names) if (!seen.has(name)) p.add("MISSING_TRANSITION_TARGET", `State "${name}" is not reachable.`, `/States/${name}`);
  const terminal = Object.values(doc.States as Record<string, State>).some((s) => s.Type === "Succeed" || s.Type === "Fail" || s.End === true);
  if (!terminal) p.add("MISSING_TERMINAL_STATE", "Workflow has no terminal state", "/");
  if (p.list.length > 0) return { problems: p.list };
  return { definition: doc as unknown as Definition };
}
