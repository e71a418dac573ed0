// CloudWatch's row shapes and mappers, shared by the SQLite and PostgreSQL adapters.
import type { AlarmRecord, AlarmState, HistoryItem, StoredDatapoint, StoredHistoryItem } from "../services/cloudwatch/store.ts";

/** Raw values kept per datapoint row for percentiles (beyond it, percentiles use the values kept). */
export const MAX_KEPT_VALUES = 1000;

export interface AlarmRow {
  account: string; region: string; name: string; config: string; state: string; state_reason: string; state_reason_data: string | null;
  state_updated_at: number; config_updated_at: number; actions_enabled: number | boolean; version: number;
}

export function toAlarm(r: AlarmRow): AlarmRecord {
  return {
    account: r.account, region: r.region, name: r.name, config: JSON.parse(r.config) as Record<string, unknown>, state: r.state as AlarmState,
    stateReason: r.state_reason, stateReasonData: r.state_reason_data ?? undefined, stateUpdatedAt: Number(r.state_updated_at),
    configUpdatedAt: Number(r.config_updated_at), actionsEnabled: r.actions_enabled === true || r.actions_enabled === 1, version: Number(r.version),
  };
}

export interface PointRow { ts: number; unit: string; sum: number; count: number; min: number; max: number; vals: string | null }

export function toPoint(r: PointRow): StoredDatapoint {
  return { ts: Number(r.ts), unit: r.unit, sum: r.sum, count: r.count, min: r.min, max: r.max, values: r.vals ? (JSON.parse(r.vals) as number[]) : [] };
}

/** Merges kept values, at most MAX_KEPT_VALUES. */
export function mergeValues(old: string | null, add: number[] | undefined): string | null {
  if (!add || add.length === 0) return old;
  const have = old ? (JSON.parse(old) as number[]) : [];
  const room = MAX_KEPT_VALUES - have.length;
  if (room <= 0) return old;
  return JSON.stringify(have.concat(add.slice(0, room)));
}

export interface HistoryRow { id: number; account: string; region: string; alarm_name: string; ts: number; type: string; summary: string; data: string }

export function toHistory(r: HistoryRow): StoredHistoryItem {
  return { id: Number(r.id), account: r.account, region: r.region, name: r.alarm_name, ts: Number(r.ts), type: r.type as HistoryItem["type"], summary: r.summary, data: r.data };
}

