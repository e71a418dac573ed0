// Composite alarms: the AlarmRule language (PutCompositeAlarm API reference, AlarmRule: the functions ALARM, OK and
// INSUFFICIENT_DATA of an alarm name or ARN, quoted or not, TRUE and FALSE, AND, OR, NOT and parentheses), parsed in
// one pass with a bounded nesting depth, and evaluated over the children's current states.
import { invalidParameterValue, validationError } from "../errors.ts";
import type { AlarmState } from "../store.ts";
import { alarmArn } from "./alarms.ts";

/** "The rule expression of a composite alarm can include as many as 100 underlying alarms" (PutCompositeAlarm API reference). */
export const MAX_RULE_ALARMS = 100;
/** "Any single alarm can be included in the rule expressions of as many as 150 composite alarms" (PutCompositeAlarm API reference). */
export const MAX_PARENTS = 150;
/** Nesting of parentheses and NOTs: Mailroom's own bound, so that a 10,240-character rule cannot exhaust the stack. */
export const MAX_RULE_DEPTH = 100;

export type Rule =
  | { t: "const"; value: boolean }
  | { t: "state"; state: AlarmState; alarm: string }
  | { t: "not"; of: Rule }
  | { t: "and" | "or"; of: Rule[] };

const FUNCTIONS: Record<string, AlarmState> = { ALARM: "ALARM", OK: "OK", INSUFFICIENT_DATA: "INSUFFICIENT_DATA" };

function bad(rule: string, why: string): Error {
  // The wording is Mailroom's; AWS answers a ValidationError for a rule it cannot parse.
  return validationError(`Error in alarm rule: ${why} (rule: ${rule.length > 200 ? `${rule.slice(0, 200)}...` : rule})`);
}

/** The rule parsed; references are alarm names (an ARN of the account and Region is turned into its name). */
export function parseRule(rule: string, account: string, region: string): Rule {
  let i = 0;
  const n = rule.length;
  const ws = () => {
    while (i < n && /\s/.test(rule[i])) i++;
  };
  const word = (): string => {
    const start = i;
    while (i < n && /[A-Za-z_]/.test(rule[i])) i++;
    return rule.slice(start, i);
  };
  const reference = (): string => {
    ws();
    let name: string;
    if (rule[i] === '"') {
      const end = rule.indexOf('"', i + 1);
      if (end < 0) throw bad(rule, "unterminated quoted alarm name");
      name = rule.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < n && rule[i] !== ")") i++;
      name = rule.slice(start, i).trim();
    }
    ws();
    if (rule[i] !== ")") throw bad(rule, "expected ')' after the alarm name");
    i++;
    if (name === "") throw bad(rule, "empty alarm name");
    const prefix = `arn:aws:cloudwatch:${region}:${account}:alarm:`;
    if (name.startsWith("arn:")) {
      if (!name.startsWith(prefix)) throw invalidParameterValue(`The alarm ${name} in the alarm rule is not an alarm of this account and Region.`);
      return name.slice(prefix.length);
    }
    return name;
  };
  // or := and ("OR" and)* ; and := unary ("AND" unary)* ; unary := "NOT" unary | "(" or ")" | FUNC "(" ref ")" | TRUE | FALSE
  const unary = (depth: number): Rule => {
    if (depth > MAX_RULE_DEPTH) throw bad(rule, `nesting deeper than ${MAX_RULE_DEPTH}`);
    ws();
    if (rule[i] === "(") {
      i++;
      const inner = or(depth + 1);
      ws();
      if (rule[i] !== ")") throw bad(rule, "expected ')'");
      i++;
      return inner;
    }
    const at = i;
    const w = word();
    if (w === "NOT") return { t: "not", of: unary(depth + 1) };
    if (w === "TRUE" || w === "FALSE") return { t: "const", value: w === "TRUE" };
    const state = Object.hasOwn(FUNCTIONS, w) ? FUNCTIONS[w] : undefined;
    if (state) {
      ws();
      if (rule[i] !== "(") throw bad(rule, `expected '(' after ${w}`);
      i++;
      return { t: "state", state, alarm: reference() };
    }
    throw bad(rule, at >= n ? "unexpected end" : `unexpected '${rule.slice(at, at + 20)}'`);
  };
  const chain = (op: "AND" | "OR", next: (d: number) => Rule, depth: number): Rule => {
    const of = [next(depth)];
    for (;;) {
      ws();
      const save = i;
      if (word() !== op) {
        i = save;
        break;
      }
      of.push(next(depth));
    }
    return of.length === 1 ? of[0] : { t: op === "AND" ? "and" : "or", of };
  };
  const and = (depth: number) => chain("AND", unary, depth);
  const or = (depth: number): Rule => chain("OR", and, depth);
  const out = or(0);
  ws();
  if (i < n) throw bad(rule, `unexpected '${rule.slice(i, i + 20)}'`);
  return out;
}

/** The distinct alarms a rule names, in order of appearance. */
export function ruleAlarms(r: Rule, out: string[] = []): string[] {
  const stack: Rule[] = [r];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.t === "state") {
      if (!out.includes(x.alarm)) out.push(x.alarm);
    } else if (x.t === "not") stack.push(x.of);
    else if (x.t === "and" || x.t === "or") for (let k = x.of.length - 1; k >= 0; k--) stack.push(x.of[k]);
  }
  return out;
}

/** The rule's value given each child's state (a missing child counts as INSUFFICIENT_DATA). */
export function evaluateRule(r: Rule, stateOf: (alarm: string) => AlarmState | undefined): boolean {
  switch (r.t) {
    case "const": return r.value;
    case "state": return (stateOf(r.alarm) ?? "INSUFFICIENT_DATA") === r.state;
    case "not": return !evaluateRule(r.of, stateOf);
    case "and": return r.of.every((x) => evaluateRule(x, stateOf));
    case "or": return r.of.some((x) => evaluateRule(x, stateOf));
  }
}

/** "Friday 22 July, 2022 15:57:45 UTC", as composite alarms' state reasons write times (AWS's EventBridge alarm event samples). */
export function reasonDate(ts: number): string {
  const d = new Date(ts);
  const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  const p = (x: number) => String(x).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${p(d.getUTCDate())} ${months[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

export function childArn(account: string, region: string, name: string): string {
  return alarmArn(region, account, name);
}
