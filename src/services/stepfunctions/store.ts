// The storage port Step Functions needs, in domain words. Every method is one atomic unit (one transaction) that
// resolves once durable, with time as an argument. An execution's position (state, its input, phase, due time) is
// stored with the history events of each step in one write, guarded by the row's version (optimistic: a step
// commits only if nobody advanced or stopped the execution meanwhile), so a restart continues from the last step.

export interface StateMachineRecord {
  arn: string;
  account: string;
  region: string;
  name: string;
  definition: string;
  roleArn: string;
  type: string;
  createdAt: number;
  /** Tags in the order they were first set, as [key, value] pairs. */
  tags: [string, string][];
  /** Set by the first UpdateStateMachine that changed something, and by each later one. */
  revisionId?: string;
  updatedAt?: number;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

/** Where a running execution is: about to enter `state` with `stateInput`, or waiting in it until dueAt. */
export interface ExecutionPosition {
  state: string;
  stateInput: string;
  phase: "enter" | "wait" | "task";
  /** When the next step is due (epoch ms); undefined once the execution has ended. */
  dueAt?: number;
  /** The event id of the current state's *StateEntered event (for error messages). */
  enteredEventId: number;
  enteredAt: number;
}

export interface ExecutionRecord {
  arn: string;
  machineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  /** The definition the execution started with (it runs on that one). */
  definition: string;
  roleArn: string;
  /** When the machine revision it runs on was created or last updated, and that revision (DescribeStateMachineForExecution). */
  machineUpdatedAt: number;
  machineRevisionId?: string;
  position: ExecutionPosition;
  lastEventId: number;
  version: number;
}

export interface HistoryEventRecord {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  /** The event's details member name (e.g. passStateEnteredEventDetails → "stateEnteredEventDetails") and value. */
  detailsKey?: string;
  details?: Record<string, unknown>;
}

export interface ExecutionUpdate {
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  stopDate?: number;
  position: ExecutionPosition;
  lastEventId: number;
}

// ---- Versions, aliases, machine settings, execution sources and .sync children (integrations, EXPRESS, versions) ----

/** LoggingConfiguration and TracingConfiguration as given (JSON text), and the next version number. */
export interface MachineSettings {
  logging?: string;
  tracing?: string;
}

export interface VersionRecord {
  arn: string;
  machineArn: string;
  version: number;
  definition: string;
  roleArn: string;
  type: string;
  description?: string;
  /** Which revision of the machine it was published from (its revisionId, or its creation for a machine never updated). */
  revisionKey: string;
  revisionId?: string;
  createdAt: number;
  logging?: string;
  tracing?: string;
}

export interface RoutingEntry { stateMachineVersionArn: string; weight: number }

export interface AliasRecord {
  arn: string;
  machineArn: string;
  name: string;
  description?: string;
  routing: RoutingEntry[];
  createdAt: number;
  updatedAt: number;
}

export interface VersionAliasStore {
  setMachineSettings(machineArn: string, s: MachineSettings): Promise<void>;
  getMachineSettings(machineArn: string): Promise<MachineSettings | undefined>;
  /**
   * Publishes the machine's current revision as the next version number, unless the newest version already is that
   * revision (then that one is returned, created false); "limit" when the machine has `max` versions already.
   */
  publishVersion(v: Omit<VersionRecord, "arn" | "version">, max: number): Promise<{ version: VersionRecord; created: boolean } | "limit">;
  getVersion(arn: string): Promise<VersionRecord | undefined>;
  /** Newest first, below the given version number. */
  listVersions(machineArn: string, below: number, limit: number): Promise<VersionRecord[]>;
  /** Deletes the version unless an alias routes to it ("referenced"). */
  deleteVersion(arn: string): Promise<"deleted" | "referenced">;
  /** Creates the alias if its versions exist and the machine has fewer than `max`; otherwise the existing one, or why not. */
  createAlias(a: AliasRecord, max: number): Promise<{ alias: AliasRecord; created: boolean } | "limit" | "missing-version">;
  getAlias(arn: string): Promise<AliasRecord | undefined>;
  /** By ARN, after the given one. */
  listAliases(machineArn: string, after: string, limit: number): Promise<AliasRecord[]>;
  /** Replaces description and/or routing; false when the alias is gone, "missing-version" when a routed version is. */
  updateAlias(arn: string, u: { description?: string; routing?: RoutingEntry[]; updatedAt: number }): Promise<boolean | "missing-version">;
  deleteAlias(arn: string): Promise<void>;
  /** Drops the machine's settings, versions and aliases (DeleteStateMachine). */
  deleteMachineExtras(machineArn: string): Promise<void>;
  /** Which version or alias an execution was started through (StartExecution on their ARNs). */
  setExecutionSource(executionArn: string, src: { versionArn?: string; aliasArn?: string }): Promise<void>;
  getExecutionSource(executionArn: string): Promise<{ versionArn?: string; aliasArn?: string } | undefined>;
  /** A child execution of a .sync task, and the parent's task token it completes when it ends. */
  linkChild(childArn: string, taskToken: string, pattern: "sync" | "sync:2"): Promise<void>;
  childLink(childArn: string): Promise<{ taskToken: string; pattern: "sync" | "sync:2" } | undefined>;
}

export interface StepFunctionsStore extends VersionAliasStore {
  /** Creates the machine, or returns the one already of that name (the caller compares them). */
  createStateMachine(m: StateMachineRecord): Promise<{ machine: StateMachineRecord; created: boolean }>;
  getStateMachine(arn: string): Promise<StateMachineRecord | undefined>;
  /** By ARN order, after the given ARN. */
  listStateMachines(account: string, region: string, after: string, limit: number): Promise<StateMachineRecord[]>;
  deleteStateMachine(arn: string): Promise<void>;
  /** Replaces the machine's definition and role with a new revision; false when it does not exist. */
  updateStateMachine(arn: string, u: { definition: string; roleArn: string; revisionId: string; updatedAt: number }): Promise<boolean>;
  /** Replaces the machine's tags; false when it does not exist. */
  setTags(arn: string, tags: [string, string][]): Promise<boolean>;
  /** Inserts the execution and its first events, or returns the existing one of that machine and name. */
  startExecution(e: ExecutionRecord, events: HistoryEventRecord[]): Promise<{ execution: ExecutionRecord; created: boolean }>;
  getExecution(arn: string): Promise<ExecutionRecord | undefined>;
  /** Newest first (startDate desc, arn desc), after the cursor (startDate, arn) when given. */
  listExecutions(machineArn: string, status: ExecutionStatus | undefined, after: { startDate: number; arn: string } | undefined, limit: number): Promise<ExecutionRecord[]>;
  /** Applies one step if the execution is still at `version`; false if it moved on (another node, a stop). */
  advance(arn: string, version: number, update: ExecutionUpdate, events: HistoryEventRecord[]): Promise<boolean>;
  /** The history, by event id. */
  history(arn: string): Promise<HistoryEventRecord[]>;
  /** ARNs of running executions whose next step is due at or before now. */
  dueExecutions(now: number, limit: number): Promise<string[]>;
  /** The earliest due time over running executions. */
  nextDue(): Promise<number | undefined>;
  close(): Promise<void>;
}
