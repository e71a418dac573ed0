// EventBridge Scheduler's store on PostgreSQL, safe for many nodes: the firing job claims due schedules with
// FOR UPDATE SKIP LOCKED inside the transaction that advances them and adds their outbox rows
// (addOutboxInTransaction), so each occurrence fires on exactly one node and its target rows commit with the advance.
import type { FirePlan, GroupRecord, NewSchedule, ScheduleFilter, ScheduleRecord, SchedulerStore, Tag } from "../../services/scheduler/store.ts";
import { type GroupRow, type ScheduleRow, scheduleValues, toGroup, toSchedule } from "../scheduler-rows.ts";
import type { PgDb } from "./db.ts";
import { addOutboxInTransaction } from "./outbox.ts";

export class PgSchedulerStore implements SchedulerStore {
  private readonly db: PgDb;

  constructor(db: PgDb) {
    this.db = db;
  }

  async ensureDefaultGroup(account: string, region: string, now: number) {
    await this.db.query(
      `INSERT INTO scheduler_groups (account, region, name, tags, created_at, modified_at) VALUES ($1, $2, 'default', '[]', $3, $3)
       ON CONFLICT DO NOTHING`,
      [account, region, now],
    );
  }

  async createGroup(g: GroupRecord) {
    const r = await this.db.query(
      "INSERT INTO scheduler_groups (account, region, name, tags, created_at, modified_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
      [g.account, g.region, g.name, JSON.stringify(g.tags), g.createdAt, g.modifiedAt],
    );
    return r.rowCount === 1;
  }

  async getGroup(account: string, region: string, name: string) {
    const r = await this.db.query<GroupRow>("SELECT * FROM scheduler_groups WHERE account = $1 AND region = $2 AND name = $3", [account, region, name]);
    return r.rows[0] && toGroup(r.rows[0]);
  }

  async listGroups(account: string, region: string, prefix: string | undefined, after: string | undefined, limit: number) {
    const r = await this.db.query<GroupRow>(
      `SELECT * FROM scheduler_groups WHERE account = $1 AND region = $2 AND substr(name, 1, length($3)) = $3 AND name COLLATE "C" > $4
       ORDER BY name COLLATE "C" LIMIT $5`,
      [account, region, prefix ?? "", after ?? "", limit],
    );
    return r.rows.map(toGroup);
  }

  async countGroups(account: string, region: string) {
    const r = await this.db.query<{ n: string }>("SELECT COUNT(*) AS n FROM scheduler_groups WHERE account = $1 AND region = $2", [account, region]);
    return Number(r.rows[0].n);
  }

  async deleteGroup(account: string, region: string, name: string) {
    // The group's schedules go with it (ON DELETE CASCADE) in the same statement.
    const r = await this.db.query("DELETE FROM scheduler_groups WHERE account = $1 AND region = $2 AND name = $3", [account, region, name]);
    return r.rowCount === 1;
  }

  async setGroupTags(account: string, region: string, name: string, tags: Tag[], now: number) {
    const r = await this.db.query("UPDATE scheduler_groups SET tags = $1, modified_at = $2 WHERE account = $3 AND region = $4 AND name = $5", [
      JSON.stringify(tags), now, account, region, name,
    ]);
    return r.rowCount === 1;
  }

  async createSchedule(s: NewSchedule) {
    // The group is locked FOR SHARE, so a DeleteScheduleGroup running at once either sees this schedule or refuses it.
    return this.db.tx(async (c): Promise<"ok" | "exists" | "no-group"> => {
      const g = await c.query("SELECT 1 FROM scheduler_groups WHERE account = $1 AND region = $2 AND name = $3 FOR SHARE", [s.account, s.region, s.group]);
      if (g.rowCount === 0) return "no-group";
      const r = await c.query(
        `INSERT INTO scheduler_schedules (account, region, group_name, name, state, config, base_url, next_at, created_at, modified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        scheduleValues(s),
      );
      return r.rowCount === 1 ? "ok" : "exists";
    });
  }

  async getSchedule(account: string, region: string, group: string, name: string) {
    const r = await this.db.query<ScheduleRow>(
      "SELECT * FROM scheduler_schedules WHERE account = $1 AND region = $2 AND group_name = $3 AND name = $4",
      [account, region, group, name],
    );
    return r.rows[0] && toSchedule(r.rows[0]);
  }

  async updateSchedule(s: NewSchedule) {
    const r = await this.db.query(
      `UPDATE scheduler_schedules SET state = $1, config = $2, base_url = $3, next_at = $4, modified_at = $5
       WHERE account = $6 AND region = $7 AND group_name = $8 AND name = $9`,
      [s.state, JSON.stringify(s.config), s.baseUrl, s.nextAt ?? null, s.modifiedAt, s.account, s.region, s.group, s.name],
    );
    return r.rowCount === 1;
  }

  async deleteSchedule(account: string, region: string, group: string, name: string) {
    const r = await this.db.query("DELETE FROM scheduler_schedules WHERE account = $1 AND region = $2 AND group_name = $3 AND name = $4", [
      account, region, group, name,
    ]);
    return r.rowCount === 1;
  }

  async listSchedules(account: string, region: string, filter: ScheduleFilter, after: [string, string] | undefined, limit: number) {
    const r = await this.db.query<ScheduleRow>(
      `SELECT * FROM scheduler_schedules WHERE account = $1 AND region = $2 AND ($3::text IS NULL OR group_name = $3)
       AND substr(name, 1, length($4)) = $4 AND ($5::text IS NULL OR state = $5)
       AND (group_name COLLATE "C", name COLLATE "C") > ($6 COLLATE "C", $7 COLLATE "C")
       ORDER BY group_name COLLATE "C", name COLLATE "C" LIMIT $8`,
      [account, region, filter.group ?? null, filter.prefix ?? "", filter.state ?? null, after?.[0] ?? "", after?.[1] ?? "", limit],
    );
    return r.rows.map(toSchedule);
  }

  async nextDue() {
    const r = await this.db.query<{ d: string | null }>("SELECT MIN(next_at) AS d FROM scheduler_schedules WHERE next_at IS NOT NULL");
    const d = r.rows[0]?.d;
    return d === null || d === undefined ? undefined : Number(d);
  }

  async fireDue(now: number, max: number, plan: (s: ScheduleRecord) => FirePlan) {
    return this.db.tx(async (c) => {
      const r = await c.query<ScheduleRow>(
        "SELECT * FROM scheduler_schedules WHERE next_at IS NOT NULL AND next_at <= $1 ORDER BY next_at, id LIMIT $2 FOR UPDATE SKIP LOCKED",
        [now, max],
      );
      if (r.rows.length === 0) return 0;
      const advance: { id: number; next: number | null }[] = [];
      const gone: number[] = [];
      const outbox = [];
      for (const row of r.rows) {
        const p = plan(toSchedule(row));
        if (p.delete) gone.push(Number(row.id));
        else advance.push({ id: Number(row.id), next: p.next ?? null });
        outbox.push(...p.outbox);
      }
      // One statement for all advances and one for all deletions, whatever the batch's size.
      if (advance.length > 0) {
        await c.query(
          `UPDATE scheduler_schedules s SET next_at = v.next FROM unnest($1::bigint[], $2::bigint[]) AS v(id, next) WHERE s.id = v.id`,
          [advance.map((a) => a.id), advance.map((a) => a.next)],
        );
      }
      if (gone.length > 0) await c.query("DELETE FROM scheduler_schedules WHERE id = ANY($1::bigint[])", [gone]);
      await addOutboxInTransaction(c, outbox, now);
      return r.rows.length;
    });
  }
}
