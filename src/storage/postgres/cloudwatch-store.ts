// The CloudWatch store on PostgreSQL: datapoints merge by INSERT … ON CONFLICT (sums added, a sampled gauge replaced,
// so nodes flushing the same minute add up), alarms change state by compare-and-set on their version, and an alarm's
// action rows go into the delivery outbox in the same transaction (addOutboxInTransaction).
import type { NewOutboxItem } from "../../delivery/types.ts";
import type {
  AlarmKey, AlarmRecord, AlarmState, CloudWatchStore, HistoryItem, HistoryQuery, MetricKey, MetricSummary, NewDatapoint, StoredDatapoint,
  StoredHistoryItem,
} from "../../services/cloudwatch/store.ts";
import { type AlarmRow, type HistoryRow, MAX_KEPT_VALUES, type PointRow, toAlarm, toHistory, toPoint } from "../cloudwatch-rows.ts";
import type { PgDb, Queryable } from "./db.ts";
import { addOutboxInTransaction } from "./outbox.ts";

const HISTORY_INSERT = "INSERT INTO cw_alarm_history (account, region, alarm_name, ts, type, summary, data) VALUES ($1, $2, $3, $4, $5, $6, $7)";

async function addHistory(c: Queryable, items: HistoryItem[]): Promise<void> {
  for (const h of items) await c.query(HISTORY_INSERT, [h.account, h.region, h.name, h.ts, h.type, h.summary, h.data]);
}

