// Statistics over stored datapoints: points are grouped into periods aligned to the epoch (period start = ts - ts mod
// period) and each period's statistic set is the merge of its points' (CloudWatch concepts, "Statistics"). pNN
// percentiles are computed from the raw values kept with the points, else from the statistic sets' extremes.
import type { StoredDatapoint } from "../store.ts";
import { invalidParameterValue } from "../errors.ts";

export interface PeriodStats {
  ts: number;
  unit: string;
  sum: number;
  count: number;
  min: number;
  max: number;
  values: number[];
}

/** The statistic names GetMetricStatistics and alarms take (Statistic enum of the API reference). */
export const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** pNN or pNN.NN, 0 <= NN <= 100, at most two decimals (CloudWatch concepts, "Percentiles"). */
const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100(\.0{1,2})?)$/;

export function isPercentile(s: string): boolean {
  return PERCENTILE.test(s);
}

/** A stat as GetMetricData's MetricStat.Stat names it: one of the statistics or a percentile. */
export function checkStat(stat: string, member = "Stat"): string {
  if ((STATISTICS as readonly string[]).includes(stat) || isPercentile(stat)) return stat;
  throw invalidParameterValue(`The value ${stat} for parameter ${member} is not supported. Supported statistics: SampleCount, Average, Sum, Minimum, Maximum and percentiles pNN.NN.`);
}

export function groupByPeriod(points: StoredDatapoint[], period: number, unit: string | undefined): PeriodStats[] {
  const periodMs = period * 1000;
  const out = new Map<number, PeriodStats>();
  for (const p of points) {
    if (unit !== undefined && p.unit !== unit) continue;
    const ts = p.ts - (((p.ts % periodMs) + periodMs) % periodMs);
    const g = out.get(ts);
    if (!g) out.set(ts, { ts, unit: p.unit, sum: p.sum, count: p.count, min: p.min, max: p.max, values: [...p.values] });
    else {
      g.sum += p.sum;
      g.count += p.count;
      g.min = Math.min(g.min, p.min);
      g.max = Math.max(g.max, p.max);
      if (g.values.length < 10_000) g.values.push(...p.values);
    }
  }
  return [...out.values()].sort((a, b) => a.ts - b.ts);
}

export function statValue(g: PeriodStats, stat: string): number {
  switch (stat) {
    case "SampleCount": return g.count;
    case "Sum": return g.sum;
    case "Average": return g.count === 0 ? 0 : g.sum / g.count;
    case "Minimum": return g.min;
    case "Maximum": return g.max;
  }
  const q = Number(stat.slice(1));
  const values = g.values.length > 0 ? [...g.values].sort((a, b) => a - b) : [g.min, g.max];
  // Nearest rank.
  const rank = Math.max(1, Math.ceil((q / 100) * values.length));
  return values[Math.min(values.length, rank) - 1];
}
