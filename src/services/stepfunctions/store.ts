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

/**
 * Where a running execution is: about to enter `state` with `stateInput`, or in one of the phases of that state
 * (waiting, a task in flight, branches running). The interpreter's Thread (domain/step.ts) is the full shape: a tree
 * of threads for Parallel branches and Map iterations, stored as one JSON value.
 */
export interface ExecutionPosition {
  state: string;
  stateInput: string;
  phase: string;
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
  /** The task token of the parent's `.sync` Task that started this execution: completed when this one ends. */
  parentToken?: string;
  /** RedriveExecution: how often it was redriven, and when last. */
  redriveCount?: number;
  redriveDate?: number;
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
  /** Task rows opened by this step (scheduled tasks, activity tasks), closed (done) or timed out. */
  openTasks?: NewTask[];
  closeTasks?: string[];
  timedOutTasks?: string[];
  /** Distributed Map runs this step started, and ended. */
  openMapRuns?: MapRunRecord[];
  closeMapRuns?: { arn: string; status: MapRunStatus; stopDate: number }[];
  /** UpdateMapRun: a run's new limits. */
  updateMapRun?: { arn: string; maxConcurrency?: number; toleratedFailureCount?: number; toleratedFailurePercentage?: number };
  /** RedriveExecution: the new count and date, and the distributed Map runs that run again. */
  redrive?: { count: number; date: number; mapRuns?: string[] };
  /** The execution ended and a parent's .sync task waits for it: that task is completed in the same transaction. */
  completeParent?: { token: string; completion: TaskCompletion; now: number };
}

export type TaskStatus = "scheduled" | "started" | "succeeded" | "failed" | "timed_out" | "closed";

/** A task's row: its token, what it is waiting for, and what it came to (SendTask*, a worker, an invocation). */
export interface TaskRecord {
  token: string;
  executionArn: string;
  activityArn?: string;
  input: string;
  status: TaskStatus;
  output?: string;
  error?: string;
  cause?: string;
  /** A child execution's DescribeExecution (JSON), when a .sync child completed this task. */
  child?: string;
  workerName?: string;
  startedAt?: number;
  heartbeatAt?: number;
  createdAt: number;
}

export interface NewTask {
  token: string;
  activityArn?: string;
  input: string;
  createdAt: number;
}

export type TaskCompletion =
  | { status: "succeeded"; output: string }
  | { status: "failed"; error?: string; cause?: string }
  | { status: "succeeded" | "failed"; child: string; error?: string; cause?: string };

/** What happened to a completion, heartbeat or invocation record: done, or why not (TaskDoesNotExist, TaskTimedOut). */
export type TaskAnswer = "ok" | "missing" | "timed_out";

export type MapRunStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

/** A distributed Map's run: its child executions run `childMachineArn` (the Map's ItemProcessor). */
export interface MapRunRecord {
  arn: string;
  executionArn: string;
  childMachineArn: string;
  status: MapRunStatus;
  startDate: number;
  stopDate?: number;
  maxConcurrency: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  /** Child executions the run starts in all (items, or batches). */
  total: number;
}

export interface ActivityRecord {
  arn: string;
  account: string;
  region: string;
  name: string;
  createdAt: number;
  tags: [string, string][];
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
  /**
   * A child execution of a .sync task, and the parent's task token. Unused since the halves of issue 15 joined (ADR
   * 0023 addendum: a child carries `parentToken` on its execution row); kept with migration 0003's table.
   */
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
  listExecutions(machineArn: string, status: ExecutionStatus | undefined, after: { startDate: number; arn: string } | undefined, limit: number, redriven?: boolean): Promise<ExecutionRecord[]>;
  /** Applies one step if the execution is still at `version`; false if it moved on (another node, a stop). */
  advance(arn: string, version: number, update: ExecutionUpdate, events: HistoryEventRecord[]): Promise<boolean>;
  /** The history, by event id. */
  history(arn: string): Promise<HistoryEventRecord[]>;
  /** ARNs of running executions whose next step is due at or before now. */
  dueExecutions(now: number, limit: number): Promise<string[]>;
  /** The earliest due time over running executions. */
  nextDue(): Promise<number | undefined>;

  /**
   * Takes the execution for `owner` until `until` (epoch ms) unless another owner's lease is still running: on
   * PostgreSQL one node advances an execution at a time (so a Task's resource is invoked by one node). SQLite has one
   * process per file (ADR 0003) and answers true.
   */
  leaseExecution(arn: string, owner: string, now: number, until: number): Promise<boolean>;
  releaseExecution(arn: string, owner: string): Promise<void>;
  /** The task rows of an execution not yet closed (callbacks, workers and invocations report through them). */
  openTasks(executionArn: string): Promise<TaskRecord[]>;
  /** Records a task's invocation outcome (pending → started), only while it is still scheduled. */
  recordInvocation(token: string, completion: TaskCompletion | { status: "started" }, now: number): Promise<void>;
  /**
   * SendTaskSuccess/SendTaskFailure, a child execution's end: records the outcome of an open task and makes its
   * execution due now (its version moves, so a step computed before is retried with the outcome).
   */
  completeTask(token: string, completion: TaskCompletion, now: number): Promise<TaskAnswer>;
  /** SendTaskHeartbeat: the task's last sign of life. */
  heartbeatTask(token: string, now: number): Promise<TaskAnswer>;
  /** GetActivityTask: the oldest scheduled task of the activity, now started by this worker; its execution is made due. */
  claimActivityTask(activityArn: string, workerName: string | undefined, now: number): Promise<TaskRecord | undefined>;

  getMapRun(arn: string): Promise<MapRunRecord | undefined>;
  /** An execution's map runs, by start date and ARN, after the given ARN. */
  listMapRuns(executionArn: string, after: string, limit: number): Promise<MapRunRecord[]>;
  /** How many executions of a machine are in each status (a map run's child executions). */
  statusCounts(machineArn: string): Promise<Partial<Record<ExecutionStatus, number>>>;

  createActivity(a: ActivityRecord): Promise<{ activity: ActivityRecord; created: boolean }>;
  getActivity(arn: string): Promise<ActivityRecord | undefined>;
  listActivities(account: string, region: string, after: string, limit: number): Promise<ActivityRecord[]>;
  deleteActivity(arn: string): Promise<void>;
  close(): Promise<void>;
}
