// Metric alarms: PutMetricAlarm's checks, the evaluation of M out of N periods with TreatMissingData, and the
// message an alarm publishes to its SNS actions. Sources: PutMetricAlarm API reference; CloudWatch user guide,
// "Evaluating an alarm" and "Configuring how CloudWatch alarms treat missing data"; the alarm notification format
// as SNS subscribers receive it (AWSAccountId, NewStateValue, OldStateValue, Trigger, ... as in AWS's samples).
import { invalidCombination, invalidParameterValue, missingParameter } from "../errors.ts";
import type { AlarmState } from "../store.ts";
import type { Dimension } from "./dimensions.ts";
import { checkStat, isPercentile, STATISTICS } from "./statistics.ts";

export const COMPARISONS = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"] as const;
export const TREAT_MISSING = ["breaching", "notBreaching", "ignore", "missing"] as const;
/** Up to 5 actions per state (PutMetricAlarm API reference, AlarmActions: "Maximum number of 5 items"). */
export const MAX_ACTIONS = 5;
/** Metric math alarms: up to 10 queries (PutMetricAlarm API reference, Metrics). */
export const MAX_ALARM_QUERIES = 10;
/** Period × EvaluationPeriods at most one day (PutMetricAlarm API reference, EvaluationPeriods). */
export const MAX_EVALUATION_SECONDS = 86_400;

/** The alarm as DescribeAlarms shows it (MetricAlarm members), plus where the actions' messages link back to. */
export interface AlarmConfig {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold: number;
  ComparisonOperator: string;
  TreatMissingData?: string;
  EvaluateLowSampleCountPercentile?: string;
  Metrics?: AlarmQuery[];
  Tags?: { Key: string; Value: string }[];
  /** Base URL of the PutMetricAlarm request (SNS UnsubscribeURLs of the notifications). */
  baseUrl: string;
}

export interface AlarmQuery {
  Id: string;
  MetricStat?: { Metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] }; Period: number; Stat: string; Unit?: string };
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
}

