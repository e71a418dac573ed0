// SQLite adapter of EventBridge's archive, replay, schedule and tag port. `applyInTransaction` runs inside the
// events store's delivery write (SqliteDb.write), so archived events, replay positions and schedule advances commit
// with the messages they go with.
import type Database from "better-sqlite3";
import type {
  ArchiveRecord, DeliveryExtras, EventsArchiveStore, ReplayRecord, ReplayState, ScheduleRecord, Tag, TagOwner,
} from "../../services/events/archive-store.ts";
import { type ArchiveRow, BUMP_BUS_SQL, GuardFailed, type ReplayRow, type ScheduleRow, toArchive, toReplay, toSchedule } from "../events-archive-rows.ts";
import { likePrefix } from "../events-rows.ts";
import type { SqliteDb } from "./db.ts";

export class SqliteEventsArchiveStore implements EventsArchiveStore {
  private readonly sql: SqliteDb;
  private readonly s: ReturnType<typeof prepare>;

  /** `bumped`: called each time a statement of this store bumps a bus's change counter (the events store's cache). */
  constructor(sql: SqliteDb, bumped: () => void = () => {}) {
    this.sql = sql;
    this.s = prepare(sql.db, bumped);
  }

  /** The extras' writes, inside the caller's write; throws GuardFailed when a guard fails (the caller's write rolls back). */
  applyInTransaction(x: DeliveryExtras | undefined, now: number): void {
    if (!x) return;
    if (x.schedule) {
      const { ruleId, due, next } = x.schedule;
      if (this.s.advanceSchedule.run(next ?? null, ruleId, due).changes === 0) throw new GuardFailed("schedule fired elsewhere");
    }
    if (x.replay) {
      const r = x.replay;
      const changed = r.done
        ? this.s.replayDone.run(r.cursorAt, r.cursorId, r.lastReplayed, r.done.at, r.id).changes
        : this.s.replayStep.run(r.cursorAt, r.cursorId, r.lastReplayed, r.id).changes;
      if (changed === 0) throw new GuardFailed("replay no longer running");
    }
    const totals = new Map<number, { n: number; bytes: number }>();
    for (const a of x.archive ?? []) {
      const t = totals.get(a.archiveId) ?? { n: 0, bytes: 0 };
      t.n++;
      t.bytes += a.size;
      totals.set(a.archiveId, t);
    }
    // Counters first: an archive deleted since the caller's index was built is skipped (no row to count into).
    const live = new Set<number>();
    for (const [id, t] of totals) if (this.s.count.run(t.n, t.bytes, id).changes > 0) live.add(id);
    for (const a of x.archive ?? []) if (live.has(a.archiveId)) this.s.archiveEvent.run(a.archiveId, a.at, now, a.size, a.event);
  }

  async createArchive(a: Omit<ArchiveRecord, "id">) {
    return this.sql.write(() => {
      const r = this.s.insertArchive.get(a.account, a.region, a.name, a.bus, a.eventPattern ?? null, a.description ?? null, a.retentionDays, a.state, a.createdAt) as ArchiveRow | undefined;
      if (r) this.s.bump.run(a.account, a.region, a.bus);
      return r && toArchive(r);
    });
  }

  async getArchive(account: string, region: string, name: string) {
    const r = this.s.archiveByName.get(account, region, name) as ArchiveRow | undefined;
    return r && toArchive(r);
  }

  async archiveStats(id: number) {
    const r = this.s.stats.get(id) as { n: number; bytes: number } | undefined;
    return { eventCount: Number(r?.n ?? 0), sizeBytes: Number(r?.bytes ?? 0) };
  }

  async listArchives(account: string, region: string, f: { prefix: string; bus?: string; state?: string }, after: string, limit: number) {
    return (this.s.listArchives.all(account, region, likePrefix(f.prefix), f.bus ?? null, f.bus ?? null, f.state ?? null, f.state ?? null, after, limit) as ArchiveRow[]).map(toArchive);
  }

