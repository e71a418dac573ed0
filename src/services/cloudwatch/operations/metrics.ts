// PutMetricData, GetMetricStatistics, GetMetricData and ListMetrics. Limits and wordings follow the CloudWatch API
// reference for each operation (quoted beside each check).
import type { RequestContext } from "../../types.ts";
import { canonicalDimensions, type Dimension, parseDimensions } from "../domain/dimensions.ts";
import { evaluate, parseExpression, references, type Series, type Value } from "../domain/math.ts";
import { checkStat, groupByPeriod, isPercentile, STATISTICS, statValue } from "../domain/statistics.ts";
import { type CloudWatchEnv, decodeToken, encodeToken, MINUTE, TWO_WEEKS } from "../env.ts";
import { invalidCombination, invalidNextToken, invalidParameterValue, missingParameter } from "../errors.ts";
import type { MetricKey, MetricSummary, NewDatapoint } from "../store.ts";

type Input = Record<string, unknown>;

/** PutMetricData: 1,000 metrics per request, 150 values per metric (PutMetricData API reference). */
export const MAX_METRIC_DATA = 1000;
export const MAX_VALUES = 150;
/** "Values must be in the range of -2^360 to 2^360" (PutMetricData API reference, MetricDatum.Value). */
const MAX_MAGNITUDE = 2 ** 360;
/** GetMetricStatistics returns at most 1,440 datapoints (GetMetricStatistics API reference). */
export const MAX_STATISTICS_DATAPOINTS = 1440;
/** GetMetricData: 500 queries per request, 100,800 datapoints by default (GetMetricData API reference). */
export const MAX_QUERIES = 500;
export const MAX_DATAPOINTS = 100_800;
const LIST_PAGE = 500;

interface Datum {
  MetricName: string;
  Dimensions?: Dimension[];
  Timestamp?: Date;
  Value?: number;
  StatisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
  Values?: number[];
  Counts?: number[];
  Unit?: string;
  StorageResolution?: number;
}

function checkNumber(member: string, v: number): void {
  // Special values (NaN, +Infinity, -Infinity) are not supported (PutMetricData API reference).
  if (!Number.isFinite(v) || Math.abs(v) > MAX_MAGNITUDE) throw invalidParameterValue(`The value ${v} for parameter ${member} is invalid.`);
}

