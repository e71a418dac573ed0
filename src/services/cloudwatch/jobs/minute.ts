// Once a minute, at the minute boundary, on every node: the server's counters of the minute that ended become
// AWS/* datapoints (each node adds its own), the gauges are sampled into the same minute (a sample replaces, so nodes
// agree), every alarm is evaluated over its last EvaluationPeriods periods (a transition is a compare-and-set on the
// alarm's version, so one node wins), and datapoints and history past the retention are deleted.
import type { Scheduler } from "../../../engine/scheduler.ts";
import type { CloudWatchMetric, Metrics } from "../../../metrics/registry.ts";
import type { Logger } from "../../../util/log.ts";
import { type AlarmConfig, alarmPeriod, evaluateAlarm, lowSampleCount } from "../domain/alarms.ts";
import { canonicalDimensions } from "../domain/dimensions.ts";
import { groupByPeriod, statValue } from "../domain/statistics.ts";
import { MINUTE } from "../env.ts";
import { type AlarmEnv, applyState } from "../operations/alarms.ts";
import { evaluateComposite, isComposite } from "../operations/composite.ts";
import { runQueries } from "../operations/metrics.ts";
import type { AlarmRecord, NewDatapoint } from "../store.ts";

export const MINUTE_JOB = "cloudwatch.minute";

export function scheduleMinute(scheduler: Scheduler, env: AlarmEnv, metrics: Metrics, log: Logger) {
  let done = Math.floor(env.clock.now() / MINUTE) * MINUTE;
  return scheduler.register({
    name: MINUTE_JOB,
    nextDue: () => done + MINUTE,
    async run(now) {
      const minute = Math.floor(now / MINUTE) * MINUTE;
      if (minute <= done) return;
      done = minute;
      await recordMinute(env, metrics, minute - MINUTE);
      await evaluateAlarms(env, now, log);
      await env.store.sweep(now - env.retentionMs);
    },
  });
}

/** The minute's counters and a sample of the gauges, as datapoints at `ts` (the minute that ended). */
export async function recordMinute(env: AlarmEnv, metrics: Metrics, ts: number): Promise<void> {
  const points: NewDatapoint[] = [];
  for (const c of metrics.drainCounters()) {
    points.push({
      account: c.account, region: c.region, namespace: c.metric.namespace, metric: c.metric.metric, dims: dimensionsOf(c.metric, c.resource),
      ts, unit: c.metric.unit, sum: c.value, count: 1, min: c.value, max: c.value, values: [c.value],
    });
  }
  for (const d of metrics.drainDistributions()) {
    points.push({
      account: d.account, region: d.region, namespace: d.metric.namespace, metric: d.metric.metric, dims: dimensionsOf(d.metric, d.resource),
      ts, unit: d.metric.unit, sum: d.sum, count: d.count, min: d.min, max: d.max, values: d.values,
    });
  }
  for (const g of await metrics.sampleGauges()) {
    const cw = g.metric.cloudwatch;
    if (!cw) continue;
    points.push({
      account: g.account, region: g.region, namespace: cw.namespace, metric: cw.metric, dims: dimensionsOf(cw, g.resource),
      ts, unit: cw.unit, sum: g.value, count: 1, min: g.value, max: g.value, values: [g.value], replace: true,
    });
  }
  await env.store.putDatapoints(points);
}

/** A series' CloudWatch dimensions for one resource: its one dimension, or the several its metric names (AWS/Events). */
function dimensionsOf(cw: CloudWatchMetric, resource: string): string {
  return canonicalDimensions(cw.dimensions ? cw.dimensions(resource) : [{ Name: cw.dimension, Value: resource }]);
}

export async function evaluateAlarms(env: AlarmEnv, now: number, log: Logger): Promise<void> {
  // Periods are judged once every node's counters for them are in (settleMs); the state changes now.
  const asOf = now - env.settleMs;
  // Metric alarms first, then the composite alarms over their children's new states (a composite's own change
  // re-evaluates the composites above it), so each composite is evaluated once a minute, not once per child change.
  for (const composites of [false, true]) {
    let after: AlarmRecord | undefined;
    for (;;) {
      const page = await env.store.alarmsPage(after, 500);
      for (const a of page) {
        if (isComposite(a) !== composites) continue;
        try {
          if (composites) await evaluateComposite(env, a, now);
          else await evaluateOne(env, a, asOf, now);
        } catch (e) {
          log.warn("alarm evaluation failed", { alarm: a.name, error: String(e) });
        }
      }
      if (page.length < 500) break;
      after = page[page.length - 1];
    }
  }
}

/** Evaluates one alarm over its last EvaluationPeriods complete periods and applies the state they call for. */
export async function evaluateOne(env: AlarmEnv, a: AlarmRecord, asOf: number, now: number): Promise<void> {
  const c = a.config as unknown as AlarmConfig;
  const period = alarmPeriod(c);
  const periodMs = period * 1000;
  const end = Math.floor(asOf / periodMs) * periodMs;
  const from = end - c.EvaluationPeriods * periodMs;
  const periods = Array.from({ length: c.EvaluationPeriods }, (_, i) => from + i * periodMs);
  const values = new Map<number, number>();
  const counts = new Map<number, number>();
  let label: string;
  if (c.Metrics) {
    label = "";
    const results = await runQueries(env, a.account, a.region, c.Metrics, from, end);
    const out = c.Metrics.find((m) => m.ReturnData !== false)!;
    const v = results.get(out.Id);
    if (typeof v === "number") for (const p of periods) values.set(p, v);
    else if (v && !Array.isArray(v)) v.ts.forEach((t, i) => Number.isFinite(v.values[i]) && values.set(t, v.values[i]));
  } else {
    const stat = c.Statistic ?? c.ExtendedStatistic!;
    label = c.Statistic ?? c.ExtendedStatistic!;
    const key = { account: a.account, region: a.region, namespace: c.Namespace!, metric: c.MetricName!, dims: canonicalDimensions(c.Dimensions) };
    for (const g of groupByPeriod(await env.store.datapoints(key, from, end), period, c.Unit)) {
      values.set(g.ts, statValue(g, stat));
      counts.set(g.ts, g.count);
    }
  }
  // EvaluateLowSampleCountPercentile=ignore: the state does not change while a percentile rests on too few samples.
  if (c.ExtendedStatistic && c.EvaluateLowSampleCountPercentile === "ignore") {
    for (const n of counts.values()) if (lowSampleCount(c.ExtendedStatistic, n)) return;
  }
  const to = evaluateAlarm(c, periods, values, now, label, counts);
  if (to) await applyState(env, a, to, now, false);
}