  async updateArchive(id: number, c: { description?: string; eventPattern?: string | null; retentionDays?: number }) {
    return this.sql.write(() => {
      const r = this.s.updateArchive.get(
        c.description === undefined ? 0 : 1, c.description ?? null, c.eventPattern === undefined ? 0 : 1, c.eventPattern ?? null,
        c.retentionDays === undefined ? 0 : 1, c.retentionDays ?? 0, id) as ArchiveRow | undefined;
      if (r) this.s.bump.run(r.account, r.region, r.bus);
      return r && toArchive(r);
    });
  }

  async deleteArchive(id: number) {
    return this.sql.write(() => {
      const r = this.s.deleteArchive.get(id) as ArchiveRow | undefined;
      if (r) this.s.bump.run(r.account, r.region, r.bus);
      return r !== undefined;
    });
  }

  async busArchives(account: string, region: string, bus: string) {
    return (this.s.busArchives.all(account, region, bus) as ArchiveRow[]).map(toArchive);
  }

  async trimArchives(now: number, limit: number) {
    return this.sql.write(() => {
      let left = limit;
      for (const a of this.s.retained.all() as { id: number; retention_days: number }[]) {
        if (left <= 0) break;
        const gone = this.s.trim.all(a.id, now - Number(a.retention_days) * 86_400_000, left) as { size: number }[];
        if (gone.length === 0) continue;
        this.s.count.run(-gone.length, -gone.reduce((n, g) => n + Number(g.size), 0), a.id);
        left -= gone.length;
      }
      return limit - left;
    });
  }

  async startReplay(r: Omit<ReplayRecord, "id">) {
    return this.sql.write(() => {
      const row = this.s.insertReplay.get(r.account, r.region, r.name, r.archive, r.description ?? null, r.bus, r.filterArns ? JSON.stringify(r.filterArns) : null,
        r.eventStart, r.eventEnd, r.state, r.startedAt, r.baseUrl) as ReplayRow | undefined;
      return row && toReplay(row);
    });
  }

  async getReplay(account: string, region: string, name: string) {
    const r = this.s.replayByName.get(account, region, name) as ReplayRow | undefined;
    return r && toReplay(r);
  }

  async listReplays(account: string, region: string, f: { prefix: string; state?: string; archive?: string }, after: string, limit: number) {
    return (this.s.listReplays.all(account, region, likePrefix(f.prefix), f.state ?? null, f.state ?? null, f.archive ?? null, f.archive ?? null, after, limit) as ReplayRow[]).map(toReplay);
  }

  async cancelReplay(id: number) {
    return this.sql.write(() => {
      this.s.cancel.run(id);
      const r = this.s.replayById.get(id) as ReplayRow | undefined;
      return r && toReplay(r);
    });
  }

  async activeReplays(limit: number) {
    return (this.s.active.all(limit) as ReplayRow[]).map(toReplay);
  }

  async setReplayState(id: number, from: ReplayState[], to: ReplayState, now: number, reason?: string) {
    const ended = to === "COMPLETED" || to === "CANCELLED" || to === "FAILED" ? now : null;
    return this.sql.write(() => this.s.setState.run(to, reason ?? null, ended, id, JSON.stringify(from)).changes > 0);
  }

  async archivedPage(archiveId: number, from: number, to: number, archivedBy: number, cursor: { at: number; id: number } | undefined, limit: number) {
    const c = cursor ?? { at: from, id: 0 };
    return (this.s.page.all(archiveId, from, to, archivedBy, c.at, c.at, c.id, limit) as { id: number; at: number; event: string }[])
      .map((r) => ({ id: Number(r.id), at: Number(r.at), event: r.event }));
  }

  async setSchedule(ruleId: number, s: Omit<ScheduleRecord, "ruleId"> | undefined) {
    await this.sql.write(() => {
      if (!s) this.s.deleteSchedule.run(ruleId);
      else this.s.upsertSchedule.run(ruleId, s.account, s.region, s.bus, s.rule, s.expression, s.anchorAt, s.nextAt ?? null, s.baseUrl, ruleId);
    });
  }

