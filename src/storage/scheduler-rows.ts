// Row shapes of EventBridge Scheduler's tables, shared by the SQLite and PostgreSQL adapters.
import type { GroupRecord, NewSchedule, ScheduleRecord } from "../services/scheduler/store.ts";

export interface GroupRow {
  account: string; region: string; name: string; tags: string; created_at: number | string; modified_at: number | string;
}

export interface ScheduleRow {
  id: number | string; account: string; region: string; group_name: string; name: string; state: string; config: string; base_url: string;
  next_at: number | string | null; created_at: number | string; modified_at: number | string;
}

export function toGroup(r: GroupRow): GroupRecord {
  return { account: r.account, region: r.region, name: r.name, tags: JSON.parse(r.tags), createdAt: Number(r.created_at), modifiedAt: Number(r.modified_at) };
}

export function toSchedule(r: ScheduleRow): ScheduleRecord {
  return {
    id: Number(r.id), account: r.account, region: r.region, group: r.group_name, name: r.name, state: r.state as ScheduleRecord["state"],
    config: JSON.parse(r.config), baseUrl: r.base_url, nextAt: r.next_at === null ? undefined : Number(r.next_at),
    createdAt: Number(r.created_at), modifiedAt: Number(r.modified_at),
  };
}

/** Insert values in column order: account, region, group_name, name, state, config, base_url, next_at, created_at, modified_at. */
export function scheduleValues(s: NewSchedule): unknown[] {
  return [s.account, s.region, s.group, s.name, s.state, JSON.stringify(s.config), s.baseUrl, s.nextAt ?? null, s.createdAt, s.modifiedAt];
}
