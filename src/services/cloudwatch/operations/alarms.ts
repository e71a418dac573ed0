// The alarm operations: PutMetricAlarm, DescribeAlarms, DescribeAlarmsForMetric, DeleteAlarms, SetAlarmState,
// Enable/DisableAlarmActions and DescribeAlarmHistory (CloudWatch API reference for each; limits quoted beside
// their checks). Evaluation itself is the minute job's (jobs/minute.ts), through evaluateAndApply below.
import type { RequestContext } from "../../types.ts";
import { type AlarmConfig, checkAlarm } from "../domain/alarms.ts";
import { canonicalDimensions, type Dimension } from "../domain/dimensions.ts";
import { decodeToken, encodeToken } from "../env.ts";
import { invalidFormat, invalidNextToken, invalidParameterValue, limitExceeded, resourceNotFound, validationError } from "../errors.ts";
import type { AlarmRecord, AlarmState } from "../store.ts";
import { type AlarmEnv, allAlarms, applyState, compositeConfig, dependents, describeComposite, isComposite, MAX_ALARMS } from "./composite.ts";

export { type AlarmEnv, applyState, MAX_ALARMS };

type Input = Record<string, unknown>;

/** At most 100 names in DescribeAlarms, DeleteAlarms, Enable/DisableAlarmActions (API reference, AlarmNames). */
export const MAX_NAMES = 100;

/** The alarm as DescribeAlarms answers it (MetricAlarm). */
export function describe(a: AlarmRecord): Record<string, unknown> {
  const { baseUrl: _b, Tags: _t, ...c } = a.config as unknown as AlarmConfig;
  return {
    ...c, ActionsEnabled: a.actionsEnabled, AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdatedAt), StateValue: a.state,
    StateReason: a.stateReason, StateReasonData: a.stateReasonData, StateUpdatedTimestamp: new Date(a.stateUpdatedAt),
    StateTransitionedTimestamp: new Date(a.stateUpdatedAt),
  };
}

export async function putMetricAlarm(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const config = checkAlarm(input, ctx.accountId, ctx.region, ctx.baseUrl);
  const now = env.clock.now();
  const key = { account: ctx.accountId, region: ctx.region, name: config.AlarmName };
  const existing = await env.store.getAlarm(key);
  if (existing && isComposite(existing)) throw invalidParameterValue(`The alarm ${config.AlarmName} already exists as a composite alarm.`);
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
  // Without AlarmTypes only metric alarms are returned (DescribeAlarms API reference, AlarmTypes).
  const wantMetric = types ? types.includes("MetricAlarm") : true;
  const wantComposite = types ? types.includes("CompositeAlarm") : false;
  const prefix = input.AlarmNamePrefix as string | undefined;
  const state = input.StateValue as string | undefined;
  const action = input.ActionPrefix as string | undefined;
  const children = input.ChildrenOfAlarmName as string | undefined;
  const parents = input.ParentsOfAlarmName as string | undefined;
  if (names && prefix !== undefined) throw invalidParameterValue("AlarmNames and AlarmNamePrefix cannot be specified together.");
  // "If you specify ChildrenOfAlarmName [or ParentsOfAlarmName], you cannot specify any other parameters in the
  // request except for MaxRecords and NextToken" (DescribeAlarms API reference).
  if ((children !== undefined || parents !== undefined) && (names || prefix !== undefined || state !== undefined || action !== undefined || (children !== undefined && parents !== undefined))) {
    throw invalidParameterValue("ChildrenOfAlarmName and ParentsOfAlarmName cannot be combined with other filters except MaxRecords and NextToken.");
  }
  const everything = await allAlarms(env, ctx);
  let relatives: Set<string> | undefined;
  if (children !== undefined) {
    const parent = everything.find((a) => a.name === children);
    relatives = new Set(parent && isComposite(parent) ? compositeConfig(parent).children : []);
  } else if (parents !== undefined) {
    relatives = new Set(everything.filter((a) => isComposite(a) && compositeConfig(a).children.includes(parents)).map((a) => a.name));
  }
  const all = everything.filter((a) => {
    const composite = isComposite(a);
    if (relatives) return relatives.has(a.name) && (composite ? wantComposite || !types : wantMetric);
    if (composite ? !wantComposite : !wantMetric) return false;
    const c = a.config as unknown as AlarmConfig;
    if (names && !names.includes(a.name)) return false;
    if (prefix !== undefined && !a.name.startsWith(prefix)) return false;
    if (state !== undefined && a.state !== state) return false;
    if (action !== undefined && ![...c.AlarmActions, ...c.OKActions, ...c.InsufficientDataActions].some((x) => x.startsWith(action))) return false;
    return true;
  });
  const p = page(all, (a) => a.name, input.NextToken, max);
  return {
    MetricAlarms: p.items.filter((a) => !isComposite(a)).map(describe), CompositeAlarms: p.items.filter(isComposite).map(describeComposite),
    ...(p.next ? { NextToken: p.next } : {}),
  };
}

export async function describeAlarmsForMetric(env: AlarmEnv, ctx: RequestContext, input: Input) {
  const dims = input.Dimensions !== undefined ? canonicalDimensions(input.Dimensions as Dimension[]) : undefined;
  const out = (await allAlarms(env, ctx)).filter((a) => {
    if (isComposite(a)) return false;
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
  const all = await allAlarms(env, ctx);
  const deleting = new Set(names);
  // "You can't delete two composite alarms with one operation" (DeleteAlarms API reference).
  if (all.filter((a) => deleting.has(a.name) && isComposite(a)).length > 1) throw validationError("Only one composite alarm can be deleted in one operation.");
  // "Cannot delete abc,xyz as there are composite alarm(s) depending on them." (AWS's ValidationError as users report it)
  const blocked = dependents(all, deleting);
  if (blocked.length > 0) throw validationError(`Cannot delete ${blocked.join(",")} as there are composite alarm(s) depending on ${blocked.length === 1 ? "it" : "them"}.`);
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
  // Without AlarmTypes, metric alarms' history only (DescribeAlarmHistory API reference, AlarmTypes).
  const types = new Set((input.AlarmTypes as string[] | undefined) ?? ["MetricAlarm"]);
  const composites = new Set((await allAlarms(env, ctx)).filter(isComposite).map((a) => a.name));
  const typeOf = (name: string) => (composites.has(name) ? "CompositeAlarm" : "MetricAlarm");
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
    AlarmHistoryItems: shown.filter((h) => types.has(typeOf(h.name))).map((h) => ({
      AlarmName: h.name, AlarmType: typeOf(h.name), Timestamp: new Date(h.ts), HistoryItemType: h.type, HistorySummary: h.summary, HistoryData: h.data,
    })),
    ...(items.length > max ? { NextToken: encodeToken({ i: shown[shown.length - 1].id }) } : {}),
  };
}