  async schedulesOf(ruleIds: number[]) {
    const out = new Map<number, ScheduleRecord>();
    if (ruleIds.length === 0) return out;
    for (const r of this.s.schedulesOf.all(JSON.stringify(ruleIds)) as ScheduleRow[]) out.set(Number(r.rule_id), toSchedule(r));
    return out;
  }

  async dueSchedules(now: number, limit: number) {
    return (this.s.due.all(now, limit) as ScheduleRow[]).map(toSchedule);
  }

  async nextScheduleDue() {
    const v = this.s.nextDue.pluck().get() as number | null;
    return v === null || v === undefined ? undefined : Number(v);
  }

  async busId(account: string, region: string, name: string) {
    const v = this.s.busId.pluck().get(account, region, name) as number | undefined;
    return v === undefined ? undefined : Number(v);
  }

  async listTags(arn: string) {
    return (this.s.tags.all(arn) as { key: string; value: string }[]).map((t) => ({ Key: t.key, Value: t.value }));
  }

  async tag(owner: TagOwner, tags: Tag[], max: number) {
    return this.sql.write((): "ok" | "limit" | "missing" => {
      // The owning row may have gone since the caller looked it up.
      if (owner.ruleId !== undefined && !this.s.ruleExists.get(owner.ruleId)) return "missing";
      if (owner.busId !== undefined && !this.s.busExists.get(owner.busId)) return "missing";
      const keys = new Set(this.s.tagKeys.pluck().all(owner.arn) as string[]);
      for (const t of tags) keys.add(t.Key);
      if (keys.size > max) return "limit";
      let pos = Number(this.s.maxPos.pluck().get(owner.arn) ?? 0);
      for (const t of tags) this.s.upsertTag.run(owner.arn, t.Key, t.Value, ++pos, owner.ruleId ?? null, owner.busId ?? null);
      return "ok";
    });
  }

  async untag(arn: string, keys: string[]) {
    await this.sql.write(() => {
      for (const k of keys) this.s.deleteTag.run(arn, k);
    });
  }
}

/**
 * A statement that bumps bus change counters, calling `bumped` after each run: in the write's transaction, so no read
 * after it can take a cached counter from before it (SqliteEventsStore.busVersion).
 */
export function bumping(st: Database.Statement, bumped: () => void): { run(...params: unknown[]): Database.RunResult } {
  return {
    run(...params: unknown[]) {
      const r = st.run(...params);
      bumped();
      return r;
    },
  };
}

