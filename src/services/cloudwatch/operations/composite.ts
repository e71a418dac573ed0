// Composite alarms: PutCompositeAlarm, and their evaluation. A composite alarm lives in the same store as metric
// alarms (its configuration carries AlarmRule); its state is its rule over its children's current states, computed
// when it is saved, when a child changes state outside the minute job (applyState calls evaluateParents), and by the
// minute job after its metric alarms (jobs/minute.ts; also another node's changes). Sources: PutCompositeAlarm and DeleteAlarms API references; CloudWatch user guide,
// "Create a composite alarm" and "Alarm suppression".
import type { RequestContext } from "../../types.ts";
import { alarmArn, checkActions, type Evaluation, isoMillis } from "../domain/alarms.ts";
import { evaluateRule, MAX_PARENTS, MAX_RULE_ALARMS, parseRule, reasonDate, ruleAlarms } from "../domain/composite.ts";
import type { CloudWatchEnv } from "../env.ts";
import { invalidParameterValue, limitExceeded, validationError } from "../errors.ts";
import type { AlarmRecord, AlarmState } from "../store.ts";
import { transitionWrites, type TopicPublish } from "../transitions.ts";

type Input = Record<string, unknown>;

/** Metric and composite alarms per account and Region: Mailroom's own bound (AWS answers LimitExceeded when its quota is reached). */
export const MAX_ALARMS = 5000;

export interface AlarmEnv extends CloudWatchEnv {
  topics: TopicPublish;
}

export async function allAlarms(env: CloudWatchEnv, ctx: { accountId: string; region: string }): Promise<AlarmRecord[]> {
  const out: AlarmRecord[] = [];
  for (let after = ""; ;) {
    const page = await env.store.listAlarms(ctx.accountId, ctx.region, after, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1].name;
  }
}

/**
 * Applies a new state to an alarm computed from `a` (its version): the state, history and action rows in one write,
 * then re-evaluates the composite alarms that name it. A change that is no change writes nothing. Returns whether it
 * changed the state. `to.suppressed`: a composite alarm's actions are suppressed (history only).
 */
export async function applyState(env: AlarmEnv, a: AlarmRecord, to: Evaluation & { suppressed?: boolean }, at: number, seen: Set<string> | false = new Set<string>()): Promise<boolean> {
  if (to.state === a.state) return false;
  const { history, outbox } = transitionWrites(to.suppressed ? { ...a, actionsEnabled: false } : a, to, at, env.topics);
  const done = await env.store.transition({ account: a.account, region: a.region, name: a.name }, a.version, { state: to.state, reason: to.reason, reasonData: to.reasonData, at }, history, outbox);
  if (done && outbox.length > 0) env.outboxChanged?.();
  // `seen` false: the caller evaluates the composites itself afterwards (the minute job's second pass), so a burst of
  // metric alarm transitions does not list every alarm once per transition.
  if (done && seen) await evaluateParents(env, { ...a, state: to.state, stateUpdatedAt: at }, at, seen);
  return done;
}

/** A composite alarm's configuration, as DescribeAlarms shows it under CompositeAlarms. */
export interface CompositeConfig {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  AlarmRule: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  ActionsSuppressor?: string;
  ActionsSuppressorWaitPeriod?: number;
  ActionsSuppressorExtensionPeriod?: number;
  Tags?: { Key: string; Value: string }[];
  /** The alarms the rule names (by name), parsed once when saved. */
  children: string[];
  baseUrl: string;
}

export function isComposite(a: AlarmRecord): boolean {
  return typeof (a.config as { AlarmRule?: unknown }).AlarmRule === "string";
}

export function compositeConfig(a: AlarmRecord): CompositeConfig {
  return a.config as unknown as CompositeConfig;
}

/** The composite alarm as DescribeAlarms answers it (CompositeAlarm). */
export function describeComposite(a: AlarmRecord): Record<string, unknown> {
  const { baseUrl: _b, Tags: _t, children: _c, ...c } = compositeConfig(a);
  const suppressed = (a.stateReasonData ? (JSON.parse(a.stateReasonData) as { suppressedBy?: string }) : {}).suppressedBy;
  return {
    ...c, ActionsEnabled: a.actionsEnabled, AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdatedAt), StateValue: a.state,
    StateReason: a.stateReason, StateReasonData: a.stateReasonData ? stripInternal(a.stateReasonData) : undefined,
    StateUpdatedTimestamp: new Date(a.stateUpdatedAt), StateTransitionedTimestamp: new Date(a.stateUpdatedAt),
    ...(suppressed ? { ActionsSuppressedBy: suppressed, ActionsSuppressedReason: `Actions suppressed by ${suppressed}` } : {}),
  };
}

function stripInternal(reasonData: string): string {
  const { suppressedBy: _s, ...rest } = JSON.parse(reasonData) as Record<string, unknown>;
  return JSON.stringify(rest);
}

