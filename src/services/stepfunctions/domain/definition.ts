// Validation of an Amazon States Language definition at CreateStateMachine and ValidateStateMachineDefinition:
// every state type (Pass, Task, Wait, Choice, Succeed, Fail, Parallel, Map inline) in JSONPath and JSONata, Retry and
// Catch, intrinsic functions, variables, nested scopes (Parallel branches, Map item processors) checked as
// workflows of their own. Diagnostics read "<CODE>: <message> at <path>" as AWS words them (Amazon States Language
// specification; InvalidDefinition in the CreateStateMachine API reference); what Mailroom does not run yet
// (distributed Map, Credentials) is refused with a clear message, never accepted and then ignored.
import { isIntrinsic, parseIntrinsic } from "./intrinsics.ts";
import { compileProblem, isExpression } from "./jsonata.ts";

export type { Json } from "./json.ts";
import type { Json } from "./json.ts";
export type State = Record<string, Json>;
export interface Definition { StartAt: string; States: Record<string, State>; Comment?: string; TimeoutSeconds?: number; QueryLanguage?: string }

export const SUPPORTED_TYPES = new Set(["Pass", "Wait", "Choice", "Succeed", "Fail", "Task", "Parallel", "Map"]);

const RETRYING = ["Retry", "Catch"];
/**
 * Fields each state type may have in each query language (States Language "Common State Fields" and each state's
 * own; developer guide, "JSONata": JSONata states take Arguments/Output/Items instead of the Path fields).
 */
