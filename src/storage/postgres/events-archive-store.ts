// PostgreSQL adapter of EventBridge's archive, replay, schedule and tag port. `applyInTransaction` runs on the
// events store's delivery transaction, so archived events, replay positions and schedule advances commit with the
// messages they go with; a schedule firing's guard (next_at still the due time) makes exactly one node fire it.
import type {
  ArchiveRecord, DeliveryExtras, EventsArchiveStore, ReplayRecord, ReplayState, ScheduleRecord, Tag, TagOwner,
} from "../../services/events/archive-store.ts";
import { type ArchiveRow, BUMP_BUS_SQL, GuardFailed, type ReplayRow, type ScheduleRow, toArchive, toReplay, toSchedule } from "../events-archive-rows.ts";
import { likePrefix } from "../events-rows.ts";
import type { PgDb, Queryable } from "./db.ts";

type Row = Record<string, unknown>;
const archive = (r: Row) => toArchive(r as unknown as ArchiveRow);
const replay = (r: Row) => toReplay(r as unknown as ReplayRow);
const schedule = (r: Row) => toSchedule(r as unknown as ScheduleRow);
const BUMP = BUMP_BUS_SQL((n) => `$${n}`);

export class PgEventsArchiveStore implements EventsArchiveStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  /** The extras' writes on the caller's transaction; throws GuardFailed when a guard fails (the caller rolls back). */
  async applyInTransaction(c: Queryable, x: DeliveryExtras | undefined, now: number): Promise<void> {
    if (!x) return;
    if (x.schedule) {
      const { ruleId, due, next } = x.schedule;
      const r = await c.query("UPDATE events_schedules SET next_at = $1 WHERE rule_id = $2 AND next_at = $3", [next ?? null, ruleId, due]);
      if ((r.rowCount ?? 0) === 0) throw new GuardFailed("schedule fired elsewhere");
    }
    if (x.replay) {
      const p = x.replay;
      const r = p.done
        ? await c.query(
          "UPDATE events_replays SET cursor_at = $1, cursor_id = $2, last_replayed = $3, state = 'COMPLETED', ended_at = $4 WHERE id = $5 AND state = 'RUNNING'",
          [p.cursorAt, p.cursorId, p.lastReplayed, p.done.at, p.id])
        : await c.query("UPDATE events_replays SET cursor_at = $1, cursor_id = $2, last_replayed = $3 WHERE id = $4 AND state = 'RUNNING'",
          [p.cursorAt, p.cursorId, p.lastReplayed, p.id]);
      if ((r.rowCount ?? 0) === 0) throw new GuardFailed("replay no longer running");
    }
    const a = x.archive ?? [];
    if (a.length === 0) return;
    const totals = new Map<number, { n: number; bytes: number }>();
    for (const e of a) {
      const t = totals.get(e.archiveId) ?? { n: 0, bytes: 0 };
      t.n++;
      t.bytes += e.size;
      totals.set(e.archiveId, t);
    }
    // Counters first, in id order (one lock order for concurrent deliveries): the row locks keep each archive until
    // commit, and an archive deleted meanwhile is skipped rather than failing the delivery on its foreign key.
    const live = new Set<number>();
    for (const [id, t] of [...totals].sort((p, q) => p[0] - q[0])) {
      const r = await c.query("UPDATE events_archives SET event_count = event_count + $1, size_bytes = size_bytes + $2 WHERE id = $3", [t.n, t.bytes, id]);
      if ((r.rowCount ?? 0) > 0) live.add(id);
    }
    const rows = a.filter((e) => live.has(e.archiveId));
    if (rows.length === 0) return;
    await c.query(
      `INSERT INTO events_archived (archive_id, at, archived_at, size, event)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[])`,
      [rows.map((e) => e.archiveId), rows.map((e) => e.at), rows.map(() => now), rows.map((e) => e.size), rows.map((e) => e.event)]);
  }

  async createArchive(a: Omit<ArchiveRecord, "id">) {
    return this.db.tx(async (c) => {
      await c.query(BUMP, [a.account, a.region, a.bus]);
      const r = await c.query(
        `INSERT INTO events_archives (account, region, name, bus, event_pattern, description, retention_days, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING *`,
        [a.account, a.region, a.name, a.bus, a.eventPattern ?? null, a.description ?? null, a.retentionDays, a.state, a.createdAt]);
      return r.rows[0] && archive(r.rows[0]);
    });
  }

  async getArchive(account: string, region: string, name: string) {
    const r = await this.db.query("SELECT * FROM events_archives WHERE account = $1 AND region = $2 AND name = $3", [account, region, name]);
    return r.rows[0] && archive(r.rows[0]);
  }

  async archiveStats(id: number) {
    const r = await this.db.query<{ n: number; bytes: number }>("SELECT event_count AS n, size_bytes AS bytes FROM events_archives WHERE id = $1", [id]);
    return { eventCount: Number(r.rows[0]?.n ?? 0), sizeBytes: Number(r.rows[0]?.bytes ?? 0) };
  }

  async listArchives(account: string, region: string, f: { prefix: string; bus?: string; state?: string }, after: string, limit: number) {
    const r = await this.db.query(
      `SELECT * FROM events_archives WHERE account = $1 AND region = $2 AND name LIKE $3 ESCAPE '\\' AND ($4::text IS NULL OR bus = $4)
       AND ($5::text IS NULL OR state = $5) AND name COLLATE "C" > $6 ORDER BY name COLLATE "C" LIMIT $7`,
      [account, region, likePrefix(f.prefix), f.bus ?? null, f.state ?? null, after, limit]);
    return r.rows.map(archive);
  }

  async updateArchive(id: number, ch: { description?: string; eventPattern?: string | null; retentionDays?: number }) {
    return this.db.tx(async (c) => {
      const cur = await c.query<{ account: string; region: string; bus: string }>("SELECT account, region, bus FROM events_archives WHERE id = $1", [id]);
      if (!cur.rows[0]) return undefined;
      await c.query(BUMP, [cur.rows[0].account, cur.rows[0].region, cur.rows[0].bus]);
      const r = await c.query(
        `UPDATE events_archives SET description = CASE WHEN $1 THEN $2 ELSE description END, event_pattern = CASE WHEN $3 THEN $4 ELSE event_pattern END,
         retention_days = CASE WHEN $5 THEN $6::bigint ELSE retention_days END WHERE id = $7 RETURNING *`,
        [ch.description !== undefined, ch.description ?? null, ch.eventPattern !== undefined, ch.eventPattern ?? null, ch.retentionDays !== undefined, ch.retentionDays ?? 0, id]);
      return r.rows[0] && archive(r.rows[0]);
    });
  }

  async deleteArchive(id: number) {
    return this.db.tx(async (c) => {
      const cur = await c.query<{ account: string; region: string; bus: string }>("SELECT account, region, bus FROM events_archives WHERE id = $1", [id]);
      if (!cur.rows[0]) return false;
      await c.query(BUMP, [cur.rows[0].account, cur.rows[0].region, cur.rows[0].bus]);
      const r = await c.query("DELETE FROM events_archives WHERE id = $1", [id]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async busArchives(account: string, region: string, bus: string) {
    const r = await this.db.query("SELECT * FROM events_archives WHERE account = $1 AND region = $2 AND bus = $3 AND state = 'ENABLED' ORDER BY id", [account, region, bus]);
    return r.rows.map(archive);
  }

  async trimArchives(now: number, limit: number) {
    const archives = await this.db.query<{ id: number; retention_days: number }>("SELECT id, retention_days FROM events_archives WHERE retention_days > 0 ORDER BY id");
    let left = limit;
    for (const a of archives.rows) {
      if (left <= 0) break;
      const n = await this.db.tx(async (c) => {
        const gone = await c.query<{ size: number }>(
          "DELETE FROM events_archived WHERE id IN (SELECT id FROM events_archived WHERE archive_id = $1 AND archived_at < $2 LIMIT $3) RETURNING size",
          [a.id, now - Number(a.retention_days) * 86_400_000, left]);
        const count = gone.rowCount ?? 0;
        if (count > 0) {
          await c.query("UPDATE events_archives SET event_count = event_count - $1, size_bytes = size_bytes - $2 WHERE id = $3",
            [count, gone.rows.reduce((s, g) => s + Number(g.size), 0), a.id]);
        }
        return count;
      });
      left -= n;
    }
    return limit - left;
  }

  async startReplay(x: Omit<ReplayRecord, "id">) {
    const r = await this.db.query(
      `INSERT INTO events_replays (account, region, name, archive, description, bus, filter_arns, event_start, event_end, state, started_at, base_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING *`,
      [x.account, x.region, x.name, x.archive, x.description ?? null, x.bus, x.filterArns ? JSON.stringify(x.filterArns) : null, x.eventStart, x.eventEnd, x.state, x.startedAt, x.baseUrl]);
    return r.rows[0] && replay(r.rows[0]);
  }

  async getReplay(account: string, region: string, name: string) {
    const r = await this.db.query("SELECT * FROM events_replays WHERE account = $1 AND region = $2 AND name = $3", [account, region, name]);
    return r.rows[0] && replay(r.rows[0]);
  }

  async listReplays(account: string, region: string, f: { prefix: string; state?: string; archive?: string }, after: string, limit: number) {
    const r = await this.db.query(
      `SELECT * FROM events_replays WHERE account = $1 AND region = $2 AND name LIKE $3 ESCAPE '\\' AND ($4::text IS NULL OR state = $4)
       AND ($5::text IS NULL OR archive = $5) AND name COLLATE "C" > $6 ORDER BY name COLLATE "C" LIMIT $7`,
      [account, region, likePrefix(f.prefix), f.state ?? null, f.archive ?? null, after, limit]);
    return r.rows.map(replay);
  }

  async cancelReplay(id: number) {
    await this.db.query("UPDATE events_replays SET state = 'CANCELLING' WHERE id = $1 AND state IN ('STARTING', 'RUNNING')", [id]);
    const r = await this.db.query("SELECT * FROM events_replays WHERE id = $1", [id]);
    return r.rows[0] && replay(r.rows[0]);
  }

  async activeReplays(limit: number) {
    const r = await this.db.query("SELECT * FROM events_replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING') ORDER BY id LIMIT $1", [limit]);
    return r.rows.map(replay);
  }

  async setReplayState(id: number, from: ReplayState[], to: ReplayState, now: number, reason?: string) {
    const ended = to === "COMPLETED" || to === "CANCELLED" || to === "FAILED" ? now : null;
    const r = await this.db.query("UPDATE events_replays SET state = $1, state_reason = $2, ended_at = $3 WHERE id = $4 AND state = ANY($5::text[])",
      [to, reason ?? null, ended, id, from]);
    return (r.rowCount ?? 0) > 0;
  }

  async archivedPage(archiveId: number, from: number, to: number, archivedBy: number, cursor: { at: number; id: number } | undefined, limit: number) {
    const c = cursor ?? { at: from, id: 0 };
    const r = await this.db.query<{ id: number; at: number; event: string }>(
      `SELECT id, at, event FROM events_archived WHERE archive_id = $1 AND at >= $2 AND at < $3 AND archived_at <= $4 AND (at, id) > ($5::bigint, $6::bigint)
       ORDER BY at, id LIMIT $7`, [archiveId, from, to, archivedBy, c.at, c.id, limit]);
    return r.rows.map((x) => ({ id: Number(x.id), at: Number(x.at), event: x.event }));
  }

  async setSchedule(ruleId: number, s: Omit<ScheduleRecord, "ruleId"> | undefined) {
    if (!s) await this.db.query("DELETE FROM events_schedules WHERE rule_id = $1", [ruleId]);
    else {
      await this.db.query(
        `INSERT INTO events_schedules (rule_id, account, region, bus, rule, expression, anchor_at, next_at, base_url)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE EXISTS (SELECT 1 FROM events_rules WHERE id = $1 FOR KEY SHARE)
         ON CONFLICT (rule_id) DO UPDATE SET expression = excluded.expression, anchor_at = excluded.anchor_at, next_at = excluded.next_at,
         base_url = excluded.base_url`,
        [ruleId, s.account, s.region, s.bus, s.rule, s.expression, s.anchorAt, s.nextAt ?? null, s.baseUrl]);
    }
  }

  async schedulesOf(ruleIds: number[]) {
    const out = new Map<number, ScheduleRecord>();
    if (ruleIds.length === 0) return out;
    const r = await this.db.query("SELECT * FROM events_schedules WHERE rule_id = ANY($1::bigint[])", [ruleIds]);
    for (const row of r.rows) {
      const s = schedule(row);
      out.set(s.ruleId, s);
    }
    return out;
  }

  async dueSchedules(now: number, limit: number) {
    const r = await this.db.query("SELECT * FROM events_schedules WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at LIMIT $2", [now, limit]);
    return r.rows.map(schedule);
  }

  async nextScheduleDue() {
    const r = await this.db.query<{ m: number | null }>("SELECT MIN(next_at) AS m FROM events_schedules WHERE next_at IS NOT NULL");
    const v = r.rows[0]?.m;
    return v === null || v === undefined ? undefined : Number(v);
  }

  async busId(account: string, region: string, name: string) {
    const r = await this.db.query<{ id: number }>("SELECT id FROM events_buses WHERE account = $1 AND region = $2 AND name = $3", [account, region, name]);
    return r.rows[0] === undefined ? undefined : Number(r.rows[0].id);
  }

  async listTags(arn: string) {
    const r = await this.db.query<{ key: string; value: string }>("SELECT key, value FROM events_tags WHERE arn = $1 ORDER BY position", [arn]);
    return r.rows.map((t) => ({ Key: t.key, Value: t.value }));
  }

  async tag(owner: TagOwner, tags: Tag[], max: number) {
    return this.db.tx(async (c): Promise<"ok" | "limit" | "missing"> => {
      // One resource's tag changes serialise on an advisory lock of its ARN, so the limit holds across nodes.
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [owner.arn]);
      // The owning row may have gone since the caller looked it up (locked, so it stays until commit).
      if (owner.ruleId !== undefined && ((await c.query("SELECT 1 FROM events_rules WHERE id = $1 FOR KEY SHARE", [owner.ruleId])).rowCount ?? 0) === 0) return "missing";
      if (owner.busId !== undefined && ((await c.query("SELECT 1 FROM events_buses WHERE id = $1 FOR KEY SHARE", [owner.busId])).rowCount ?? 0) === 0) return "missing";
      const cur = await c.query<{ key: string; position: number }>("SELECT key, position FROM events_tags WHERE arn = $1", [owner.arn]);
      const keys = new Set(cur.rows.map((r) => r.key));
      for (const t of tags) keys.add(t.Key);
      if (keys.size > max) return "limit";
      let pos = cur.rows.reduce((m, r) => Math.max(m, Number(r.position)), 0);
      for (const t of tags) {
        await c.query(
          `INSERT INTO events_tags (arn, key, value, position, rule_id, bus_id) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`, [owner.arn, t.Key, t.Value, ++pos, owner.ruleId ?? null, owner.busId ?? null]);
      }
      return "ok";
    });
  }

  async untag(arn: string, keys: string[]) {
    await this.db.query("DELETE FROM events_tags WHERE arn = $1 AND key = ANY($2::text[])", [arn, keys]);
  }
}
