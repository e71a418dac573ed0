// The alarm operations: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState,
// Enable/DisableAlarmActions and DescribeAlarmHistory (CloudWatch API reference for each; limits quoted beside
// their checks). Evaluation itself is the minute job's (jobs/minute.ts), through evaluateAndApply below.
import type { RequestContext } from "../../types.ts";
import { type AlarmConfig, checkAlarm, type Evaluation } from "../domain/alarms.ts";
import { canonicalDimensions, type Dimension } from "../domain/dimensions.ts";
import { transitionWrites, type TopicPublish } from "../transitions.ts";
import { type CloudWatchEnv, decodeToken, encodeToken } from "../env.ts";
import { invalidFormat, invalidNextToken, invalidParameterValue, limitExceeded, resourceNotFound } from "../errors.ts";
import type { AlarmRecord, AlarmState } from "../store.ts";

type Input = Record<string, unknown>;

/** Metric alarms per account and Region: Mailroom's own bound (AWS answers LimitExceeded when its quota is reached). */
export const MAX_ALARMS = 5000;
/** At most 100 names in DescribeAlarms, DeleteAlarms, Enable/DisableAlarmActions (API reference, AlarmNames). */
export const MAX_NAMES = 100;

export interface AlarmEnv extends CloudWatchEnv {
  topics: TopicPublish;
}

/** The alarm as DescribeAlarms answers it (MetricAlarm). */
export function describe(a: AlarmRecord): Record<string, unknown> {
  const { baseUrl: _b, Tags: _t, ...c } = a.config as unknown as AlarmConfig;
  return {
    ...c, ActionsEnabled: a.actionsEnabled, AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdatedAt), StateValue: a.state,
    StateReason: a.stateReason, StateReasonData: a.stateReasonData, StateUpdatedTimestamp: new Date(a.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(a.stateUpdatedAt),
  };
}

async function allAlarms(env: CloudWatchEnv, ctx: RequestContext): Promise<AlarmRecord[]> {
  const out: AlarmRecord[] = [];
  for (let after = ""; ;) {
    const page = await env.store.listAlarms(ctx.accountId, ctx.region, after, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1].name;
  }
}

export async function putMetricAlarm(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const config = checkAlarm(input, ctx.accountId, ctx.region, ctx.baseUrl);
  const now = env.clock.now();
  const key = { account: ctx.accountId, region: ctx.region, name: config.AlarmName };
  const existing = await env.store.getAlarm(key);
  if (!existing && (await env.store.listAlarms(ctx.accountId, ctx.region, "", MAX_ALARMS)).length >= MAX_ALARMS) {
    throw limitExceeded(`The maximum number of alarms (${MAX_ALARMS}) for this account and Region has been reached.`);
  }
  // A new alarm starts in INSUFFICIENT_DATA; an update keeps the state and replaces the configuration (PutMetricAlarm API reference).
  await env.store.putAlarm({
    ...key, config: config as unknown as Record<string, unknown>, state: existing?.state ?? "INSUFFICIENT_DATA",
    stateReason: existing?.stateReason ?? "Unchecked: Initial alarm creation", stateReasonData: existing?.stateReasonData,
    stateUpdatedAt: existing?.stateUpdatedAt ?? now, configUpdatedAt: now, actionsEnabled: config.ActionsEnabled,
  }, {
    ...key, ts: now, type: "ConfigurationUpdate", summary: `Alarm "${config.AlarmName}" ${existing ? "updated" : "created"}`,
    data: JSON.stringify({ version: "1.0", type: existing ? "Update" : "Create", [existing ? "updatedAlarm" : "createdAlarm"]: { ...describe({ ...key, config: config as unknown as Record<string, unknown>, state: existing?.state ?? "INSUFFICIENT_DATA", stateReason: "", stateUpdatedAt: now, configUpdatedAt: now, actionsEnabled: config.ActionsEnabled, version: 0 }), StateReason: undefined } }),
  });
  return {};
}

function page<T>(items: T[], nameOf: (t: T) => string, token: unknown, max: number): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined) {
    const after = decodeToken<{ n: string }>(token);
    if (!after || typeof after.n !== "string") throw invalidNextToken();
    start = items.findIndex((t) => nameOf(t) > after.n);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + max);
  return { items: slice, next: start + max < items.length ? encodeToken({ n: nameOf(slice[slice.length - 1]) }) : undefined };
}

export async function describeAlarms(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const names = input.AlarmNames as string[] | undefined;
  if (names && names.length > MAX_NAMES) throw invalidParameterValue(`The collection AlarmNames must not have a size greater than ${MAX_NAMES}.`);
  const max = (input.MaxRecords as number | undefined) ?? 50;
  if (max < 1 || max > 100) throw invalidParameterValue(`The value ${max} for parameter MaxRecords is invalid. It must be between 1 and 100.`);
  const types = input.AlarmTypes as string[] | undefined;
  // Only metric alarms exist here; composite alarms are not supported (they would be listed under CompositeAlarms).
  const wantMetric = !types || types.includes("MetricAlarm");
  if (!wantMetric || input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined) return { MetricAlarms: [], CompositeAlarms: [] };
  const prefix = input.AlarmNamePrefix as string | undefined;
  const state = input.StateValue as string | undefined;
  const action = input.ActionPrefix as string | undefined;
  if (names && prefix !== undefined) throw invalidParameterValue("AlarmNames and AlarmNamePrefix cannot be specified together.");
  const all = (await allAlarms(env, ctx)).filter((a) => {
    const c = a.config as unknown as AlarmConfig;
    if (names && !names.includes(a.name)) return false;
    if (prefix !== undefined && !a.name.startsWith(prefix)) return false;
    if (state !== undefined && a.state !== state) return false;
    if (action !== undefined && ![...c.AlarmActions, ...c.OKActions, ...c.InsufficientDataActions].some((x) => x.startsWith(action))) return false;
    return true;
  });
  const p = page(all, (a) => a.name, input.NextToken, max);
  return { MetricAlarms: p.items.map(describe), CompositeAlarms: [], ...(p.next ? { NextToken: p.next } : {}) };
}