const FIELDS: Record<string, { common: string[]; JSONPath: string[]; JSONata: string[] }> = {
  Pass: { common: ["Next", "End", "Assign"], JSONPath: ["InputPath", "OutputPath", "Parameters", "Result", "ResultPath"], JSONata: ["Output"] },
  Wait: { common: ["Next", "End", "Assign", "Seconds", "Timestamp"], JSONPath: ["InputPath", "OutputPath", "SecondsPath", "TimestampPath"], JSONata: ["Output"] },
  Choice: { common: ["Choices", "Default", "Assign"], JSONPath: ["InputPath", "OutputPath"], JSONata: ["Output"] },
  Succeed: { common: [], JSONPath: ["InputPath", "OutputPath"], JSONata: ["Output"] },
  Fail: { common: ["Error", "Cause"], JSONPath: ["ErrorPath", "CausePath"], JSONata: [] },
  Task: {
    common: ["Next", "End", "Assign", "Resource", "TimeoutSeconds", "HeartbeatSeconds", "Credentials", ...RETRYING],
    JSONPath: ["InputPath", "OutputPath", "Parameters", "ResultPath", "ResultSelector", "TimeoutSecondsPath", "HeartbeatSecondsPath"],
    JSONata: ["Arguments", "Output"],
  },
  Parallel: { common: ["Next", "End", "Assign", "Branches", ...RETRYING], JSONPath: ["InputPath", "OutputPath", "Parameters", "ResultPath", "ResultSelector"], JSONata: ["Arguments", "Output"] },
  Map: {
    common: ["Next", "End", "Assign", "ItemProcessor", "ItemSelector", "MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage", "ItemReader", "ItemBatcher", "ResultWriter", "Label", ...RETRYING],
    JSONPath: ["InputPath", "OutputPath", "ResultPath", "ResultSelector", "ItemsPath", "Iterator", "Parameters", "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"],
    JSONata: ["Items", "Output"],
  },
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

export interface Diagnostic { code: string; message: string; location: string }

class Problems {
  /** Checking an EXPRESS machine (which takes request-response tasks only). */
  express = false;
  list: string[] = [];
  diagnostics: Diagnostic[] = [];
  add(code: string, message: string, path: string) {
    this.list.push(`${code}: ${message} at ${path}`);
    this.diagnostics.push({ code, message, location: path });
  }
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSONPath as ASL fields take it: "$" or starting with "$." / "$[" (or "$$." for the context object, "$name" for a variable). */
export function isPath(v: unknown, context = true): boolean {
  return typeof v === "string" && (v === "$" || v.startsWith("$.") || v.startsWith("$[") || (context && (v === "$$" || v.startsWith("$$."))) || /^\$[A-Za-z_][A-Za-z0-9_]*([.[]|$)/.test(v));
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
        else if (isIntrinsic(x)) {
          try {
            parseIntrinsic(x);
          } catch (e) {
            p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call (${(e as Error).message})`, `${path}/${k}`);
          }
        } else if (!isPath(x)) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`, `${path}/${k}`);
      } else checkPayloadTemplate(p, x, `${path}/${k}`);
    }
  }
}

function checkChoiceRule(p: Problems, rule: Json, path: string, top: boolean) {
  if (!isObject(rule)) {
    p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", path);
    return;
  }
  const ops = Object.keys(rule).filter((k) => k !== "Next" && k !== "Variable" && k !== "Comment" && k !== "Assign");
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

/** Every "{% %}" string in a value compiles (JSONata states). */
function checkExpressions(p: Problems, v: Json, path: string) {
  if (isExpression(v)) {
    const why = compileProblem(v);
    if (why) p.add("SCHEMA_VALIDATION_FAILED", `The JSONata expression '${v}' is not valid: ${why}`, path);
  } else if (Array.isArray(v)) v.forEach((x, i) => checkExpressions(p, x, `${path}[${i}]`));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) checkExpressions(p, x, `${path}/${k}`);
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
// eslint-disable-next-line no-control-regex
const validLabel = (v: string) => v.length > 0 && !/[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/.test(v);

/** Assign: variable names, and in JSONPath ".$" values that are paths or intrinsic calls (developer guide, variables). */
function checkAssign(p: Problems, v: Json, path: string, ql: string) {
  if (!isObject(v)) return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Assign' must be an OBJECT", path);
  for (const [k, x] of Object.entries(v)) {
    const name = ql === "JSONPath" && k.endsWith(".$") ? k.slice(0, -2) : k;
    // Variable names start with a letter or underscore; "states" is reserved (developer guide, "Variable names").
    if (!VARIABLE.test(name) || name === "states") p.add("SCHEMA_VALIDATION_FAILED", `The variable name '${name}' is not valid`, `${path}/${k}`);
    if (ql === "JSONPath") checkPayloadTemplate(p, { [k]: x }, path);
    else checkExpressions(p, x, `${path}/${k}`);
  }
}

const positiveInt = (v: unknown, max = 99_999_999) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= max;

function checkRetryCatch(p: Problems, s: State, at: string, ql: string, target: (v: Json, path: string) => void) {
  for (const field of ["Retry", "Catch"]) {
    if (!(field in s)) continue;
    const list = s[field];
    if (!Array.isArray(list)) { p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${field}' must be an ARRAY`, `${at}/${field}`); continue; }
    list.forEach((r, i) => {
      const rp = `${at}/${field}[${i}]`;
      if (!isObject(r)) return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", rp);
      const allowed = field === "Retry"
        ? ["ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"]
        : ["ErrorEquals", "Next", "Comment", "Assign", ...(ql === "JSONata" ? ["Output"] : ["ResultPath"])];
      for (const k of Object.keys(r)) if (!allowed.includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `${rp}/${k}`);
      const errors = r.ErrorEquals;
      if (!Array.isArray(errors) || errors.length === 0 || errors.some((e) => typeof e !== "string")) {
        p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [ErrorEquals]", rp);
      } else if (errors.includes("States.ALL")) {
        // States.ALL must appear alone and in the last Retrier/Catcher (States Language "Error names").
        if (errors.length > 1) p.add("SCHEMA_VALIDATION_FAILED", "States.ALL must appear alone in the ErrorEquals array", `${rp}/ErrorEquals`);
        if (i !== list.length - 1) p.add("SCHEMA_VALIDATION_FAILED", `States.ALL must appear in the last ${field === "Retry" ? "Retrier" : "Catcher"}`, `${rp}/ErrorEquals`);
      }
      if (field === "Retry") {
        if ("IntervalSeconds" in r && !positiveInt(r.IntervalSeconds)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'IntervalSeconds' must be a positive INTEGER", `${rp}/IntervalSeconds`);
        if ("MaxAttempts" in r && !(Number.isInteger(r.MaxAttempts) && (r.MaxAttempts as number) >= 0 && (r.MaxAttempts as number) <= 99_999_999)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'MaxAttempts' must be a non-negative INTEGER", `${rp}/MaxAttempts`);
        // BackoffRate is at least 1.0 (States Language "Retrying after an error").
        if ("BackoffRate" in r && !(typeof r.BackoffRate === "number" && r.BackoffRate >= 1)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'BackoffRate' must be a number greater than or equal to 1.0", `${rp}/BackoffRate`);
        if ("MaxDelaySeconds" in r && !positiveInt(r.MaxDelaySeconds, 31_622_401)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'MaxDelaySeconds' must be a positive INTEGER", `${rp}/MaxDelaySeconds`);
        if ("JitterStrategy" in r && r.JitterStrategy !== "FULL" && r.JitterStrategy !== "NONE") p.add("SCHEMA_VALIDATION_FAILED", "The field 'JitterStrategy' should have one of these values: [FULL, NONE]", `${rp}/JitterStrategy`);
      } else {
        if (!("Next" in r)) p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Next]", rp);
        else target(r.Next, `${rp}/Next`);
        if ("ResultPath" in r && r.ResultPath !== null && !(typeof r.ResultPath === "string" && isReferencePath(r.ResultPath))) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'ResultPath' must be a valid Reference Path", `${rp}/ResultPath`);
        if ("Assign" in r) checkAssign(p, r.Assign, `${rp}/Assign`, ql);
        if ("Output" in r) checkExpressions(p, r.Output, `${rp}/Output`);
      }
    });
  }
}

/** A number field that JSONata states may also give as an expression. */
function numberOrExpression(p: Problems, s: State, k: string, at: string, ql: string, ok: (v: unknown) => boolean, what: string) {
  if (!(k in s)) return;
  if (ql === "JSONata" && isExpression(s[k])) return checkExpressions(p, s[k], `${at}/${k}`);
  if (!ok(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be ${what}`, `${at}/${k}`);
}

function checkState(p: Problems, name: string, s: Json, names: Set<string>, out: Set<string>, scopePath: string, parentQl: string) {
  const at = `${scopePath}/States/${name}`;
  if (!isObject(s)) return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", at);
  const type = s.Type;
  if (typeof type !== "string") return p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Type]", at);
  if (!SUPPORTED_TYPES.has(type)) return p.add("SCHEMA_VALIDATION_FAILED", `The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]`, `${at}/Type`);
  if (name.length > 80) p.add("SCHEMA_VALIDATION_FAILED", "The field 'StateName' must be at most 80 characters", at);
  if ("QueryLanguage" in s && s.QueryLanguage !== "JSONPath" && s.QueryLanguage !== "JSONata") {
    p.add("SCHEMA_VALIDATION_FAILED", "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]", `${at}/QueryLanguage`);
  }
  const ql = (s.QueryLanguage as string | undefined) ?? parentQl;
  // A state may not go back to JSONPath inside a JSONata workflow (developer guide, "QueryLanguage").
  if (parentQl === "JSONata" && s.QueryLanguage === "JSONPath") p.add("SCHEMA_VALIDATION_FAILED", "A state cannot set QueryLanguage to JSONPath when the state machine's QueryLanguage is JSONata", `${at}/QueryLanguage`);
  const fields = FIELDS[type];
  const other = ql === "JSONata" ? "JSONPath" : "JSONata";
  for (const k of Object.keys(s)) {
    if (k === "Type" || k === "Comment" || k === "QueryLanguage" || fields.common.includes(k) || fields[ql as "JSONPath" | "JSONata"].includes(k)) continue;
    if (fields[other].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `The field '${k}' is not supported when the QueryLanguage is ${ql}`, `${at}/${k}`);
    else p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported for state type '${type}'`, `${at}/${k}`);
  }
  if (ql === "JSONata") {
    for (const k of ["Output", "Arguments", "Items", "ItemSelector", "Error", "Cause"]) if (k in s) checkExpressions(p, s[k], `${at}/${k}`);
  } else {
    for (const k of ["InputPath", "OutputPath"]) {
      if (k in s && s[k] !== null && !isPath(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
    }
    if ("ResultPath" in s && s.ResultPath !== null && !(typeof s.ResultPath === "string" && isReferencePath(s.ResultPath))) {
      p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'ResultPath' must be a valid Reference Path", `${at}/ResultPath`);
    }
    for (const k of ["Parameters", "ResultSelector", "ItemSelector"]) if (k in s) checkPayloadTemplate(p, s[k], `${at}/${k}`);
  }
  if ("Assign" in s) checkAssign(p, s.Assign, `${at}/Assign`, ql);
  if ("Credentials" in s) p.add("SCHEMA_VALIDATION_FAILED", "The field 'Credentials' (cross-account tasks) is not supported by this Mailroom version yet", `${at}/Credentials`);
  // Transitions: Choice has Choices/Default, Succeed and Fail are terminal, the others exactly one of Next or End.
  const target = (v: Json, path: string) => {
    if (typeof v !== "string") return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Next' must be a STRING", path);
    out.add(v);
    if (!names.has(v)) p.add("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${v}`, path);
  };
  if (type !== "Choice" && type !== "Succeed" && type !== "Fail") {
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
    numberOrExpression(p, s, "Seconds", at, ql, (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 99999999, "a non-negative INTEGER");
    if ("Timestamp" in s && !(ql === "JSONata" && isExpression(s.Timestamp)) && !(typeof s.Timestamp === "string" && parseTimestamp(s.Timestamp) !== undefined)) p.add("SCHEMA_VALIDATION_FAILED", "String does not match RFC3339 timestamp", `${at}/Timestamp`);
    else if ("Timestamp" in s) checkExpressions(p, s.Timestamp, `${at}/Timestamp`);
    for (const k of ["SecondsPath", "TimestampPath"]) if (k in s && !isPath(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
  }
  if (type === "Fail") {
    if ("Error" in s && "ErrorPath" in s) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'Error' or 'ErrorPath' can be present", at);
    if ("Cause" in s && "CausePath" in s) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'Cause' or 'CausePath' can be present", at);
    for (const k of ["ErrorPath", "CausePath"]) {
      if (!(k in s)) continue;
      const v = s[k];
      if (isIntrinsic(v)) {
        try { parseIntrinsic(v); } catch (e) { p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call (${(e as Error).message})`, `${at}/${k}`); }
      } else if (!isPath(v)) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
    }
  }
  if (type === "Choice") {
    if (!Array.isArray(s.Choices) || s.Choices.length === 0) p.add("SCHEMA_VALIDATION_FAILED", "The field 'Choices' should be non-empty", `${at}/Choices`);
    else s.Choices.forEach((r, i) => {
      const rp = `${at}/Choices[${i}]`;
      if (ql === "JSONata") {
        if (!isObject(r)) return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", rp);
        for (const k of Object.keys(r)) if (!["Condition", "Next", "Comment", "Output", "Assign"].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `The field '${k}' is not supported when the QueryLanguage is JSONata`, `${rp}/${k}`);
        // JSONata rules are a Condition (developer guide, Choice state, JSONata).
        if (!isExpression(r.Condition)) p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Condition]", rp);
        else checkExpressions(p, r.Condition, `${rp}/Condition`);
        if ("Output" in r) checkExpressions(p, r.Output, `${rp}/Output`);
        if ("Assign" in r) checkAssign(p, r.Assign, `${rp}/Assign`, ql);
      } else {
        checkChoiceRule(p, r, rp, true);
        if (isObject(r) && "Assign" in r) checkAssign(p, r.Assign, `${rp}/Assign`, ql);
      }
      if (isObject(r)) {
        if (!("Next" in r)) p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Next]", rp);
        else target(r.Next, `${rp}/Next`);
      }
    });
    if ("Default" in s) target(s.Default, `${at}/Default`);
  }
  if (type === "Task") {
    if (typeof s.Resource !== "string" || s.Resource === "") p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [Resource]", at);
    else if (!/^arn:[\w-]+:[\w-]+:/.test(s.Resource)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Resource' must be a valid ARN", `${at}/Resource`);
    else if (p.express) {
      // Express workflows take Request Response integrations only: no .sync, no .waitForTaskToken, no activities
      // (developer guide, "Discover service integration patterns": "Express Workflows only support Request Response integrations").
      const pattern = /\.(sync(?::2)?|waitForTaskToken)$/.exec(s.Resource)?.[1];
      if (pattern) p.add("SCHEMA_VALIDATION_FAILED", `Express state machine does not support '.${pattern}' service integration`, `${at}/Resource`);
      else if (/^arn:[\w-]+:states:[\w-]+:\d{12}:activity:/.test(s.Resource)) p.add("SCHEMA_VALIDATION_FAILED", "Express state machine does not support Activity ARN", `${at}/Resource`);
    }
    for (const k of ["TimeoutSeconds", "HeartbeatSeconds"]) {
      if (`${k}Path` in s && k in s) p.add("SCHEMA_VALIDATION_FAILED", `Only one of '${k}' or '${k}Path' can be present`, at);
      numberOrExpression(p, s, k, at, ql, (v) => positiveInt(v), "a positive INTEGER");
      if (`${k}Path` in s && !isPath(s[`${k}Path`])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}Path' must be a valid JSONPath`, `${at}/${k}Path`);
    }
    // HeartbeatSeconds must be smaller than TimeoutSeconds (States Language "Task State").
    if (typeof s.HeartbeatSeconds === "number" && typeof s.TimeoutSeconds === "number" && s.HeartbeatSeconds >= s.TimeoutSeconds) {
      p.add("SCHEMA_VALIDATION_FAILED", "The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'", `${at}/HeartbeatSeconds`);
    }
  }
  if (type === "Task" || type === "Parallel" || type === "Map") checkRetryCatch(p, s, at, ql, target);
  if (type === "Parallel") {
    if (!Array.isArray(s.Branches) || s.Branches.length === 0) p.add("SCHEMA_VALIDATION_FAILED", "The field 'Branches' should be non-empty", `${at}/Branches`);
    else s.Branches.forEach((b, i) => checkScope(p, b, `${at}/Branches[${i}]`, ql));
  }
  if (type === "Map") {
    const proc = s.ItemProcessor ?? s.Iterator;
    const pk = "ItemProcessor" in s ? "ItemProcessor" : "Iterator";
    if ("ItemProcessor" in s && "Iterator" in s) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'ItemProcessor' or 'Iterator' can be present", at);
    if (proc === undefined) p.add("SCHEMA_VALIDATION_FAILED", "These fields are required: [ItemProcessor]", at);
    else if (isObject(proc)) {
      const cfg = proc.ProcessorConfig;
      if (isObject(cfg) && cfg.Mode === "DISTRIBUTED") {
        // Wording as AWS answers it for an EXPRESS machine (recorded in public lint rules of CreateStateMachine's errors).
        if (p.express) p.add("SCHEMA_VALIDATION_FAILED", "The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines", `${at}/${pk}/ProcessorConfig/Mode`);
        if (cfg.ExecutionType !== "STANDARD" && cfg.ExecutionType !== "EXPRESS") p.add("SCHEMA_VALIDATION_FAILED", "The field 'ExecutionType' should have one of these values: [STANDARD, EXPRESS]", `${at}/${pk}/ProcessorConfig`);
      } else if (isObject(cfg) && "Mode" in cfg && cfg.Mode !== "INLINE") {
        p.add("SCHEMA_VALIDATION_FAILED", "The field 'Mode' should have one of these values: [INLINE, DISTRIBUTED]", `${at}/${pk}/ProcessorConfig/Mode`);
      }
      if (!(isObject(cfg) && cfg.Mode === "DISTRIBUTED")) {
        for (const k of ["ItemBatcher", "Label"]) if (k in s) p.add("SCHEMA_VALIDATION_FAILED", `The field '${k}' is only supported in a Map state with the DISTRIBUTED processor mode`, `${at}/${k}`);
      }
      const { ProcessorConfig: _cfg, ...rest } = proc;
      void _cfg;
      checkScope(p, rest, `${at}/${pk}`, ql);
    } else p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${pk}' must be an OBJECT`, `${at}/${pk}`);
    // Readers and writers of S3 objects: Mailroom has no S3, so items come from the state's input and results are returned.
    for (const k of ["ItemReader", "ResultWriter"]) {
      if (k in s) p.add("SCHEMA_VALIDATION_FAILED", `The field '${k}' (Amazon S3) is not supported by this Mailroom version`, `${at}/${k}`);
    }
    if ("ItemBatcher" in s) {
      const b = s.ItemBatcher;
      if (!isObject(b)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'ItemBatcher' must be an OBJECT", `${at}/ItemBatcher`);
      else {
        for (const k of Object.keys(b)) if (!["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath", "BatchInput"].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `${at}/ItemBatcher/${k}`);
        // At least one of the maximums (developer guide, ItemBatcher); MaxInputBytesPerBatch at most 256 KiB.
        if (!["MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"].some((k) => k in b)) p.add("SCHEMA_VALIDATION_FAILED", "ItemBatcher must specify MaxItemsPerBatch or MaxInputBytesPerBatch", `${at}/ItemBatcher`);
        if ("MaxItemsPerBatch" in b && !positiveInt(b.MaxItemsPerBatch)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'MaxItemsPerBatch' must be a positive INTEGER", `${at}/ItemBatcher/MaxItemsPerBatch`);
        if ("MaxInputBytesPerBatch" in b && !positiveInt(b.MaxInputBytesPerBatch, 262_144)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'MaxInputBytesPerBatch' must be a positive INTEGER up to 262144", `${at}/ItemBatcher/MaxInputBytesPerBatch`);
        for (const k of ["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"]) if (k in b && !isPath(b[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/ItemBatcher/${k}`);
        if ("BatchInput" in b) {
          if (ql === "JSONata") checkExpressions(p, b.BatchInput, `${at}/ItemBatcher/BatchInput`);
          else checkPayloadTemplate(p, b.BatchInput, `${at}/ItemBatcher/BatchInput`);
        }
      }
    }
    // Label: up to 40 characters, none of the characters names refuse (developer guide, Map "Label").
    if ("Label" in s && !(typeof s.Label === "string" && s.Label.length <= 40 && validLabel(s.Label))) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Label' must be a STRING of at most 40 characters without special characters", `${at}/Label`);
    if ("ItemSelector" in s && "Parameters" in s) p.add("SCHEMA_VALIDATION_FAILED", "Only one of 'ItemSelector' or 'Parameters' can be present", at);
    if ("ItemsPath" in s && !isPath(s.ItemsPath)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'ItemsPath' must be a valid JSONPath", `${at}/ItemsPath`);
    if (ql === "JSONata" && "Items" in s && !isExpression(s.Items) && !Array.isArray(s.Items)) p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'Items' must be an ARRAY or a JSONata expression", `${at}/Items`);
    numberOrExpression(p, s, "MaxConcurrency", at, ql, (v) => Number.isInteger(v) && (v as number) >= 0, "a non-negative INTEGER");
    numberOrExpression(p, s, "ToleratedFailureCount", at, ql, (v) => Number.isInteger(v) && (v as number) >= 0, "a non-negative INTEGER");
    numberOrExpression(p, s, "ToleratedFailurePercentage", at, ql, (v) => typeof v === "number" && v >= 0 && v <= 100, "a number between 0 and 100");
    for (const k of ["MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"]) {
      if (k in s && !isPath(s[k])) p.add("SCHEMA_VALIDATION_FAILED", `The value for the field '${k}' must be a valid JSONPath`, `${at}/${k}`);
      if (k in s && k.slice(0, -4) in s) p.add("SCHEMA_VALIDATION_FAILED", `Only one of '${k.slice(0, -4)}' or '${k}' can be present`, at);
    }
  }
}

/** A workflow (the definition, a Parallel branch, a Map's item processor): its states, reachability, a terminal state. */
function checkScope(p: Problems, doc: Json, at: string, ql: string) {
  if (!isObject(doc)) return p.add("SCHEMA_VALIDATION_FAILED", "The value for the field must be an OBJECT", at || "/");
  const root = at === "" ? "/" : at;
  const required = ["States", "StartAt"].filter((k) => !(k in doc));
  if (required.length > 0) return p.add("SCHEMA_VALIDATION_FAILED", `These fields are required: [${required.join(", ")}]`, root);
  if (at !== "") for (const k of Object.keys(doc)) if (!["StartAt", "States", "Comment"].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `${at}/${k}`);
  if (!isObject(doc.States) || Object.keys(doc.States).length === 0) return p.add("SCHEMA_VALIDATION_FAILED", "The field 'States' should be a non-empty OBJECT", `${at}/States`);
  const names = new Set(Object.keys(doc.States));
  const before = p.list.length;
  if (typeof doc.StartAt !== "string") p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'StartAt' must be a STRING", `${at}/StartAt`);
  else if (!names.has(doc.StartAt)) p.add("MISSING_TRANSITION_TARGET", `Missing 'Next' target: ${doc.StartAt}`, `${at}/StartAt`);
  const targets = new Map<string, Set<string>>();
  for (const [name, s] of Object.entries(doc.States)) {
    const out = new Set<string>();
    checkState(p, name, s, names, out, at, ql);
    targets.set(name, out);
  }
  if (p.list.length > before) return;
  // Every state must be reachable from StartAt, and some state must end the workflow.
  const seen = new Set<string>([doc.StartAt as string]);
  const queue = [doc.StartAt as string];
  while (queue.length > 0) for (const t of targets.get(queue.pop()!) ?? []) if (!seen.has(t)) { seen.add(t); queue.push(t); }
  for (const name of names) if (!seen.has(name)) p.add("MISSING_TRANSITION_TARGET", `State "${name}" is not reachable.`, `${at}/States/${name}`);
  const terminal = Object.values(doc.States as Record<string, State>).some((s) => s.Type === "Succeed" || s.Type === "Fail" || s.End === true);
  if (!terminal) p.add("MISSING_TERMINAL_STATE", "Workflow has no terminal state", root);
}

/** The definition checked: parsed, or the diagnostics (CreateStateMachine reports them joined). */
export function checkDefinition(text: string, type = "STANDARD"): { definition?: Definition; diagnostics: Diagnostic[]; problems: string[] } {
  // An empty or non-object definition (LocalStack snapshot test_validate_state_machine_definition_not_a_definition).
  const notObject = { code: "SCHEMA_VALIDATION_FAILED", message: "Definition must be a valid JSON object", location: "" };
  const only = (d: Diagnostic) => ({ diagnostics: [d], problems: [`${d.code}: ${d.message}${d.location ? ` at ${d.location}` : ""}`] });
  if (text.trim() === "") return only(notObject);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return only({ code: "INVALID_JSON_DESCRIPTION", message: e instanceof Error ? e.message : String(e), location: "" });
  }
  const p = new Problems();
  p.express = type === "EXPRESS";
  if (!isObject(doc)) return only(notObject);
  // Checked without recursion first, so a deeply nested definition is refused instead of overflowing the stack
  // (AWS's own depth limit is not documented; this one is Mailroom's).
  if (depth(doc) > MAX_DEPTH) return only({ code: "SCHEMA_VALIDATION_FAILED", message: `The definition is nested more than ${MAX_DEPTH} levels deep`, location: "/" });
  const required = ["States", "StartAt"].filter((k) => !(k in doc));
  if (required.length > 0) p.add("SCHEMA_VALIDATION_FAILED", `These fields are required: [${required.join(", ")}]`, "/");
  if ("QueryLanguage" in doc && doc.QueryLanguage !== "JSONPath" && doc.QueryLanguage !== "JSONata") p.add("SCHEMA_VALIDATION_FAILED", "The field 'QueryLanguage' should have one of these values: [JSONPath, JSONata]", "/QueryLanguage");
  for (const k of Object.keys(doc)) if (!["StartAt", "States", "Comment", "TimeoutSeconds", "Version", "QueryLanguage"].includes(k)) p.add("SCHEMA_VALIDATION_FAILED", `Field '${k}' is not supported`, `/${k}`);
  // TimeoutSeconds: the execution's limit, a positive integer (States Language "Top-level fields").
  if ("TimeoutSeconds" in doc && !(Number.isInteger(doc.TimeoutSeconds) && (doc.TimeoutSeconds as number) > 0 && (doc.TimeoutSeconds as number) <= 99_999_999)) {
    p.add("SCHEMA_VALIDATION_FAILED", "The value for the field 'TimeoutSeconds' must be a positive INTEGER", "/TimeoutSeconds");
  }
  if (p.list.length === 0) {
    if (!isObject(doc.States) || Object.keys(doc.States).length === 0) p.add("SCHEMA_VALIDATION_FAILED", "The field 'States' should be a non-empty OBJECT", "/States");
    else checkScope(p, doc, "", (doc.QueryLanguage as string | undefined) ?? "JSONPath");
  }
  if (p.list.length > 0) return { diagnostics: p.diagnostics, problems: p.list };
  return { definition: doc as unknown as Definition, diagnostics: [], problems: [] };
}

/** The definition parsed and checked, or the list of diagnostics (first ones reported by CreateStateMachine). */
export function validateDefinition(text: string, type = "STANDARD"): { definition: Definition } | { problems: string[] } {
  const r = checkDefinition(text, type);
  return r.definition ? { definition: r.definition } : { problems: r.problems };
}

const parsedDefinitions = new Map<string, Definition>();

/** A stored definition parsed once (the runner steps executions of the same machine many times). */
export function parseDefinition(text: string): Definition {
  let d = parsedDefinitions.get(text);
  if (!d) {
    d = JSON.parse(text) as Definition;
    if (parsedDefinitions.size >= 256) parsedDefinitions.delete(parsedDefinitions.keys().next().value!);
    parsedDefinitions.set(text, d);
  }
  return d;
}
