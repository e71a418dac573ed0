// EventBridge Scheduler's storage port: schedule groups (tags kept on the group row) and schedules. Adapters:
// src/storage/sqlite/scheduler-store.ts and src/storage/postgres/scheduler-store.ts; one contract suite runs on both
// (test/storage/scheduler-store.contract.ts). The firing job's claim (`fireDue`) runs in one transaction per batch:
// due rows are read (FOR UPDATE SKIP LOCKED on PostgreSQL, so each occurrence fires on one node), the caller's pure
// `plan` says what each firing writes, and the advances and outbox rows commit together.
import type { NewOutboxItem } from "../../delivery/types.ts";

export interface Tag {
  Key: string;
  Value: string;
}

export interface GroupRecord {
  account: string;
  region: string;
  name: string;
  tags: Tag[];
  createdAt: number;
  modifiedAt: number;
}

/** A schedule's definition as GetSchedule answers it (less the names and dates kept in columns). */
export interface ScheduleConfig {
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number;
  EndDate?: number;
  Description?: string;
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  Target: Record<string, unknown> & { Arn: string; RoleArn: string };
  ActionAfterCompletion?: string;
  KmsKeyArn?: string;
  /** A rate's anchor: StartDate, else when the schedule was created or last updated (epoch ms). */
  anchorAt: number;
}

export interface ScheduleRecord {
  id: number;
  account: string;
  region: string;
  group: string;
  name: string;
  state: "ENABLED" | "DISABLED";
  config: ScheduleConfig;
  /** Scheme and authority of the request that created or updated it (queue URLs of SQS targets). */
  baseUrl: string;
  nextAt?: number;
  createdAt: number;
  modifiedAt: number;
}

export type NewSchedule = Omit<ScheduleRecord, "id">;

/** What one firing writes: the schedule's next occurrence (or its deletion) and the target's outbox rows. */
export interface FirePlan {
  next: number | undefined;
  /** ActionAfterCompletion DELETE after the last occurrence. */
  delete: boolean;
  outbox: NewOutboxItem[];
}

export interface ScheduleFilter {
  group?: string;
  prefix?: string;
  state?: string;
}

export interface SchedulerStore {
  /** Creates the account's `default` group when missing (it always exists; Scheduler user guide, "Managing a schedule group"). */
  ensureDefaultGroup(account: string, region: string, now: number): Promise<void>;
  /** false when a group of that name exists. */
  createGroup(g: GroupRecord): Promise<boolean>;
  getGroup(account: string, region: string, name: string): Promise<GroupRecord | undefined>;
  /** Groups by name after `after`, at most `limit`. */
  listGroups(account: string, region: string, prefix: string | undefined, after: string | undefined, limit: number): Promise<GroupRecord[]>;
  countGroups(account: string, region: string): Promise<number>;
  /** Deletes the group and its schedules in one transaction; false when it does not exist. */
  deleteGroup(account: string, region: string, name: string): Promise<boolean>;
  /** Replaces the group's tags; false when it does not exist. */
  setGroupTags(account: string, region: string, name: string, tags: Tag[], now: number): Promise<boolean>;
  /** "exists": a schedule of that name is in the group; "no-group": the group does not exist. */
  createSchedule(s: NewSchedule): Promise<"ok" | "exists" | "no-group">;
  getSchedule(account: string, region: string, group: string, name: string): Promise<ScheduleRecord | undefined>;
  /** Replaces the definition (state, config, base URL, next occurrence, modifiedAt); false when it does not exist. */
  updateSchedule(s: NewSchedule): Promise<boolean>;
  deleteSchedule(account: string, region: string, group: string, name: string): Promise<boolean>;
  /** Schedules ordered by (group, name) after the cursor, at most `limit`. */
  listSchedules(account: string, region: string, filter: ScheduleFilter, after: [string, string] | undefined, limit: number): Promise<ScheduleRecord[]>;
  /** The earliest next occurrence of any schedule. */
  nextDue(): Promise<number | undefined>;
  /**
   * Fires up to `max` schedules due at `now`, earliest first, in one transaction: each gets `plan(schedule)`'s
   * advance (or deletion) and outbox rows. Returns how many were fired.
   */
  fireDue(now: number, max: number, plan: (s: ScheduleRecord) => FirePlan): Promise<number>;
}