export async function putMetricData(env: CloudWatchEnv, ctx: RequestContext, input: Input) {
  const ns = input.Namespace as string;
  // "You cannot specify a namespace that begins with 'AWS/'" (PutMetricData API reference, Namespace).
  if (ns.startsWith("AWS/")) throw invalidParameterValue("The value AWS/ for parameter Namespace is invalid.");
  // Entity-associated metrics are not carried out: refused rather than accepted and dropped.
  if (input.EntityMetricData !== undefined) throw invalidParameterValue("EntityMetricData is not supported by Mailroom yet; send the metrics in MetricData.");
  const data = (input.MetricData as Datum[] | undefined) ?? [];
  if (data.length === 0) throw missingParameter("The parameter MetricData is required.");
  if (data.length > MAX_METRIC_DATA) throw invalidParameterValue(`The collection MetricData must not have a size greater than ${MAX_METRIC_DATA}.`);
  const now = env.clock.now();
  const points: NewDatapoint[] = [];
  data.forEach((d, i) => {
    const m = `MetricData.member.${i + 1}`;
    const given = [d.Value !== undefined && "Value", d.StatisticValues !== undefined && "StatisticValues", d.Values !== undefined && "Values"].filter(Boolean) as string[];
    if (given.length === 0) throw missingParameter(`At least one of the parameters ${m}.Value, ${m}.StatisticValues or ${m}.Values must be specified.`);
    if (given.length > 1) throw invalidCombination(`The parameters ${m}.${given[0]} and ${m}.${given[1]} are mutually exclusive and you have specified both.`);
    if (d.Counts !== undefined && d.Values === undefined) throw invalidCombination(`The parameter ${m}.Counts requires ${m}.Values.`);
    const ts = d.Timestamp ? d.Timestamp.getTime() : now;
    // Up to two weeks in the past and two hours in the future (PutMetricData API reference, MetricDatum.Timestamp).
    if (ts > now + 2 * 3_600_000) throw invalidParameterValue(`The parameter ${m}.Timestamp must specify a time no more than two hours in the future.`);
    if (ts < now - TWO_WEEKS) throw invalidParameterValue(`The parameter ${m}.Timestamp must specify a time within the past two weeks.`);
    const resolution = d.StorageResolution ?? 60;
    // StorageResolution: 1 (high resolution) or 60 (PutMetricData API reference, MetricDatum.StorageResolution).
    if (resolution !== 1 && resolution !== 60) throw invalidParameterValue(`The value ${resolution} for parameter ${m}.StorageResolution is invalid.`);
    const step = resolution === 1 ? 1000 : MINUTE;
    const key = { account: ctx.accountId, region: ctx.region, namespace: ns, metric: d.MetricName, dims: canonicalDimensions(d.Dimensions, `${m}.Dimensions`) };
    const base = { ...key, ts: ts - (ts % step), unit: d.Unit ?? "None" };
    if (d.Value !== undefined) {
      checkNumber(`${m}.Value`, d.Value);
      points.push({ ...base, sum: d.Value, count: 1, min: d.Value, max: d.Value, values: [d.Value] });
    } else if (d.StatisticValues !== undefined) {
      const s = d.StatisticValues;
      for (const [k, v] of Object.entries(s)) checkNumber(`${m}.StatisticValues.${k}`, v);
      if (s.SampleCount <= 0) throw invalidParameterValue(`The value ${s.SampleCount} for parameter ${m}.StatisticValues.SampleCount is invalid.`);
      if (s.Minimum > s.Maximum) throw invalidParameterValue(`The parameter ${m}.StatisticValues.Maximum must be greater than or equal to ${m}.StatisticValues.Minimum.`);
      points.push({ ...base, sum: s.Sum, count: s.SampleCount, min: s.Minimum, max: s.Maximum });
    } else {
      const values = d.Values!;
      if (values.length > MAX_VALUES) throw invalidParameterValue(`The collection ${m}.Values must not have a size greater than ${MAX_VALUES}.`);
      if (values.length === 0) throw missingParameter(`The parameter ${m}.Values must not be empty.`);
      const counts = d.Counts ?? values.map(() => 1);
      // InvalidParameterValue, not a combination error (LocalStack's AWS-recorded snapshot test_put_metric_data_validation).
      if (counts.length !== values.length) throw invalidParameterValue(`The parameters ${m}.Values and ${m}.Counts must be of the same size.`);
      values.forEach((v, k) => checkNumber(`${m}.Values.member.${k + 1}`, v));
      counts.forEach((c, k) => {
        if (!Number.isFinite(c) || c < 0) throw invalidParameterValue(`The value ${c} for parameter ${m}.Counts.member.${k + 1} is invalid.`);
      });
      const kept: number[] = [];
      values.forEach((v, k) => {
        for (let j = 0; j < Math.min(counts[k], 1000) && kept.length < 1000; j++) kept.push(v);
      });
      points.push({
        ...base,
        sum: values.reduce((s, v, k) => s + v * counts[k], 0),
        count: counts.reduce((s, c) => s + c, 0),
        min: Math.min(...values), max: Math.max(...values), values: kept,
      });
    }
  });
  await env.store.putDatapoints(points);
  return {};
}

function checkPeriod(period: number, member = "Period"): void {
  // Periods: 1, 5, 10, 30 (high resolution) or any multiple of 60 (GetMetricStatistics API reference, Period).
  if (!Number.isInteger(period) || period < 1 || (period % 60 !== 0 && ![1, 5, 10, 30].includes(period))) {
    throw invalidParameterValue(`The parameter ${member} must be a multiple of 60.`);
  }
}

function checkTimes(start: Date, end: Date): void {
  if (start.getTime() >= end.getTime()) throw invalidParameterValue("The parameter StartTime must be less than the parameter EndTime.");
}

