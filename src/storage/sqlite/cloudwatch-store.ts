// The CloudWatch store on SQLite: datapoints are merged into their row (sum, count, min, max added up; a sampled
// gauge replaces), alarms change state by compare-and-set on their version, and an alarm's action rows go into the
// delivery outbox in the same write (SqliteOutbox.addInTransaction).
import type Database from "better-sqlite3";
import type { NewOutboxItem } from "../../delivery/types.ts";
import type {
  AlarmKey, AlarmRecord, AlarmState, CloudWatchStore, HistoryItem, HistoryQuery, MetricKey, MetricSummary, NewDatapoint, StoredDatapoint,
  StoredHistoryItem,
} from "../../services/cloudwatch/store.ts";
import { type AlarmRow, type HistoryRow, mergeValues, type PointRow, toAlarm, toHistory, toPoint } from "../cloudwatch-rows.ts";
import type { SqliteDb } from "./db.ts";
import { SqliteOutbox } from "./outbox.ts";
import type { SqliteSqsStore } from "./sqs-store.ts";

function prepare(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    point: p("SELECT * FROM cw_datapoints WHERE account = ? AND region = ? AND namespace = ? AND metric = ? AND dims = ? AND ts = ? AND unit = ?"),
    insertPoint: p("INSERT INTO cw_datapoints (account, region, namespace, metric, dims, unit, ts, sum, count, min, max, vals) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    updatePoint: p("UPDATE cw_datapoints SET sum = ?, count = ?, min = ?, max = ?, vals = ? WHERE account = ? AND region = ? AND namespace = ? AND metric = ? AND dims = ? AND ts = ? AND unit = ?"),
    points: p("SELECT ts, unit, sum, count, min, max, vals FROM cw_datapoints WHERE account = ? AND region = ? AND namespace = ? AND metric = ? AND dims = ? AND ts >= ? AND ts < ? ORDER BY ts"),
    metrics: p(
      `SELECT DISTINCT namespace, metric, dims FROM cw_datapoints WHERE account = :account AND region = :region AND ts >= :since
       AND (:ns IS NULL OR namespace = :ns) AND (:metric IS NULL OR metric = :metric)
       AND (namespace, metric, dims) > (:an, :am, :ad) ORDER BY namespace, metric, dims LIMIT :limit`,
    ),
    alarm: p("SELECT * FROM cw_alarms WHERE account = ? AND region = ? AND name = ?"),
    insertAlarm: p(
      `INSERT INTO cw_alarms (account, region, name, config, state, state_reason, state_reason_data, state_updated_at, config_updated_at, actions_enabled, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ),
    updateConfig: p("UPDATE cw_alarms SET config = ?, config_updated_at = ?, actions_enabled = ?, version = version + 1 WHERE account = ? AND region = ? AND name = ?"),
    listAlarms: p("SELECT * FROM cw_alarms WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?"),
    alarmsPage: p("SELECT * FROM cw_alarms WHERE (account, region, name) > (?, ?, ?) ORDER BY account, region, name LIMIT ?"),
    deleteAlarm: p("DELETE FROM cw_alarms WHERE account = ? AND region = ? AND name = ?"),
    setEnabled: p("UPDATE cw_alarms SET actions_enabled = ?, version = version + 1 WHERE account = ? AND region = ? AND name = ?"),
    transition: p(
      `UPDATE cw_alarms SET state = ?, state_reason = ?, state_reason_data = ?, state_updated_at = ?, version = version + 1
       WHERE account = ? AND region = ? AND name = ? AND version = ?`,
    ),
    insertHistory: p("INSERT INTO cw_alarm_history (account, region, alarm_name, ts, type, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    historyAsc: p(
      `SELECT * FROM cw_alarm_history WHERE account = :account AND region = :region AND (:name IS NULL OR alarm_name = :name)
       AND (:type IS NULL OR type = :type) AND ts >= :from AND ts < :to AND id > :after ORDER BY id LIMIT :limit`,
    ),
    historyDesc: p(
      `SELECT * FROM cw_alarm_history WHERE account = :account AND region = :region AND (:name IS NULL OR alarm_name = :name)
       AND (:type IS NULL OR type = :type) AND ts >= :from AND ts < :to AND id < :after ORDER BY id DESC LIMIT :limit`,
    ),
    sweepPoints: p("DELETE FROM cw_datapoints WHERE ts < ?"),
    sweepHistory: p("DELETE FROM cw_alarm_history WHERE ts < ?"),
  };
}

export class SqliteCloudWatchStore implements CloudWatchStore {
  private readonly sql: SqliteDb;
  private readonly s: ReturnType<typeof prepare>;
  private readonly outbox: SqliteOutbox;

  constructor(sql: SqliteDb, sqs: SqliteSqsStore) {
    this.sql = sql;
    this.s = prepare(sql.db);
    this.outbox = new SqliteOutbox(sql, sqs);
  }

  putDatapoints(points: NewDatapoint[]): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    return this.sql.write(() => {
      for (const d of points) {
        const key = [d.account, d.region, d.namespace, d.metric, d.dims, d.ts, d.unit] as const;
        const old = this.s.point.get(...key) as PointRow | undefined;
        if (!old) {
          this.s.insertPoint.run(d.account, d.region, d.namespace, d.metric, d.dims, d.unit, d.ts, d.sum, d.count, d.min, d.max, mergeValues(null, d.values));
        } else if (d.replace) {
          this.s.updatePoint.run(d.sum, d.count, d.min, d.max, mergeValues(null, d.values), ...key);
        } else {
          this.s.updatePoint.run(old.sum + d.sum, old.count + d.count, Math.min(old.min, d.min), Math.max(old.max, d.max), mergeValues(old.vals, d.values), ...key);
        }
      }
    });
  }

  async datapoints(k: MetricKey, from: number, to: number): Promise<StoredDatapoint[]> {
    return (this.s.points.all(k.account, k.region, k.namespace, k.metric, k.dims, from, to) as PointRow[]).map(toPoint);
  }

  async listMetrics(account: string, region: string, since: number, namespace: string | undefined, metric: string | undefined, after: MetricSummary | undefined, limit: number) {
    return this.s.metrics.all({
      account, region, since, ns: namespace ?? null, metric: metric ?? null, an: after?.namespace ?? "", am: after?.metric ?? "", ad: after?.dims ?? "", limit,
    }) as MetricSummary[];
  }

  putAlarm(a: Omit<AlarmRecord, "version">, h: HistoryItem): Promise<void> {
    return this.sql.write(() => {
      const config = JSON.stringify(a.config);
      if (this.s.alarm.get(a.account, a.region, a.name)) {
        this.s.updateConfig.run(config, a.configUpdatedAt, a.actionsEnabled ? 1 : 0, a.account, a.region, a.name);
      } else {
        this.s.insertAlarm.run(a.account, a.region, a.name, config, a.state, a.stateReason, a.stateReasonData ?? null, a.stateUpdatedAt, a.configUpdatedAt, a.actionsEnabled ? 1 : 0);
      }
      this.addHistory([h]);
    });
  }

  private addHistory(items: HistoryItem[]): void {
    for (const h of items) this.s.insertHistory.run(h.account, h.region, h.name, h.ts, h.type, h.summary, h.data);
  }

  async getAlarm(k: AlarmKey) {
    const r = this.s.alarm.get(k.account, k.region, k.name) as AlarmRow | undefined;
    return r && toAlarm(r);
  }

  async listAlarms(account: string, region: string, after: string, limit: number) {
    return (this.s.listAlarms.all(account, region, after, limit) as AlarmRow[]).map(toAlarm);
  }

  async alarmsPage(after: AlarmKey | undefined, limit: number) {
    return (this.s.alarmsPage.all(after?.account ?? "", after?.region ?? "", after?.name ?? "", limit) as AlarmRow[]).map(toAlarm);
  }

  deleteAlarms(account: string, region: string, names: string[]): Promise<void> {
    return this.sql.write(() => {
      for (const n of names) this.s.deleteAlarm.run(account, region, n);
    });
  }

  setActionsEnabled(account: string, region: string, names: string[], enabled: boolean, history: HistoryItem[]): Promise<void> {
    return this.sql.write(() => {
      for (const n of names) this.s.setEnabled.run(enabled ? 1 : 0, account, region, n);
      this.addHistory(history);
    });
  }

  transition(k: AlarmKey, version: number, to: { state: AlarmState; reason: string; reasonData?: string; at: number }, history: HistoryItem[], outbox: NewOutboxItem[]): Promise<boolean> {
    return this.sql.write(() => {
      const r = this.s.transition.run(to.state, to.reason, to.reasonData || null, to.at, k.account, k.region, k.name, version);
      if (r.changes !== 1) return false;
      this.addHistory(history);
      this.outbox.addInTransaction(outbox, to.at);
      return true;
    });
  }

  async history(q: HistoryQuery): Promise<StoredHistoryItem[]> {
    const params = { account: q.account, region: q.region, name: q.name ?? null, type: q.type ?? null, from: q.from, to: q.to, limit: q.limit };
    const rows = q.ascending
      ? this.s.historyAsc.all({ ...params, after: q.after ?? 0 })
      : this.s.historyDesc.all({ ...params, after: q.after ?? Number.MAX_SAFE_INTEGER });
    return (rows as HistoryRow[]).map(toHistory);
  }

  sweep(before: number): Promise<number> {
    return this.sql.write(() => this.s.sweepPoints.run(before).changes + this.s.sweepHistory.run(before).changes);
  }
}