export async function putCompositeAlarm(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const name = input.AlarmName as string;
  const ruleText = input.AlarmRule as string;
  const rule = parseRule(ruleText, ctx.accountId, ctx.region);
  const children = ruleAlarms(rule);
  if (children.length > MAX_RULE_ALARMS) throw invalidParameterValue(`The alarm rule can include at most ${MAX_RULE_ALARMS} alarms.`);
  if (children.includes(name)) throw validationError("A composite alarm cannot reference itself in its alarm rule.");
  const all = await allAlarms(env, ctx);
  const byName = new Map(all.map((a) => [a.name, a]));
  // "Could not save the composite alarm as alarms [...] in the alarm rule do not exist" (AWS's answer as CloudFormation users report it).
  const missing = children.filter((c) => !byName.has(c));
  if (missing.length > 0) throw validationError(`Could not save the composite alarm as alarms [${missing.join(", ")}] in the alarm rule do not exist`);
  for (const c of children) {
    const parents = all.filter((a) => a.name !== name && isComposite(a) && compositeConfig(a).children.includes(c)).length;
    if (parents >= MAX_PARENTS) throw limitExceeded(`The alarm ${c} is already included in the rules of ${MAX_PARENTS} composite alarms.`);
  }
  const suppressor = input.ActionsSuppressor as string | undefined;
  const wait = input.ActionsSuppressorWaitPeriod as number | undefined;
  const extension = input.ActionsSuppressorExtensionPeriod as number | undefined;
  if (suppressor === undefined && (wait !== undefined || extension !== undefined)) {
    throw validationError("ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod are only valid with ActionsSuppressor.");
  }
  if (suppressor !== undefined) {
    const prefix = `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:`;
    if (!suppressor.startsWith(prefix) || !byName.has(suppressor.slice(prefix.length))) {
      throw validationError(`Could not save the composite alarm as the suppressor alarm ${suppressor} does not exist`);
    }
    for (const [k, v] of [["ActionsSuppressorWaitPeriod", wait], ["ActionsSuppressorExtensionPeriod", extension]] as const) {
      if (v !== undefined && v < 0) throw invalidParameterValue(`The value ${v} for parameter ${k} is invalid.`);
    }
  }
  const existing = byName.get(name);
  if (existing && !isComposite(existing)) throw validationError(`The alarm ${name} already exists as a metric alarm.`);
  if (!existing && all.length >= MAX_ALARMS) throw limitExceeded(`The maximum number of alarms (${MAX_ALARMS}) for this account and Region has been reached.`);
  const config: CompositeConfig = {
    AlarmName: name, AlarmArn: alarmArn(ctx.region, ctx.accountId, name), AlarmDescription: input.AlarmDescription as string | undefined,
    AlarmRule: ruleText, ActionsEnabled: input.ActionsEnabled !== false,
    OKActions: checkActions("OKActions", input.OKActions as string[] | undefined, ctx.accountId, ctx.region),
    AlarmActions: checkActions("AlarmActions", input.AlarmActions as string[] | undefined, ctx.accountId, ctx.region),
    InsufficientDataActions: checkActions("InsufficientDataActions", input.InsufficientDataActions as string[] | undefined, ctx.accountId, ctx.region),
    ActionsSuppressor: suppressor,
    // Both periods default to 60 seconds when a suppressor is set (PutCompositeAlarm API reference, ActionsSuppressor*Period).
    ActionsSuppressorWaitPeriod: suppressor !== undefined ? wait ?? 60 : undefined,
    ActionsSuppressorExtensionPeriod: suppressor !== undefined ? extension ?? 60 : undefined,
    Tags: input.Tags as CompositeConfig["Tags"], children, baseUrl: ctx.baseUrl,
  };
  const now = env.clock.now();
  const key = { account: ctx.accountId, region: ctx.region, name };
  await env.store.putAlarm({
    ...key, config: config as unknown as Record<string, unknown>, state: existing?.state ?? "INSUFFICIENT_DATA",
    stateReason: existing?.stateReason ?? "Unchecked: Initial alarm creation", stateReasonData: existing?.stateReasonData,
    stateUpdatedAt: existing?.stateUpdatedAt ?? now, configUpdatedAt: now, actionsEnabled: config.ActionsEnabled,
  }, {
    ...key, ts: now, type: "ConfigurationUpdate", summary: `Alarm "${name}" ${existing ? "updated" : "created"}`,
    data: JSON.stringify({ version: "1.0", type: existing ? "Update" : "Create", [existing ? "updatedAlarm" : "createdAlarm"]: { AlarmName: name, AlarmRule: ruleText } }),
  });
  // A composite alarm is evaluated as soon as it is saved ("... was created and its alarm rule evaluates to OK", AWS's
  // alarm state-change event samples).
  const saved = await env.store.getAlarm(key);
  if (saved) await evaluateComposite(env, saved, now, existing ? "updated" : "created");
  return {};
}