export class PgCloudWatchStore implements CloudWatchStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  async putDatapoints(points: NewDatapoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.db.tx(async (c) => {
      for (const d of points) {
        const vals = d.values && d.values.length > 0 ? JSON.stringify(d.values.slice(0, MAX_KEPT_VALUES)) : null;
        await c.query(
          `INSERT INTO cw_datapoints AS p (account, region, namespace, metric, dims, unit, ts, sum, count, min, max, vals)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (account, region, namespace, metric, dims, ts, unit) DO UPDATE SET
             sum = CASE WHEN $13 THEN EXCLUDED.sum ELSE p.sum + EXCLUDED.sum END,
             count = CASE WHEN $13 THEN EXCLUDED.count ELSE p.count + EXCLUDED.count END,
             min = CASE WHEN $13 THEN EXCLUDED.min ELSE LEAST(p.min, EXCLUDED.min) END,
             max = CASE WHEN $13 THEN EXCLUDED.max ELSE GREATEST(p.max, EXCLUDED.max) END,
             vals = CASE WHEN $13 OR p.vals IS NULL THEN EXCLUDED.vals WHEN EXCLUDED.vals IS NULL THEN p.vals
               ELSE (SELECT jsonb_agg(v)::text FROM (SELECT v FROM jsonb_array_elements(p.vals::jsonb || EXCLUDED.vals::jsonb) v LIMIT ${MAX_KEPT_VALUES}) x) END`,
          [d.account, d.region, d.namespace, d.metric, d.dims, d.unit, d.ts, d.sum, d.count, d.min, d.max, vals, d.replace === true],
        );
      }
    });
  }

  async datapoints(k: MetricKey, from: number, to: number): Promise<StoredDatapoint[]> {
    const r = await this.db.query<PointRow>(
      `SELECT ts, unit, sum, count, min, max, vals FROM cw_datapoints WHERE account = $1 AND region = $2 AND namespace = $3 AND metric = $4
       AND dims = $5 AND ts >= $6 AND ts < $7 ORDER BY ts`,
      [k.account, k.region, k.namespace, k.metric, k.dims, from, to],
    );
    return r.rows.map(toPoint);
  }

  async listMetrics(account: string, region: string, since: number, namespace: string | undefined, metric: string | undefined, after: MetricSummary | undefined, limit: number) {
    const r = await this.db.query<MetricSummary>(
      `SELECT DISTINCT namespace, metric, dims FROM cw_datapoints WHERE account = $1 AND region = $2 AND ts >= $3
       AND ($4::text IS NULL OR namespace = $4) AND ($5::text IS NULL OR metric = $5)
       AND (namespace, metric, dims) > ($6, $7, $8) ORDER BY namespace, metric, dims LIMIT $9`,
      [account, region, since, namespace ?? null, metric ?? null, after?.namespace ?? "", after?.metric ?? "", after?.dims ?? "", limit],
    );
    return r.rows;
  }

  async putAlarm(a: Omit<AlarmRecord, "version">, h: HistoryItem): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query(
        `INSERT INTO cw_alarms (account, region, name, config, state, state_reason, state_reason_data, state_updated_at, config_updated_at, actions_enabled, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)
         ON CONFLICT (account, region, name) DO UPDATE SET config = EXCLUDED.config, config_updated_at = EXCLUDED.config_updated_at,
           actions_enabled = EXCLUDED.actions_enabled, version = cw_alarms.version + 1`,
        [a.account, a.region, a.name, JSON.stringify(a.config), a.state, a.stateReason, a.stateReasonData ?? null, a.stateUpdatedAt, a.configUpdatedAt, a.actionsEnabled],
      );
      await addHistory(c, [h]);
    });
  }

  async getAlarm(k: AlarmKey) {
    const r = await this.db.query<AlarmRow>("SELECT * FROM cw_alarms WHERE account = $1 AND region = $2 AND name = $3", [k.account, k.region, k.name]);
    return r.rows[0] && toAlarm(r.rows[0]);
  }

  async listAlarms(account: string, region: string, after: string, limit: number) {
    const r = await this.db.query<AlarmRow>("SELECT * FROM cw_alarms WHERE account = $1 AND region = $2 AND name > $3 ORDER BY name LIMIT $4", [account, region, after, limit]);
    return r.rows.map(toAlarm);
  }

  async alarmsPage(after: AlarmKey | undefined, limit: number) {
    const r = await this.db.query<AlarmRow>(
      "SELECT * FROM cw_alarms WHERE (account, region, name) > ($1, $2, $3) ORDER BY account, region, name LIMIT $4",
      [after?.account ?? "", after?.region ?? "", after?.name ?? "", limit],
    );
    return r.rows.map(toAlarm);
  }

  async deleteAlarms(account: string, region: string, names: string[]): Promise<void> {
    await this.db.query("DELETE FROM cw_alarms WHERE account = $1 AND region = $2 AND name = ANY($3::text[])", [account, region, names]);
  }

  async setActionsEnabled(account: string, region: string, names: string[], enabled: boolean, history: HistoryItem[]): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query("UPDATE cw_alarms SET actions_enabled = $4, version = version + 1 WHERE account = $1 AND region = $2 AND name = ANY($3::text[])", [account, region, names, enabled]);
      await addHistory(c, history);
    });
  }

  transition(k: AlarmKey, version: number, to: { state: AlarmState; reason: string; reasonData?: string; at: number }, history: HistoryItem[], outbox: NewOutboxItem[]): Promise<boolean> {
    return this.db.tx(async (c) => {
      const r = await c.query(
        `UPDATE cw_alarms SET state = $1, state_reason = $2, state_reason_data = $3, state_updated_at = $4, version = version + 1
         WHERE account = $5 AND region = $6 AND name = $7 AND version = $8`,
        [to.state, to.reason, to.reasonData || null, to.at, k.account, k.region, k.name, version],
      );
      if (r.rowCount !== 1) return false;
      await addHistory(c, history);
      await addOutboxInTransaction(c, outbox, to.at);
      return true;
    });
  }

  async history(q: HistoryQuery): Promise<StoredHistoryItem[]> {
    const r = await this.db.query<HistoryRow>(
      `SELECT * FROM cw_alarm_history WHERE account = $1 AND region = $2 AND ($3::text IS NULL OR alarm_name = $3)
       AND ($4::text IS NULL OR type = $4) AND ts >= $5 AND ts < $6 AND ${q.ascending ? "id > $7" : "id < $7"}
       ORDER BY id ${q.ascending ? "ASC" : "DESC"} LIMIT $8`,
      [q.account, q.region, q.name ?? null, q.type ?? null, q.from, q.to, q.after ?? (q.ascending ? 0 : Number.MAX_SAFE_INTEGER), q.limit],
    );
    return r.rows.map(toHistory);
  }

  async sweep(before: number): Promise<number> {
    const a = await this.db.query("DELETE FROM cw_datapoints WHERE ts < $1", [before]);
    const b = await this.db.query("DELETE FROM cw_alarm_history WHERE ts < $1", [before]);
    return (a.rowCount ?? 0) + (b.rowCount ?? 0);
  }
}