export async function describeAlarmsForMetric(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const dims = input.Dimensions !== undefined ? canonicalDimensions(input.Dimensions as Dimension[]) : undefined;
  const out = (await allAlarms(env, ctx)).filter((a) => {
    const c = a.config as unknown as AlarmConfig;
    if (c.MetricName !== input.MetricName || c.Namespace !== input.Namespace) return false;
    if (input.Statistic !== undefined && c.Statistic !== input.Statistic) return false;
    if (input.ExtendedStatistic !== undefined && c.ExtendedStatistic !== input.ExtendedStatistic) return false;
    if (input.Period !== undefined && c.Period !== input.Period) return false;
    if (input.Unit !== undefined && c.Unit !== input.Unit) return false;
    if (dims !== undefined && canonicalDimensions(c.Dimensions) !== dims) return false;
    return true;
  });
  return { MetricAlarms: out.map(describe) };
}

function checkNames(names: string[]): void {
  if (names.length > MAX_NAMES) throw invalidParameterValue(`The collection AlarmNames must not have a size greater than ${MAX_NAMES}.`);
}

export async function deleteAlarms(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const names = input.AlarmNames as string[];
  checkNames(names);
  // "If you specify any incorrect alarm names, the alarms you specify with correct names are still deleted" (DeleteAlarms API reference).
  await env.store.deleteAlarms(ctx.accountId, ctx.region, names);
  return {};
}

async function setActions(env: AlarmEnv, ctx: RequestContext, input: Input, enabled: boolean) {
  const names = input.AlarmNames as string[];
  checkNames(names);
  await env.store.setActionsEnabled(ctx.accountId, ctx.region, names, enabled, []);
  return {};
}

export const enableAlarmActions = (env: AlarmEnv, ctx: RequestContext, input: Input) => setActions(env, ctx, input, true);
export const disableAlarmActions = (env: AlarmEnv, ctx: RequestContext, input: Input) => setActions(env, ctx, input, false);

/**
 * Applies a new state to an alarm computed from `a` (its version): the state, history and action rows in one write.
 * A change that is no change writes nothing. Returns whether it changed the state.
 */
export async function applyState(env: AlarmEnv, a: AlarmRecord, to: Evaluation, at: number): Promise<boolean> {
  if (to.state === a.state) return false;
  const { history, outbox } = transitionWrites(a, to, at, env.topics);
  const done = await env.store.transition({ account: a.account, region: a.region, name: a.name }, a.version, { state: to.state, reason: to.reason, reasonData: to.reasonData, at }, history, outbox);
  if (done && outbox.length > 0) env.outboxChanged?.();
  return done;
}

export async function setAlarmState(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const name = input.AlarmName as string;
  const reasonData = input.StateReasonData as string | undefined;
  if (reasonData !== undefined) {
    try {
      JSON.parse(reasonData);
    } catch {
      throw invalidFormat("Unable to parse StateReasonData as JSON.");
    }
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const a = await env.store.getAlarm({ account: ctx.accountId, region: ctx.region, name });
    // AWS answers ResourceNotFound without a message (LocalStack's AWS-recorded snapshot test_set_alarm_invalid_input).
    if (!a) throw resourceNotFound("");
    // The actions of the new state run when it differs from the previous one (SetAlarmState API reference).
    const to = { state: input.StateValue as AlarmState, reason: input.StateReason as string, reasonData: reasonData ?? "" };
    if (to.state === a.state) return {};
    if (await applyState(env, a, to, env.clock.now())) return {};
  }
  return {};
}

export async function describeAlarmHistory(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const max = (input.MaxRecords as number | undefined) ?? 100;
  if (max < 1 || max > 100) throw invalidParameterValue(`The value ${max} for parameter MaxRecords is invalid. It must be between 1 and 100.`);
  const types = input.AlarmTypes as string[] | undefined;
  if (types && !types.includes("MetricAlarm")) return { AlarmHistoryItems: [] };
  let after: number | undefined;
  if (input.NextToken !== undefined) {
    after = decodeToken<{ i: number }>(input.NextToken)?.i;
    if (after === undefined || !Number.isSafeInteger(after)) throw invalidNextToken();
  }
  const ascending = input.ScanBy === "TimestampAscending";
  const items = await env.store.history({
    account: ctx.accountId, region: ctx.region, name: input.AlarmName as string | undefined, type: input.HistoryItemType as string | undefined,
    from: (input.StartDate as Date | undefined)?.getTime() ?? 0, to: (input.EndDate as Date | undefined)?.getTime() ?? Number.MAX_SAFE_INTEGER,
    ascending, after, limit: max + 1,
  });
  const shown = items.slice(0, max);
  return {
    AlarmHistoryItems: shown.map((h) => ({
      AlarmName: h.name, AlarmType: "MetricAlarm", Timestamp: new Date(h.ts), HistoryItemType: h.type, HistorySummary: h.summary, HistoryData: h.data,
    })),
    ...(items.length > max ? { NextToken: encodeToken({ i: shown[shown.length - 1].id }) } : {}),
  };
}