/** The composite's state from its children's current states; applied (history, actions) when it changed. */
export async function evaluateComposite(env: AlarmEnv, a: AlarmRecord, now: number, why?: "created" | "updated", seen = new Set<string>()): Promise<void> {
  const c = compositeConfig(a);
  const rule = parseRule(c.AlarmRule, a.account, a.region);
  const states = new Map<string, AlarmRecord>();
  for (const child of c.children) {
    const r = await env.store.getAlarm({ account: a.account, region: a.region, name: child });
    if (r) states.set(child, r);
  }
  const value = evaluateRule(rule, (n) => states.get(n)?.state);
  const state: AlarmState = value ? "ALARM" : "OK";
  if (state === a.state && why === undefined) return;
  // The children that hold the rule at its value: in ALARM, those whose state the rule asks for; in OK, likewise.
  const triggering = c.children
    .map((n) => states.get(n))
    .filter((r): r is AlarmRecord => r !== undefined)
    .filter((r) => evaluateRule(rule, (n) => (n === r.name ? flip(r.state) : states.get(n)?.state)) !== value);
  const latest = [...triggering].sort((x, y) => y.stateUpdatedAt - x.stateUpdatedAt)[0];
  const reason = why !== undefined
    ? `${c.AlarmArn} was ${why} and its alarm rule evaluates to ${state}`
    : latest ? `${alarmArn(a.region, a.account, latest.name)} transitioned to ${latest.state} at ${reasonDate(latest.stateUpdatedAt)}` : `Alarm rule evaluates to ${state}`;
  const data: Record<string, unknown> = {
    triggeringAlarms: triggering.map((r) => ({ arn: alarmArn(r.region, r.account, r.name), state: { value: r.state, timestamp: isoMillis(r.stateUpdatedAt) } })),
  };
  const suppressedBy = await suppression(env, a, c, state, now);
  if (suppressedBy) data.suppressedBy = suppressedBy;
  if (state === a.state) return;
  const to: Evaluation & { suppressed?: boolean } = { state, reason, reasonData: JSON.stringify(data), suppressed: suppressedBy !== undefined };
  await applyState(env, a, to, now, seen);
}

/** A state other than `s`, for asking "would the rule change if this child were not in its state?". */
function flip(s: AlarmState): AlarmState {
  return s === "ALARM" ? "OK" : "ALARM";
}

/**
 * Whether the composite's actions are suppressed now: the suppressor alarm is in ALARM ("Alarm"), or it left ALARM
 * less than ActionsSuppressorExtensionPeriod seconds ago ("ExtensionPeriod") (CloudWatch user guide, "Alarm
 * suppression"). Only a move into ALARM is suppressed. Not carried out: ActionsSuppressorWaitPeriod (actions run at
 * once when the suppressor is not in ALARM at the moment of the change; the note of issue 16 says so).
 */
async function suppression(env: AlarmEnv, a: AlarmRecord, c: CompositeConfig, state: AlarmState, now: number): Promise<string | undefined> {
  if (!c.ActionsSuppressor || state !== "ALARM") return undefined;
  const name = c.ActionsSuppressor.slice(c.ActionsSuppressor.lastIndexOf(":alarm:") + 7);
  const s = await env.store.getAlarm({ account: a.account, region: a.region, name });
  if (!s) return undefined;
  if (s.state === "ALARM") return "Alarm";
  const ext = (c.ActionsSuppressorExtensionPeriod ?? 0) * 1000;
  if (ext > 0 && now - s.stateUpdatedAt < ext) {
    const [last] = await env.store.history({ account: a.account, region: a.region, name, type: "StateUpdate", from: 0, to: Number.MAX_SAFE_INTEGER, ascending: false, limit: 1 });
    if (last && (JSON.parse(last.data) as { oldState?: { stateValue?: string } }).oldState?.stateValue === "ALARM") return "ExtensionPeriod";
  }
  return undefined;
}

/** Re-evaluates the composite alarms whose rule names `child` (after its state changed); `seen` stops cycles. */
export async function evaluateParents(env: AlarmEnv, child: AlarmRecord, now: number, seen: Set<string>): Promise<void> {
  seen.add(child.name);
  let after = "";
  for (;;) {
    const page = await env.store.listAlarms(child.account, child.region, after, 1000);
    for (const p of page) {
      if (!isComposite(p) || seen.has(p.name) || !compositeConfig(p).children.includes(child.name)) continue;
      await evaluateComposite(env, p, now, undefined, seen);
    }
    if (page.length < 1000) return;
    after = page[page.length - 1].name;
  }
}

/** DeleteAlarms' check: an alarm a remaining composite alarm depends on cannot be deleted. */
export function dependents(all: AlarmRecord[], deleting: Set<string>): string[] {
  const blocked: string[] = [];
  for (const a of all) {
    if (!isComposite(a) || deleting.has(a.name)) continue;
    for (const c of compositeConfig(a).children) if (deleting.has(c) && !blocked.includes(c)) blocked.push(c);
  }
  return blocked;
}

