// The storage port CloudWatch needs, in domain words: datapoints per metric (one row per metric, dimensions, unit and
// timestamp, merged additively as statistic sets), alarms with their state and history, and the alarm actions'
// outbox rows written in the transaction that changes the state. Time is an argument (epoch ms).
import type { NewOutboxItem } from "../../delivery/types.ts";

/** A metric: namespace, name and its dimensions in canonical form (dimensions.ts canonicalDimensions). */
export interface MetricKey {
  account: string;
  region: string;
  namespace: string;
  metric: string;
  dims: string;
}

/** One statistic set at one timestamp. `replace`: a sampled gauge (every node samples the same value). */
export interface NewDatapoint extends MetricKey {
  ts: number;
  unit: string;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Raw values kept for percentiles (at most MAX_KEPT_VALUES per row). */
  values?: number[];
  replace?: boolean;
}

export interface StoredDatapoint {
  ts: number;
  unit: string;
  sum: number;
  count: number;
  min: number;
  max: number;
  values: number[];
}

export interface MetricSummary {
  namespace: string;
  metric: string;
  dims: string;
}

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmKey {
  account: string;
  region: string;
  name: string;
}

/** An alarm: its configuration as PutMetricAlarm gave it (validated) and its state. */
export interface AlarmRecord extends AlarmKey {
  /** PutMetricAlarm's input, normalised (domain/alarms.ts AlarmConfig). */
  config: Record<string, unknown>;
  state: AlarmState;
  stateReason: string;
  stateReasonData?: string;
  stateUpdatedAt: number;
  configUpdatedAt: number;
  actionsEnabled: boolean;
  /** Bumped by every change; a transition applies only to the version it was computed from. */
  version: number;
}

export interface HistoryItem extends AlarmKey {
  ts: number;
  type: "ConfigurationUpdate" | "StateUpdate" | "Action";
  summary: string;
  data: string;
}

export interface StoredHistoryItem extends HistoryItem {
  id: number;
}

export interface HistoryQuery {
  account: string;
  region: string;
  name?: string;
  type?: string;
  from: number;
  to: number;
  ascending: boolean;
  /** Continue after this item id (in the query's order). */
  after?: number;
  limit: number;
}

export interface CloudWatchStore {
  putDatapoints(points: NewDatapoint[]): Promise<void>;
  /** The metric's datapoints with from <= ts < to, by timestamp. */
  datapoints(key: MetricKey, from: number, to: number): Promise<StoredDatapoint[]>;
  /** Distinct metrics of an account and region with a datapoint at or after `since`, ordered, after the cursor. */
  listMetrics(account: string, region: string, since: number, namespace: string | undefined, metric: string | undefined, after: MetricSummary | undefined, limit: number): Promise<MetricSummary[]>;
  /** Creates the alarm, or replaces its configuration keeping its state; records the history item. */
  putAlarm(alarm: Omit<AlarmRecord, "version">, history: HistoryItem): Promise<void>;
  getAlarm(key: AlarmKey): Promise<AlarmRecord | undefined>;
  /** Alarms of an account and region by name, names > after. */
  listAlarms(account: string, region: string, after: string, limit: number): Promise<AlarmRecord[]>;
  /** Every alarm, for evaluation, after the cursor (account, region, name order). */
  alarmsPage(after: AlarmKey | undefined, limit: number): Promise<AlarmRecord[]>;
  deleteAlarms(account: string, region: string, names: string[]): Promise<void>;
  setActionsEnabled(account: string, region: string, names: string[], enabled: boolean, history: HistoryItem[]): Promise<void>;
  /**
   * Moves the alarm to a new state if it is still at `version`: in one transaction the state, its history items and
   * the outbox rows of its actions. False when another change came first (nothing written).
   */
  transition(key: AlarmKey, version: number, to: { state: AlarmState; reason: string; reasonData?: string; at: number }, history: HistoryItem[], outbox: NewOutboxItem[]): Promise<boolean>;
  history(q: HistoryQuery): Promise<StoredHistoryItem[]>;
  /** Deletes datapoints and history older than `before`; returns how many rows. */
  sweep(before: number): Promise<number>;
}
