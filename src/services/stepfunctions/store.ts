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
  phase: "enter" | "wait";
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

export interface StepFunctionsStore {
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