export async function getMetricStatistics(env: CloudWatchEnv, ctx: RequestContext, input: Input) {
  const stats = (input.Statistics as string[] | undefined) ?? [];
  const extended = (input.ExtendedStatistics as string[] | undefined) ?? [];
  if (stats.length === 0 && extended.length === 0) throw missingParameter("Must specify either Statistics or ExtendedStatistics.");
  // At most 10 statistics in one call, the two lists together (GetMetricStatistics API reference).
  if (stats.length + extended.length > 10) throw invalidParameterValue("The collection Statistics and ExtendedStatistics together must not have a size greater than 10.");
  for (const e of extended) if (!isPercentile(e)) throw invalidParameterValue(`The value ${e} for parameter ExtendedStatistics is not a valid percentile (pNN.NN).`);
  const period = input.Period as number;
  checkPeriod(period);
  const start = input.StartTime as Date;
  const end = input.EndTime as Date;
  checkTimes(start, end);
  const periodMs = period * 1000;
  const from = start.getTime() - (start.getTime() % periodMs);
  const count = Math.ceil((end.getTime() - from) / periodMs);
  if (count > MAX_STATISTICS_DATAPOINTS) {
    throw invalidCombination(`You have requested up to ${count} datapoints, which exceeds the limit of ${MAX_STATISTICS_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const key: MetricKey = {
    account: ctx.accountId, region: ctx.region, namespace: input.Namespace as string, metric: input.MetricName as string,
    dims: canonicalDimensions(input.Dimensions as Dimension[] | undefined),
  };
  const points = await env.store.datapoints(key, from, end.getTime());
  const groups = groupByPeriod(points, period, input.Unit as string | undefined);
  return {
    Label: key.metric,
    Datapoints: groups.map((g) => {
      const dp: Record<string, unknown> = { Timestamp: new Date(g.ts), Unit: g.unit };
      for (const s of stats) dp[s] = statValue(g, s);
      if (extended.length > 0) dp.ExtendedStatistics = Object.fromEntries(extended.map((e) => [e, statValue(g, e)]));
      return dp;
    }),
  };
}

export interface MetricStatInput {
  Metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };
  Period: number;
  Stat: string;
  Unit?: string;
}

export interface QueryInput {
  Id: string;
  MetricStat?: MetricStatInput;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

/** One MetricStat's series over [from, to) for an account and region. */
export async function metricStatSeries(env: CloudWatchEnv, account: string, region: string, ms: MetricStatInput, from: number, to: number): Promise<Series> {
  const m = ms.Metric;
  if (!m.Namespace || !m.MetricName) throw missingParameter("The parameters Metric.Namespace and Metric.MetricName are required.");
  const key: MetricKey = { account, region, namespace: m.Namespace, metric: m.MetricName, dims: canonicalDimensions(m.Dimensions) };
  const periodMs = ms.Period * 1000;
  const points = await env.store.datapoints(key, from - (from % periodMs), to);
  const groups = groupByPeriod(points, ms.Period, ms.Unit);
  return { kind: "series", ts: groups.map((g) => g.ts), values: groups.map((g) => statValue(g, ms.Stat)), label: m.MetricName };
}

/**
 * Evaluates a set of metric data queries (GetMetricData and metric-math alarms): MetricStats are read, expressions
 * evaluated in dependency order (a cycle or an unknown id is InvalidParameterValue). Returns each query's value.
 */
export async function runQueries(env: CloudWatchEnv, account: string, region: string, queries: QueryInput[], from: number, to: number): Promise<Map<string, Value>> {
  if (queries.length > MAX_QUERIES) throw invalidParameterValue(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  const byId = new Map<string, QueryInput>();
  for (const q of queries) {
    // Id: starts with a lowercase letter; letters, numbers and underscores (MetricDataQuery.Id, API reference).
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) throw invalidParameterValue(`The value ${q.Id} for parameter MetricDataQueries.member.Id is invalid. It must start with a lowercase letter and contain only letters, numbers and underscores.`);
    if (byId.has(q.Id)) throw invalidParameterValue(`The values for parameter id in MetricDataQueries are not unique.`);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw invalidParameterValue(`The parameter MetricDataQueries.member.${q.Id} must specify exactly one of MetricStat or Expression.`);
    }
    // Cross-account queries (CloudWatch cross-account observability) are not carried out.
    if ((q as { AccountId?: string }).AccountId !== undefined && (q as { AccountId?: string }).AccountId !== account) {
      throw invalidParameterValue(`The value ${(q as { AccountId?: string }).AccountId} for parameter MetricDataQueries.member.AccountId is invalid: cross-account queries are not supported by Mailroom.`);
    }
    if (q.MetricStat) {
      checkPeriod(q.MetricStat.Period, "MetricStat.Period");
      checkStat(q.MetricStat.Stat, "MetricStat.Stat");
    }
    byId.set(q.Id, q);
  }
  const results = new Map<string, Value>();
  const stats: Series[] = [];
  for (const q of queries) {
    if (!q.MetricStat) continue;
    const s = await metricStatSeries(env, account, region, q.MetricStat, from, to);
    s.label = q.Label ?? s.label;
    results.set(q.Id, s);
    stats.push(s);
  }
  const period = queries.find((q) => q.MetricStat)?.MetricStat?.Period ?? queries.find((q) => q.Period)?.Period ?? 60;
  const periodMs = period * 1000;
  const grid: number[] = [];
  for (let t = from - (from % periodMs); t < to && grid.length <= MAX_DATAPOINTS; t += periodMs) grid.push(t);
  const parsed = new Map(queries.filter((q) => q.Expression !== undefined).map((q) => [q.Id, parseExpression(q.Expression!)]));
  const visiting = new Set<string>();
  const resolve = (id: string): Value | undefined => {
    const done = results.get(id);
    if (done !== undefined) return done;
    const node = parsed.get(id);
    if (!node) return undefined;
    if (visiting.has(id)) throw invalidParameterValue(`Circular dependency in MetricDataQueries involving ${id}.`);
    visiting.add(id);
    for (const r of references(node)) if (!byId.has(r)) throw invalidParameterValue(`Error in expression '${byId.get(id)!.Expression}': Unrecognized metric id '${r}'`);
    const v = evaluate(node, { expr: byId.get(id)!.Expression!, lookup: resolve, metrics: () => stats, grid, period });
    visiting.delete(id);
    results.set(id, v);
    return v;
  };
  for (const id of parsed.keys()) resolve(id);
  return results;
}

export async function getMetricData(env: CloudWatchEnv, ctx: RequestContext, input: Input) {
  const queries = input.MetricDataQueries as QueryInput[];
  const start = input.StartTime as Date;
  const end = input.EndTime as Date;
  checkTimes(start, end);
  if (!queries.some((q) => q.ReturnData !== false)) throw invalidParameterValue("At least one MetricDataQuery must have ReturnData set to true.");
  const max = (input.MaxDatapoints as number | undefined) ?? MAX_DATAPOINTS;
  const offset = input.NextToken === undefined ? 0 : decodeToken<{ o: number }>(input.NextToken)?.o;
  if (offset === undefined || !Number.isSafeInteger(offset) || offset < 0) throw invalidNextToken();
  const results = await runQueries(env, ctx.accountId, ctx.region, queries, start.getTime(), end.getTime());
  const ascending = input.ScanBy === "TimestampAscending";
  const out: Record<string, unknown>[] = [];
  let skip = offset;
  let room = max;
  let more = false;
  for (const q of queries) {
    if (q.ReturnData === false) continue;
    const v = results.get(q.Id)!;
    const list: Series[] = typeof v === "number" ? [] : Array.isArray(v) ? v : [v];
    if (typeof v === "number") list.push({ kind: "series", ts: [start.getTime()], values: [v] });
    list.forEach((s, k) => {
      let idx = s.ts.map((_, i) => i);
      if (!ascending) idx.reverse();
      idx = idx.filter((i) => !Number.isNaN(s.values[i]) && Number.isFinite(s.values[i]));
      const dropped = Math.min(skip, idx.length);
      skip -= dropped;
      idx = idx.slice(dropped);
      const take = idx.slice(0, room);
      room -= take.length;
      const partial = take.length < idx.length;
      if (partial) more = true;
      out.push({
        Id: list.length > 1 ? `${q.Id}${k === 0 ? "" : k}` : q.Id,
        Label: q.Label ?? s.label ?? q.Id,
        Timestamps: take.map((i) => new Date(s.ts[i])),
        Values: take.map((i) => s.values[i]),
        // No per-result Messages when there are none (LocalStack's AWS-recorded snapshot test_basic_operations_multiple_protocols).
        StatusCode: partial ? "PartialData" : "Complete",
      });
    });
  }
  return { MetricDataResults: out, Messages: [], ...(more ? { NextToken: encodeToken({ o: offset + max }) } : {}) };
}

export async function listMetrics(env: CloudWatchEnv, ctx: RequestContext, input: Input) {
  const filters = (input.Dimensions as { Name: string; Value?: string }[] | undefined) ?? [];
  // At most 10 dimension filters (ListMetrics API reference, Dimensions).
  if (filters.length > 10) throw invalidParameterValue("The collection Dimensions must not have a size greater than 10.");
  let after: MetricSummary | undefined;
  if (input.NextToken !== undefined) {
    after = decodeToken<MetricSummary>(input.NextToken);
    if (!after || typeof after.namespace !== "string" || typeof after.metric !== "string" || typeof after.dims !== "string") throw invalidNextToken();
  }
  // RecentlyActive PT3H: metrics with a datapoint in the past three hours; else the past two weeks (API reference).
  const now = env.clock.now();
  const since = input.RecentlyActive === "PT3H" ? now - 3 * 3_600_000 : now - TWO_WEEKS;
  const out: { Namespace: string; MetricName: string; Dimensions: Dimension[] }[] = [];
  let last: MetricSummary | undefined;
  for (;;) {
    const page = await env.store.listMetrics(ctx.accountId, ctx.region, since, input.Namespace as string | undefined, input.MetricName as string | undefined, after, LIST_PAGE);
    for (const m of page) {
      last = m;
      const dims = parseDimensions(m.dims);
      if (!filters.every((f) => dims.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)))) continue;
      out.push({ Namespace: m.namespace, MetricName: m.metric, Dimensions: dims });
      if (out.length === LIST_PAGE) return { Metrics: out, NextToken: encodeToken(m) };
    }
    if (page.length < LIST_PAGE) return { Metrics: out };
    after = last;
  }
}

export const STATISTIC_NAMES = STATISTICS;