function prepare(db: Database.Database, bumped: () => void) {
  return {
    bump: bumping(db.prepare(BUMP_BUS_SQL(() => "?")), bumped),
    insertArchive: db.prepare(
      `INSERT INTO events_archives (account, region, name, bus, event_pattern, description, retention_days, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING RETURNING *`),
    archiveByName: db.prepare("SELECT * FROM events_archives WHERE account = ? AND region = ? AND name = ?"),
    stats: db.prepare("SELECT event_count AS n, size_bytes AS bytes FROM events_archives WHERE id = ?"),
    count: db.prepare("UPDATE events_archives SET event_count = event_count + ?, size_bytes = size_bytes + ? WHERE id = ?"),
    retained: db.prepare("SELECT id, retention_days FROM events_archives WHERE retention_days > 0 ORDER BY id"),
    listArchives: db.prepare(
      `SELECT * FROM events_archives WHERE account = ? AND region = ? AND name LIKE ? ESCAPE '\\' AND (? IS NULL OR bus = ?) AND (? IS NULL OR state = ?)
       AND name > ? ORDER BY name LIMIT ?`),
    updateArchive: db.prepare(
      `UPDATE events_archives SET description = CASE WHEN ? THEN ? ELSE description END, event_pattern = CASE WHEN ? THEN ? ELSE event_pattern END,
       retention_days = CASE WHEN ? THEN ? ELSE retention_days END WHERE id = ? RETURNING *`),
    deleteArchive: db.prepare("DELETE FROM events_archives WHERE id = ? RETURNING *"),
    busArchives: db.prepare("SELECT * FROM events_archives WHERE account = ? AND region = ? AND bus = ? AND state = 'ENABLED' ORDER BY id"),
    archiveEvent: db.prepare("INSERT INTO events_archived (archive_id, at, archived_at, size, event) VALUES (?, ?, ?, ?, ?)"),
    trim: db.prepare("DELETE FROM events_archived WHERE id IN (SELECT id FROM events_archived WHERE archive_id = ? AND archived_at < ? LIMIT ?) RETURNING size"),
    insertReplay: db.prepare(
      `INSERT INTO events_replays (account, region, name, archive, description, bus, filter_arns, event_start, event_end, state, started_at, base_url)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING *`),
    replayByName: db.prepare("SELECT * FROM events_replays WHERE account = ? AND region = ? AND name = ?"),
    replayById: db.prepare("SELECT * FROM events_replays WHERE id = ?"),
    listReplays: db.prepare(
      `SELECT * FROM events_replays WHERE account = ? AND region = ? AND name LIKE ? ESCAPE '\\' AND (? IS NULL OR state = ?) AND (? IS NULL OR archive = ?)
       AND name > ? ORDER BY name LIMIT ?`),
    cancel: db.prepare("UPDATE events_replays SET state = 'CANCELLING' WHERE id = ? AND state IN ('STARTING', 'RUNNING')"),
    active: db.prepare("SELECT * FROM events_replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING') ORDER BY id LIMIT ?"),
    setState: db.prepare(
      "UPDATE events_replays SET state = ?, state_reason = ?, ended_at = ? WHERE id = ? AND state IN (SELECT value FROM json_each(?))"),
    replayStep: db.prepare("UPDATE events_replays SET cursor_at = ?, cursor_id = ?, last_replayed = ? WHERE id = ? AND state = 'RUNNING'"),
    replayDone: db.prepare(
      "UPDATE events_replays SET cursor_at = ?, cursor_id = ?, last_replayed = ?, state = 'COMPLETED', ended_at = ? WHERE id = ? AND state = 'RUNNING'"),
    page: db.prepare(
      `SELECT id, at, event FROM events_archived WHERE archive_id = ? AND at >= ? AND at < ? AND archived_at <= ? AND (at > ? OR (at = ? AND id > ?))
       ORDER BY at, id LIMIT ?`),
    deleteSchedule: db.prepare("DELETE FROM events_schedules WHERE rule_id = ?"),
    upsertSchedule: db.prepare(
      `INSERT INTO events_schedules (rule_id, account, region, bus, rule, expression, anchor_at, next_at, base_url)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM events_rules WHERE id = ?)
       ON CONFLICT (rule_id) DO UPDATE SET expression = excluded.expression, anchor_at = excluded.anchor_at, next_at = excluded.next_at,
       base_url = excluded.base_url`),
    schedulesOf: db.prepare("SELECT * FROM events_schedules WHERE rule_id IN (SELECT value FROM json_each(?))"),
    due: db.prepare("SELECT * FROM events_schedules WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at LIMIT ?"),
    nextDue: db.prepare("SELECT MIN(next_at) FROM events_schedules WHERE next_at IS NOT NULL"),
    advanceSchedule: db.prepare("UPDATE events_schedules SET next_at = ? WHERE rule_id = ? AND next_at = ?"),
    ruleExists: db.prepare("SELECT 1 FROM events_rules WHERE id = ?"),
    busExists: db.prepare("SELECT 1 FROM events_buses WHERE id = ?"),
    busId: db.prepare("SELECT id FROM events_buses WHERE account = ? AND region = ? AND name = ?"),
    tags: db.prepare("SELECT key, value FROM events_tags WHERE arn = ? ORDER BY position"),
    tagKeys: db.prepare("SELECT key FROM events_tags WHERE arn = ?"),
    maxPos: db.prepare("SELECT MAX(position) FROM events_tags WHERE arn = ?"),
    upsertTag: db.prepare(
      `INSERT INTO events_tags (arn, key, value, position, rule_id, bus_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (arn, key) DO UPDATE SET value = excluded.value`),
    deleteTag: db.prepare("DELETE FROM events_tags WHERE arn = ? AND key = ?"),
  };
}
