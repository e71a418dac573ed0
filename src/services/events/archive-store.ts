// The storage port of EventBridge's archives, replays, rule schedules and tags, in domain words (composed into the
// events store as EventsStore.archives). Every method is one transaction and takes time as an argument. What must
// commit with a PutEvents, a replay step or a schedule firing travels as DeliveryExtras in EventsStore.deliver.

export interface ArchiveRecord {
  id: number;
  account: string;
  region: string;
  name: string;
  /** The source bus's name (archives belong to a bus of their account and region). */
  bus: string;
  eventPattern?: string;
  description?: string;
  /** 0: kept indefinitely (CreateArchive API reference, RetentionDays). */
  retentionDays: number;
  state: string;
  createdAt: number;
}

export interface ArchiveStats {
  eventCount: number;
  sizeBytes: number;
}

export interface NewArchivedEvent {
  archiveId: number;
  /** The event's time (epoch ms): replays select events by it. */
  at: number;
  size: number;
  /** The event as JSON text. */
  event: string;
}

export interface ArchivedEvent {
  id: number;
  at: number;
  event: string;
}

export type ReplayState = "STARTING" | "RUNNING" | "CANCELLING" | "COMPLETED" | "CANCELLED" | "FAILED";

export interface ReplayRecord {
  id: number;
  account: string;
  region: string;
  name: string;
  /** The archive's name (EventSourceArn). */
  archive: string;
  description?: string;
  /** Destination bus name. */
  bus: string;
  filterArns?: string[];
  eventStart: number;
  eventEnd: number;
  state: ReplayState;
  stateReason?: string;
  startedAt: number;
  endedAt?: number;
  lastReplayed?: number;
  /** Position reached: the last replayed event's (at, id). */
  cursorAt?: number;
  cursorId?: number;
  /** Scheme and authority of the StartReplay request (links in SNS envelopes). */
  baseUrl: string;
}

export interface ScheduleRecord {
  ruleId: number;
  account: string;
  region: string;
  bus: string;
  /** The rule's name. */
  rule: string;
  expression: string;
  /** A rate's anchor (the rule's scheduling time). */
  anchorAt: number;
  /** Next firing; undefined when it never fires again. */
  nextAt?: number;
  /** Scheme and authority of the PutRule request (links in SNS envelopes). */
  baseUrl: string;
}

/** A tagged resource: its ARN and the row that owns it (tags go when it is deleted). */
export interface TagOwner {
  arn: string;
  ruleId?: number;
  busId?: number;
}

export interface Tag {
  Key: string;
  Value: string;
}

/** Writes that commit with a delivery (EventsStore.deliver), or make it write nothing when their guard fails. */
export interface DeliveryExtras {
  /** Events archived by a PutEvents. */
  archive?: NewArchivedEvent[];
  /** A schedule firing: moves next_at from `due` to `next`; nothing is written when next_at is no longer `due` (another node fired it). */
  schedule?: { ruleId: number; due: number; next: number | undefined };
  /** A replay step: the position reached; nothing is written unless the replay is still RUNNING. */
  replay?: { id: number; cursorAt: number; cursorId: number; lastReplayed: number; done?: { at: number } };
}

export interface EventsArchiveStore {
  createArchive(a: Omit<ArchiveRecord, "id">): Promise<ArchiveRecord | undefined>;
  getArchive(account: string, region: string, name: string): Promise<ArchiveRecord | undefined>;
  archiveStats(id: number): Promise<ArchiveStats>;
  /** Archives by name, names > after; optionally of one bus or in one state. */
  listArchives(account: string, region: string, filter: { prefix: string; bus?: string; state?: string }, after: string, limit: number): Promise<ArchiveRecord[]>;
  updateArchive(id: number, change: { description?: string; eventPattern?: string | null; retentionDays?: number }): Promise<ArchiveRecord | undefined>;
  deleteArchive(id: number): Promise<boolean>;
  /** The enabled archives of a bus (PutEvents archives matching events into them). */
  busArchives(account: string, region: string, bus: string): Promise<ArchiveRecord[]>;
  /** Deletes up to `limit` archived events older than their archive's retention; returns how many. */
  trimArchives(now: number, limit: number): Promise<number>;

  startReplay(r: Omit<ReplayRecord, "id">): Promise<ReplayRecord | undefined>;
  getReplay(account: string, region: string, name: string): Promise<ReplayRecord | undefined>;
  listReplays(account: string, region: string, filter: { prefix: string; state?: string; archive?: string }, after: string, limit: number): Promise<ReplayRecord[]>;
  /** STARTING/RUNNING → CANCELLING; the replay as it is afterwards (undefined when missing). */
  cancelReplay(id: number): Promise<ReplayRecord | undefined>;
  /** Replays to work on (STARTING, RUNNING, CANCELLING). */
  activeReplays(limit: number): Promise<ReplayRecord[]>;
  /** Moves a replay from one state to another (guarded by `from`); false when it was not in `from`. */
  setReplayState(id: number, from: ReplayState[], to: ReplayState, now: number, reason?: string): Promise<boolean>;
  /** Archived events with `from ≤ at < to` archived at or before `archivedBy`, after the cursor (at, id), oldest first. */
  archivedPage(archiveId: number, from: number, to: number, archivedBy: number, cursor: { at: number; id: number } | undefined, limit: number): Promise<ArchivedEvent[]>;

  /** Sets (or, with undefined, removes) a rule's schedule; nothing when the rule is gone (deleted meanwhile). */
  setSchedule(ruleId: number, schedule: Omit<ScheduleRecord, "ruleId"> | undefined): Promise<void>;
  schedulesOf(ruleIds: number[]): Promise<Map<number, ScheduleRecord>>;
  /** Schedules due at `now` (next_at ≤ now), earliest first. */
  dueSchedules(now: number, limit: number): Promise<ScheduleRecord[]>;
  nextScheduleDue(): Promise<number | undefined>;

  /** The stored id of a custom bus (its tags are removed with it). */
  busId(account: string, region: string, name: string): Promise<number | undefined>;
  listTags(arn: string): Promise<Tag[]>;
  /** Adds or replaces tags by key; "limit" (nothing written) when the resource would hold more than `max`, "missing" when its row is gone. */
  tag(owner: TagOwner, tags: Tag[], max: number): Promise<"ok" | "limit" | "missing">;
  untag(arn: string, keys: string[]): Promise<void>;
}