export function alarmArn(region: string, account: string, name: string): string {
  return `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
}

export function checkActions(member: string, arns: string[] | undefined, account: string, region: string): string[] {
  const list = arns ?? [];
  if (list.length > MAX_ACTIONS) throw invalidParameterValue(`The collection ${member} must not have a size greater than ${MAX_ACTIONS}.`);
  for (const a of list) {
    // SNS topics are the actions carried out here; EC2, Auto Scaling, Systems Manager and Lambda actions are refused.
    const m = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_.-]{1,256}$/.exec(a);
    if (!m) throw invalidParameterValue(`Invalid arn syntax: ${a}. Mailroom carries out SNS topic actions only.`);
    // An alarm notifies topics of its own Region (CloudWatch user guide, alarm actions); another account's topic would
    // be published to without its topic policy being asked, so it is refused too.
    if (m[1] !== region || m[2] !== account) {
      throw invalidParameterValue(`The topic ${a} is not in the alarm's account and Region; Mailroom notifies topics of the alarm's own account and Region only.`);
    }
  }
  return list;
}

/** PutMetricAlarm's input checked and normalised. */
export function checkAlarm(input: Record<string, unknown>, account: string, region: string, baseUrl: string): AlarmConfig {
  const name = input.AlarmName as string;
  const evaluationPeriods = input.EvaluationPeriods as number | undefined;
  if (evaluationPeriods === undefined) throw missingParameter("The parameter EvaluationPeriods is required.");
  if (evaluationPeriods < 1) throw invalidParameterValue(`The value ${evaluationPeriods} for parameter EvaluationPeriods is invalid.`);
  const comparison = input.ComparisonOperator as string | undefined;
  if (comparison === undefined) throw missingParameter("The parameter ComparisonOperator is required.");
  if (!(COMPARISONS as readonly string[]).includes(comparison)) {
    throw invalidParameterValue(`The value ${comparison} for parameter ComparisonOperator is not supported by Mailroom (anomaly detection bands are not).`);
  }
  if (input.ThresholdMetricId !== undefined) throw invalidParameterValue("ThresholdMetricId (anomaly detection) is not supported by Mailroom.");
  // PromQL-style evaluation criteria are not carried out: refused rather than accepted and ignored.
  if (input.EvaluationCriteria !== undefined || input.EvaluationInterval !== undefined) {
    throw invalidParameterValue("EvaluationCriteria and EvaluationInterval are not supported by Mailroom yet.");
  }
  if (input.Threshold === undefined) throw missingParameter("The parameter Threshold is required.");
  const datapoints = input.DatapointsToAlarm as number | undefined;
  if (datapoints !== undefined && (datapoints < 1 || datapoints > evaluationPeriods)) {
    throw invalidParameterValue(`DatapointsToAlarm must be between 1 and EvaluationPeriods (${evaluationPeriods}).`);
  }
  const treat = input.TreatMissingData as string | undefined;
  if (treat !== undefined && !(TREAT_MISSING as readonly string[]).includes(treat)) {
    throw invalidParameterValue(`The value ${treat} for parameter TreatMissingData is invalid. Valid values: breaching, notBreaching, ignore, missing.`);
  }
  const low = input.EvaluateLowSampleCountPercentile as string | undefined;
  if (low !== undefined && low !== "" && low !== "evaluate" && low !== "ignore") {
    throw invalidParameterValue(`The value ${low} for parameter EvaluateLowSampleCountPercentile is invalid.`);
  }
  const metrics = input.Metrics as AlarmQuery[] | undefined;
  const single = ["MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"].filter((k) => input[k] !== undefined);
  const config: AlarmConfig = {
    AlarmName: name, AlarmArn: alarmArn(region, account, name), AlarmDescription: input.AlarmDescription as string | undefined,
    ActionsEnabled: input.ActionsEnabled !== false,
    OKActions: checkActions("OKActions", input.OKActions as string[] | undefined, account, region),
    AlarmActions: checkActions("AlarmActions", input.AlarmActions as string[] | undefined, account, region),
    InsufficientDataActions: checkActions("InsufficientDataActions", input.InsufficientDataActions as string[] | undefined, account, region),
    EvaluationPeriods: evaluationPeriods, DatapointsToAlarm: datapoints, Threshold: input.Threshold as number, ComparisonOperator: comparison,
    TreatMissingData: treat, EvaluateLowSampleCountPercentile: low, Tags: input.Tags as AlarmConfig["Tags"], baseUrl,
  };
  if (metrics !== undefined) {
    // A metric math alarm names its metrics in Metrics only (PutMetricAlarm API reference, Metrics).
    if (single.filter((k) => k !== "Unit").length > 0) {
      throw invalidCombination(`The parameters ${single.join(", ")} cannot be specified together with Metrics.`);
    }
    if (metrics.length === 0 || metrics.length > MAX_ALARM_QUERIES) throw invalidParameterValue(`The collection Metrics must have between 1 and ${MAX_ALARM_QUERIES} items.`);
    if (metrics.filter((m) => m.ReturnData !== false).length !== 1) {
      throw invalidParameterValue("Exactly one element of the metrics list should return data.");
    }
    let period = 0;
    for (const m of metrics) {
      if (m.MetricStat) {
        checkStat(m.MetricStat.Stat, "Metrics.MetricStat.Stat");
        period = Math.max(period, m.MetricStat.Period);
      } else if (m.Expression === undefined) throw invalidParameterValue(`The metric ${m.Id} must specify exactly one of MetricStat or Expression.`);
      if (m.Period !== undefined) period = Math.max(period, m.Period);
    }
    if (period === 0) throw invalidParameterValue("Metric math alarms need a Period (from a MetricStat or the expression's Period).");
    checkPeriodTimes(period, evaluationPeriods);
    config.Metrics = metrics;
    return config;
  }
  for (const k of ["MetricName", "Namespace", "Period"]) if (input[k] === undefined) throw missingParameter(`The parameter ${k} is required.`);
  const statistic = input.Statistic as string | undefined;
  const extended = input.ExtendedStatistic as string | undefined;
  if ((statistic === undefined) === (extended === undefined)) {
    throw invalidCombination("Exactly one of the parameters Statistic and ExtendedStatistic must be specified.");
  }
  if (statistic !== undefined && !(STATISTICS as readonly string[]).includes(statistic)) throw invalidParameterValue(`The value ${statistic} for parameter Statistic is invalid.`);
  if (extended !== undefined && !isPercentile(extended)) throw invalidParameterValue(`The value ${extended} for parameter ExtendedStatistic is invalid.`);
  const period = input.Period as number;
  if (period < 10 || (period % 60 !== 0 && ![10, 30].includes(period))) {
    // Valid periods: 10, 30 and any multiple of 60 (PutMetricAlarm API reference, Period).
    throw invalidParameterValue("The parameter Period must be 10, 30 or a multiple of 60.");
  }
  checkPeriodTimes(period, evaluationPeriods);
  Object.assign(config, {
    MetricName: input.MetricName, Namespace: input.Namespace, Statistic: statistic, ExtendedStatistic: extended,
    Dimensions: (input.Dimensions as Dimension[] | undefined) ?? [], Period: period, Unit: input.Unit,
  });
  return config;
}

function checkPeriodTimes(period: number, evaluationPeriods: number): void {
  if (period * evaluationPeriods > MAX_EVALUATION_SECONDS) {
    throw invalidParameterValue(`The product of Period and EvaluationPeriods must not exceed ${MAX_EVALUATION_SECONDS} seconds (one day).`);
  }
}

/**
 * Too few samples for a percentile to mean something: fewer than 10/(1−p) for p in [0.5, 1), fewer than 10/p below
 * 0.5 (CloudWatch user guide, "Percentile-based alarms and low data samples"). p100 and p0 are never too few.
 */
export function lowSampleCount(percentile: string, samples: number): boolean {
  const p = Number(percentile.slice(1)) / 100;
  if (p >= 1 || p <= 0) return false;
  return samples < (p >= 0.5 ? 10 / (1 - p) : 10 / p);
}

/** The alarm's period in seconds (metric math alarms: their queries' longest). */
export function alarmPeriod(c: AlarmConfig): number {
  if (c.Period !== undefined) return c.Period;
  let p = 0;
  for (const m of c.Metrics ?? []) p = Math.max(p, m.MetricStat?.Period ?? 0, m.Period ?? 0);
  return p;
}

export function breaches(c: AlarmConfig, v: number): boolean {
  switch (c.ComparisonOperator) {
    case "GreaterThanOrEqualToThreshold": return v >= c.Threshold;
    case "GreaterThanThreshold": return v > c.Threshold;
    case "LessThanThreshold": return v < c.Threshold;
    default: return v <= c.Threshold;
  }
}

const WORDS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: "greater than or equal to", GreaterThanThreshold: "greater than",
  LessThanThreshold: "less than", LessThanOrEqualToThreshold: "less than or equal to",
};

/** 06/03/15 17:43:27 as AWS's reasons write datapoint times (dd/MM/yy HH:mm:ss, UTC). */
function reasonTime(ts: number): string {
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const num = (v: number) => (Number.isInteger(v) ? v.toFixed(1) : String(v));

export interface Evaluation {
  state: AlarmState;
  reason: string;
  reasonData: string;
}

/**
 * The state the last N periods call for: ALARM when at least M (DatapointsToAlarm, default N) breach; missing
 * periods count as TreatMissingData says (breaching, notBreaching, ignore: skipped, missing: skipped, and all missing
 * is INSUFFICIENT_DATA). Undefined: keep the current state (ignore with no datapoint).
 * `periods`: the N period starts, oldest first; `values`: the value of each period that has one.
 */
export function evaluateAlarm(
  c: AlarmConfig, periods: number[], values: Map<number, number>, now: number, statLabel: string, sampleCounts?: Map<number, number>,
): Evaluation | undefined {
  const n = c.EvaluationPeriods;
  const m = c.DatapointsToAlarm ?? n;
  const treat = c.TreatMissingData ?? "missing";
  const present = periods.filter((p) => values.has(p));
  const newestFirst = [...present].reverse();
  let breaching = present.filter((p) => breaches(c, values.get(p)!)).length;
  const missing = periods.length - present.length;
  if (treat === "breaching") breaching += missing;
  // (present.length === 0 with breaching/notBreaching is decided below by the missing-data rule alone)
  // StateReasonData as AWS records it: unit when the alarm has one, missing periods with their timestamp only
  // (LocalStack's AWS-recorded snapshots, test_cloudwatch.snapshot.json).
  const data = {
    version: "1.0", queryDate: isoMillis(now), startDate: isoMillis(periods[0] ?? now), ...(c.Unit ? { unit: c.Unit } : {}), statistic: statLabel,
    period: alarmPeriod(c), recentDatapoints: present.map((p) => values.get(p)!), threshold: c.Threshold,
    evaluatedDatapoints: [...periods].reverse().map((p) => (values.has(p)
      ? { timestamp: isoMillis(p), ...(sampleCounts?.has(p) ? { sampleCount: sampleCounts.get(p)! } : {}), value: values.get(p)! }
      : { timestamp: isoMillis(p) })),
  };
  const reasonData = JSON.stringify(data);
  if (present.length === 0) {
    if (treat === "ignore") return undefined;
    if (treat === "missing") return { state: "INSUFFICIENT_DATA", reason: `Insufficient Data: ${n} datapoint${n === 1 ? " was" : "s were"} unknown.`, reasonData };
    // "Threshold Crossed: no datapoints were received for 2 periods and 2 missing datapoints were treated as [Breaching]." (recorded)
    const as = treat === "breaching" ? "Breaching" : "NonBreaching";
    return {
      state: treat === "breaching" && n >= m ? "ALARM" : "OK",
      reason: `Threshold Crossed: no datapoints were received for ${n} period${n === 1 ? "" : "s"} and ${n} missing datapoint${n === 1 ? " was" : "s were"} treated as [${as}].`,
      reasonData,
    };
  }
  const shown = newestFirst.map((p) => `${num(values.get(p)!)} (${reasonTime(p)})`).join(", ");
  const word = WORDS[c.ComparisonOperator];
  const alarm = breaching >= m;
  // One period and no DatapointsToAlarm: "Threshold Crossed: 1 datapoint [21.5 (26/10/23 16:42:00)] was greater than
  // the threshold (2.0)." (recorded); otherwise the M-out-of-N form of AWS's notifications.
  if (n === 1 && c.DatapointsToAlarm === undefined) {
    return { state: alarm ? "ALARM" : "OK", reason: `Threshold Crossed: 1 datapoint [${shown}] was ${alarm ? "" : "not "}${word} the threshold (${num(c.Threshold)}).`, reasonData };
  }
  if (alarm) {
    return {
      state: "ALARM",
      reason: `Threshold Crossed: ${breaching} out of the last ${n} datapoints [${shown}] ${breaching === 1 ? "was" : "were"} ${word} the threshold (${num(c.Threshold)}) (minimum ${m} datapoint${m === 1 ? "" : "s"} for OK -> ALARM transition).`,
      reasonData,
    };
  }
  const ok = n - breaching;
  return {
    state: "OK",
    reason: `Threshold Crossed: ${ok} out of the last ${n} datapoints [${shown}] ${ok === 1 ? "was" : "were"} not ${word} the threshold (${num(c.Threshold)}) (minimum ${n - m + 1} datapoint${n - m + 1 === 1 ? "" : "s"} for ALARM -> OK transition).`,
    reasonData,
  };
}

/** 2015-06-03T17:43:27.123+0000, as alarm messages write times. */
export function isoMillis(ts: number): string {
  return new Date(ts).toISOString().replace("Z", "+0000");
}

const REGION_NAMES: Record<string, string> = {
  "us-east-1": "US East (N. Virginia)", "us-east-2": "US East (Ohio)", "us-west-1": "US West (N. California)", "us-west-2": "US West (Oregon)",
  "eu-west-1": "EU (Ireland)", "eu-west-2": "EU (London)", "eu-west-3": "EU (Paris)", "eu-central-1": "EU (Frankfurt)", "eu-north-1": "EU (Stockholm)",
  "ap-southeast-1": "Asia Pacific (Singapore)", "ap-southeast-2": "Asia Pacific (Sydney)", "ap-northeast-1": "Asia Pacific (Tokyo)",
  "ap-northeast-2": "Asia Pacific (Seoul)", "ap-south-1": "Asia Pacific (Mumbai)", "sa-east-1": "South America (Sao Paulo)", "ca-central-1": "Canada (Central)",
};

export function regionName(region: string): string {
  return REGION_NAMES[region] ?? region;
}

/** The SNS message of a state change: subject and the JSON body AWS sends to alarm action topics. */
export function alarmMessage(c: AlarmConfig, account: string, region: string, from: AlarmState, to: Evaluation, at: number, configUpdatedAt: number) {
  const rule = (c as { AlarmRule?: string }).AlarmRule;
  const trigger: Record<string, unknown> = c.Metrics
    ? {
      Period: alarmPeriod(c), EvaluationPeriods: c.EvaluationPeriods, DatapointsToAlarm: c.DatapointsToAlarm ?? c.EvaluationPeriods,
      ComparisonOperator: c.ComparisonOperator, Threshold: c.Threshold, TreatMissingData: c.TreatMissingData ?? "missing",
      EvaluateLowSampleCountPercentile: c.EvaluateLowSampleCountPercentile ?? "",
      Metrics: c.Metrics.map((m) => ({
        Id: m.Id, Label: m.Label, ReturnData: m.ReturnData !== false, Expression: m.Expression,
        MetricStat: m.MetricStat && {
          Metric: { Namespace: m.MetricStat.Metric.Namespace, MetricName: m.MetricStat.Metric.MetricName, Dimensions: (m.MetricStat.Metric.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })) },
          Period: m.MetricStat.Period, Stat: m.MetricStat.Stat, Unit: m.MetricStat.Unit ?? null,
        },
      })),
    }
    : {
      MetricName: c.MetricName, Namespace: c.Namespace, StatisticType: c.Statistic ? "Statistic" : "ExtendedStatistic",
      // SampleCount → SAMPLE_COUNT, Average → AVERAGE (AWS's notifications, LocalStack's recorded snapshots).
      Statistic: c.Statistic ? c.Statistic.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase() : c.ExtendedStatistic, Unit: c.Unit ?? null,
      Dimensions: (c.Dimensions ?? []).map((d) => ({ value: d.Value, name: d.Name })), Period: c.Period, EvaluationPeriods: c.EvaluationPeriods,
      ...(c.DatapointsToAlarm !== undefined ? { DatapointsToAlarm: c.DatapointsToAlarm } : {}), ComparisonOperator: c.ComparisonOperator, Threshold: c.Threshold,
      TreatMissingData: c.TreatMissingData ?? "missing", EvaluateLowSampleCountPercentile: c.EvaluateLowSampleCountPercentile ?? "",
    };
  const body = {
    AlarmName: c.AlarmName, AlarmDescription: c.AlarmDescription ?? null, AWSAccountId: account,
    AlarmConfigurationUpdatedTimestamp: isoMillis(configUpdatedAt), NewStateValue: to.state, NewStateReason: to.reason,
    StateChangeTime: isoMillis(at), Region: regionName(region), AlarmArn: c.AlarmArn, OldStateValue: from,
    OKActions: c.OKActions, AlarmActions: c.AlarmActions, InsufficientDataActions: c.InsufficientDataActions,
    // A composite alarm's notification carries its rule instead of a metric trigger (Mailroom's reading of AWS's
    // composite notifications; the metric fields do not apply).
    ...(rule !== undefined ? { AlarmRule: rule } : { Trigger: trigger }),
  };
  // Subject: `ALARM: "name" in US East (N. Virginia)` (AWS's notifications); SNS subjects are at most 100 characters.
  const subject = `${to.state}: "${c.AlarmName}" in ${regionName(region)}`.slice(0, 100);
  return { subject, message: JSON.stringify(body) };
}
