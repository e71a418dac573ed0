// Row shapes of EventBridge's archive, replay, schedule and tag tables and their mapping to records, shared by the
// SQLite and PostgreSQL adapters.
import type { ArchiveRecord, ReplayRecord, ReplayState, ScheduleRecord } from "../services/events/archive-store.ts";

export interface ArchiveRow {
  id: number; account: string; region: string; name: string; bus: string; event_pattern: string | null; description: string | null;
  retention_days: number; state: string; created_at: number; event_count: number; size_bytes: number;
}
export interface ReplayRow {
  id: number; account: string; region: string; name: string; archive: string; description: string | null; bus: string; filter_arns: string | null;
  event_start: number; event_end: number; state: string; state_reason: string | null; started_at: number; ended_at: number | null;
  last_replayed: number | null; cursor_at: number | null; cursor_id: number | null; base_url: string;
}
export interface ScheduleRow { rule_id: number; account: string; region: string; bus: string; rule: string; expression: string; anchor_at: number; next_at: number | null; base_url: string }

const opt = (v: number | string | null) => (v === null ? undefined : typeof v === "string" ? v : Number(v));

export const toArchive = (r: ArchiveRow): ArchiveRecord => ({
  id: Number(r.id), account: r.account, region: r.region, name: r.name, bus: r.bus, eventPattern: r.event_pattern ?? undefined,
  description: r.description ?? undefined, retentionDays: Number(r.retention_days), state: r.state, createdAt: Number(r.created_at),
});

export const toReplay = (r: ReplayRow): ReplayRecord => ({
  id: Number(r.id), account: r.account, region: r.region, name: r.name, archive: r.archive, description: r.description ?? undefined, bus: r.bus,
  filterArns: r.filter_arns === null ? undefined : (JSON.parse(r.filter_arns) as string[]), eventStart: Number(r.event_start), eventEnd: Number(r.event_end),
  state: r.state as ReplayState, stateReason: r.state_reason ?? undefined, startedAt: Number(r.started_at), endedAt: opt(r.ended_at) as number | undefined,
  lastReplayed: opt(r.last_replayed) as number | undefined, cursorAt: opt(r.cursor_at) as number | undefined, cursorId: opt(r.cursor_id) as number | undefined, baseUrl: r.base_url,
});

export const toSchedule = (r: ScheduleRow): ScheduleRecord => ({
  ruleId: Number(r.rule_id), account: r.account, region: r.region, bus: r.bus, rule: r.rule, expression: r.expression, anchorAt: Number(r.anchor_at), nextAt: r.next_at === null ? undefined : Number(r.next_at), baseUrl: r.base_url,
});

/** The bump of a bus's change counter (events_bus_versions, ADR 0015): archive changes rebuild the bus's cached index too. */
export const BUMP_BUS_SQL = (p: (n: number) => string) =>
  `INSERT INTO events_bus_versions (account, region, bus, version) VALUES (${p(1)}, ${p(2)}, ${p(3)}, 1)
   ON CONFLICT (account, region, bus) DO UPDATE SET version = events_bus_versions.version + 1`;

/** A guard of DeliveryExtras failed (another node fired the schedule, the replay was cancelled): the delivery writes nothing. */
export class GuardFailed extends Error {}
