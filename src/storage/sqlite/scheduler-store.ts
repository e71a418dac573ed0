// EventBridge Scheduler's store on SQLite. One process owns the file, so the firing job's claim is a plain read in
// the group-commit write that advances the schedules and adds their outbox rows (SqliteOutbox.addInTransaction):
// a firing's target rows commit exactly when its advance does.
import type Database from "better-sqlite3";
import type { FirePlan, GroupRecord, NewSchedule, ScheduleFilter, ScheduleRecord, SchedulerStore, Tag } from "../../services/scheduler/store.ts";
import { type GroupRow, type ScheduleRow, scheduleValues, toGroup, toSchedule } from "../scheduler-rows.ts";
import type { SqliteDb } from "./db.ts";
import { SqliteOutbox } from "./outbox.ts";
import type { SqliteSqsStore } from "./sqs-store.ts";

function prepare(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql);
  return {
    ensureGroup: p("INSERT OR IGNORE INTO scheduler_groups (account, region, name, tags, created_at, modified_at) VALUES (?, ?, 'default', '[]', ?, ?)"),
    insertGroup: p("INSERT OR IGNORE INTO scheduler_groups (account, region, name, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)"),
    group: p("SELECT * FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?"),
    groups: p(`SELECT * FROM scheduler_groups WHERE account = ? AND region = ? AND substr(name, 1, length(?)) = ? AND name > ? ORDER BY name LIMIT ?`),
    countGroups: p("SELECT COUNT(*) FROM scheduler_groups WHERE account = ? AND region = ?"),
    deleteGroup: p("DELETE FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?"),
    tags: p("UPDATE scheduler_groups SET tags = ?, modified_at = ? WHERE account = ? AND region = ? AND name = ?"),
    insertSchedule: p(
      `INSERT OR IGNORE INTO scheduler_schedules (account, region, group_name, name, state, config, base_url, next_at, created_at, modified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    schedule: p("SELECT * FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ? AND name = ?"),
    updateSchedule: p(
      `UPDATE scheduler_schedules SET state = ?, config = ?, base_url = ?, next_at = ?, modified_at = ?
       WHERE account = ? AND region = ? AND group_name = ? AND name = ?`,
    ),
    deleteSchedule: p("DELETE FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ? AND name = ?"),
    list: p(
      `SELECT * FROM scheduler_schedules WHERE account = :account AND region = :region AND (:grp IS NULL OR group_name = :grp)
       AND substr(name, 1, length(:prefix)) = :prefix AND (:state IS NULL OR state = :state) AND (group_name, name) > (:ag, :an)
       ORDER BY group_name, name LIMIT :limit`,
    ),
    nextDue: p("SELECT MIN(next_at) FROM scheduler_schedules WHERE next_at IS NOT NULL"),
    due: p("SELECT * FROM scheduler_schedules WHERE next_at IS NOT NULL AND next_at <= ? ORDER BY next_at, id LIMIT ?"),
    advance: p("UPDATE scheduler_schedules SET next_at = ? WHERE id = ?"),
    deleteById: p("DELETE FROM scheduler_schedules WHERE id = ?"),
  };
}

export class SqliteSchedulerStore implements SchedulerStore {
  private readonly sql: SqliteDb;
  private readonly s: ReturnType<typeof prepare>;
  private readonly outbox: SqliteOutbox;

  constructor(sql: SqliteDb, sqs: SqliteSqsStore) {
    this.sql = sql;
    this.s = prepare(sql.db);
    this.outbox = new SqliteOutbox(sql, sqs);
  }

  async ensureDefaultGroup(account: string, region: string, now: number) {
    if (this.s.group.get(account, region, "default")) return;
    await this.sql.write(() => this.s.ensureGroup.run(account, region, now, now));
  }

  async createGroup(g: GroupRecord) {
    return this.sql.write(() => this.s.insertGroup.run(g.account, g.region, g.name, JSON.stringify(g.tags), g.createdAt, g.modifiedAt).changes === 1);
  }

  async getGroup(account: string, region: string, name: string) {
    const r = this.s.group.get(account, region, name) as GroupRow | undefined;
    return r && toGroup(r);
  }

  async listGroups(account: string, region: string, prefix: string | undefined, after: string | undefined, limit: number) {
    return (this.s.groups.all(account, region, prefix ?? "", prefix ?? "", after ?? "", limit) as GroupRow[]).map(toGroup);
  }

  async countGroups(account: string, region: string) {
    return this.s.countGroups.pluck().get(account, region) as number;
  }

  async deleteGroup(account: string, region: string, name: string) {
    // The group's schedules go with it (ON DELETE CASCADE) in the same statement.
    return this.sql.write(() => this.s.deleteGroup.run(account, region, name).changes === 1);
  }

  async setGroupTags(account: string, region: string, name: string, tags: Tag[], now: number) {
    return this.sql.write(() => this.s.tags.run(JSON.stringify(tags), now, account, region, name).changes === 1);
  }

  async createSchedule(s: NewSchedule) {
    return this.sql.write((): "ok" | "exists" | "no-group" => {
      if (!this.s.group.get(s.account, s.region, s.group)) return "no-group";
      return this.s.insertSchedule.run(...scheduleValues(s)).changes === 1 ? "ok" : "exists";
    });
  }

  async getSchedule(account: string, region: string, group: string, name: string) {
    const r = this.s.schedule.get(account, region, group, name) as ScheduleRow | undefined;
    return r && toSchedule(r);
  }

  async updateSchedule(s: NewSchedule) {
    return this.sql.write(
      () => this.s.updateSchedule.run(s.state, JSON.stringify(s.config), s.baseUrl, s.nextAt ?? null, s.modifiedAt, s.account, s.region, s.group, s.name).changes === 1,
    );
  }

  async deleteSchedule(account: string, region: string, group: string, name: string) {
    return this.sql.write(() => this.s.deleteSchedule.run(account, region, group, name).changes === 1);
  }

  async listSchedules(account: string, region: string, filter: ScheduleFilter, after: [string, string] | undefined, limit: number) {
    const rows = this.s.list.all({
      account, region, grp: filter.group ?? null, prefix: filter.prefix ?? "", state: filter.state ?? null, ag: after?.[0] ?? "", an: after?.[1] ?? "", limit,
    }) as ScheduleRow[];
    return rows.map(toSchedule);
  }

  async nextDue() {
    return (this.s.nextDue.pluck().get() as number | null) ?? undefined;
  }

  async fireDue(now: number, max: number, plan: (s: ScheduleRecord) => FirePlan) {
    return this.sql.write(() => {
      const rows = this.s.due.all(now, max) as ScheduleRow[];
      for (const row of rows) {
        const p = plan(toSchedule(row));
        if (p.delete) this.s.deleteById.run(row.id);
        else this.s.advance.run(p.next ?? null, row.id);
        if (p.outbox.length > 0) this.outbox.addInTransaction(p.outbox, now);
      }
      return rows.length;
    });
  }
}
