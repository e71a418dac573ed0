// The storage port EventBridge needs, in domain words. Every method is one atomic unit (one transaction) and takes
// time as an argument. `deliver` writes everything one PutEvents delivers in one transaction: SQS messages through
// SQS's one enqueue, SNS publishes through SNS's adapters, and outbox rows for remote targets (ADR 0018).
import type { NewOutboxItem } from "../../delivery/types.ts";
import type { TopicPublishWrite } from "../sns/index.ts";
import type { QueueWrite } from "../sqs/index.ts";
import type { DeliveryExtras, EventsArchiveStore } from "./archive-store.ts";

export interface BusKey {
  account: string;
  region: string;
  name: string;
}

export interface BusRecord extends BusKey {
  description?: string;
  createdAt: number;
  /** Last UpdateEventBus (createdAt until then). */
  modifiedAt?: number;
}

export interface RuleKey extends BusKey {
  /** The rule's name (BusKey.name is the bus's). */
  rule: string;
}

export interface NewRule {
  eventPattern: string;
  state: "ENABLED" | "DISABLED";
  description?: string;
  roleArn?: string;
}

export interface RuleRecord extends NewRule {
  id: number;
  account: string;
  region: string;
  bus: string;
  name: string;
  createdAt: number;
}

export interface TargetRecord {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  /** SqsParameters.MessageGroupId (FIFO queues). */
  messageGroupId?: string;
  /** The target's other settings, as given on the wire (InputTransformer, RetryPolicy, DeadLetterConfig, RoleArn, HttpParameters). */
  settings?: TargetSettings;
}

export interface TargetSettings {
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  RoleArn?: string;
  KinesisParameters?: { PartitionKeyPath: string };
  HttpParameters?: { PathParameterValues?: string[]; HeaderParameters?: Record<string, string>; QueryStringParameters?: Record<string, string> };
}

/** What one PutEvents (or replay) delivers, written in one transaction. */
export interface DeliveryWrite {
  queues: QueueWrite[];
  topics: TopicPublishWrite[];
  outbox: NewOutboxItem[];
}

/** Kinds of named documents (connections, API destinations), stored as JSON by (kind, account, region, name). */
export type DocumentKind = "connection" | "api-destination";

export interface RuleWithTargets extends RuleRecord {
  targets: TargetRecord[];
}

export interface EventsStore {
  /** Creates the bus; false when one of that name exists. */
  createBus(bus: BusRecord): Promise<boolean>;
  getBus(key: BusKey): Promise<BusRecord | undefined>;
  /** Stored buses whose name starts with prefix, names > after, by name. */
  listBuses(account: string, region: string, prefix: string, after: string, limit: number): Promise<BusRecord[]>;
  /** Deletes the bus and its rules and their targets; false when it did not exist. */
  deleteBus(key: BusKey): Promise<boolean>;

  /** Creates or updates the rule (by bus and name), keeping its targets. */
  putRule(key: RuleKey, rule: NewRule, now: number): Promise<RuleRecord>;
  getRule(key: RuleKey): Promise<RuleRecord | undefined>;
  listRules(bus: BusKey, prefix: string, after: string, limit: number): Promise<RuleRecord[]>;
  setRuleState(key: RuleKey, state: "ENABLED" | "DISABLED"): Promise<boolean>;
  /** Deletes a rule without targets: "missing" when none, "has-targets" when it still has some. */
  deleteRule(key: RuleKey): Promise<"deleted" | "missing" | "has-targets">;
  /** Names of the bus's rules with a target of this ARN, names > after, by name. */
  ruleNamesByTarget(bus: BusKey, arn: string, after: string, limit: number): Promise<string[]>;

  /** Adds or replaces targets (by id) of a rule within the limit of targets per rule; over it, or when the rule is gone, nothing is written. */
  putTargets(ruleId: number, targets: TargetRecord[], maxPerRule: number): Promise<"ok" | "limit" | "missing">;
  /** Removes targets by id; returns the ids that existed. */
  removeTargets(ruleId: number, ids: string[]): Promise<string[]>;
  listTargets(ruleId: number, after: string, limit: number): Promise<TargetRecord[]>;

  /**
   * The bus's change counter: it grows with every change to the bus's rules or their targets (committed with the
   * change), and never goes back, also across a deletion and re-creation of the bus. 0 for a bus never changed.
   */
  busVersion(bus: BusKey): Promise<number>;
  /** The bus's enabled rules with their targets (PutEvents matching). */
  enabledRules(bus: BusKey): Promise<RuleWithTargets[]>;
  /**
   * Writes what one PutEvents delivers, in one transaction (queues deleted meanwhile are skipped), with the extras
   * that commit with it (archived events, a replay's position, a schedule's advance); false, with nothing written,
   * when an extra's guard failed.
   */
  deliver(write: DeliveryWrite, now: number, extras?: DeliveryExtras): Promise<boolean>;
  /** Archives, replays, rule schedules and tags (archive-store.ts, ADR 0019). */
  readonly archives: EventsArchiveStore;

  /** Sets a custom bus's description (UpdateEventBus); false when the bus does not exist. */
  updateBus(key: BusKey, description: string | undefined, now: number): Promise<boolean>;
  /** The bus's resource policy (stored by bus name, so the default bus has one too). */
  busPolicy(key: BusKey): Promise<string | undefined>;
  /**
   * Changes the bus's policy in one transaction: `change` gets the current policy and returns the new one (undefined
   * removes it); it may throw to change nothing. Concurrent changes of one bus are serialised.
   */
  updateBusPolicy(key: BusKey, change: (current: string | undefined) => string | undefined): Promise<void>;

  /** Creates a named document; "exists" when one of that name exists, "limit" when the account has `max` of that kind. */
  createDocument(kind: DocumentKind, key: BusKey, data: string, max: number): Promise<"ok" | "exists" | "limit">;
  getDocument(kind: DocumentKind, key: BusKey): Promise<string | undefined>;
  /** Replaces an existing document, only while it still holds `expected` when given; false when it does not (or no longer) exist(s) so. */
  saveDocument(kind: DocumentKind, key: BusKey, data: string, expected?: string): Promise<boolean>;
  deleteDocument(kind: DocumentKind, key: BusKey): Promise<boolean>;
  /** Documents whose name starts with prefix, names > after, by name: [name, data]. */
  listDocuments(kind: DocumentKind, account: string, region: string, prefix: string, after: string, limit: number): Promise<[string, string][]>;
  close(): Promise<void>;
}
