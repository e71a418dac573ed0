// The storage port EventBridge needs, in domain words. Every method is one atomic unit (one transaction) and takes
// time as an argument. `deliver` writes the SQS messages of one PutEvents through SQS's one enqueue, in one transaction.
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
}

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
   * Writes the SQS deliveries of one PutEvents, in one transaction (queues deleted meanwhile are skipped), with the
   * extras that commit with them (archived events, a replay's position, a schedule's advance); false, with nothing
   * written, when an extra's guard failed.
   */
  deliver(queues: QueueWrite[], now: number, extras?: DeliveryExtras): Promise<boolean>;
  /** Archives, replays, rule schedules and tags (archive-store.ts). */
  readonly archives: EventsArchiveStore;
  close(): Promise<void>;
}
