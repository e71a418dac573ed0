// The storage port EventBridge Pipes needs, in domain words: pipes (their configuration as given on the wire, the
// desired and current states, tags) changed by compare-and-set on a version, and the Kinesis sources' checkpoints.
// Every method is one atomic unit; time is an argument.

export type PipeState =
  | "RUNNING" | "STOPPED" | "CREATING" | "UPDATING" | "DELETING" | "STARTING" | "STOPPING"
  | "CREATE_FAILED" | "UPDATE_FAILED" | "START_FAILED" | "STOP_FAILED" | "DELETE_FAILED"
  | "CREATE_ROLLBACK_FAILED" | "DELETE_ROLLBACK_FAILED" | "UPDATE_ROLLBACK_FAILED";

export type DesiredState = "RUNNING" | "STOPPED" | "DELETED";

export interface PipeKey {
  account: string;
  region: string;
  name: string;
}

/** What a pipe is made of, as CreatePipe / UpdatePipe gave it (validated). */
export interface PipeConfig {
  Description?: string;
  Source: string;
  SourceParameters?: Record<string, unknown>;
  Enrichment?: string;
  EnrichmentParameters?: Record<string, unknown>;
  Target: string;
  TargetParameters?: Record<string, unknown>;
  RoleArn: string;
  LogConfiguration?: Record<string, unknown>;
  KmsKeyIdentifier?: string;
  Tags?: Record<string, string>;
  StateReason?: string;
  /** When the pipe last began running (epoch ms): a Kinesis source at LATEST reads from here. */
  StartedAt?: number;
}

export interface PipeRecord extends PipeKey {
  desiredState: DesiredState;
  currentState: PipeState;
  config: PipeConfig;
  createdAt: number;
  modifiedAt: number;
  /** Bumped by every change; a change applies only to the version it was computed from. */
  version: number;
}

export interface PipeFilter {
  namePrefix?: string;
  desiredState?: string;
  currentState?: string;
  sourcePrefix?: string;
  targetPrefix?: string;
}

export interface PipesStore {
  /** Creates the pipe (version 1); "exists" when one of that name exists, "limit" when the account and region have `max`. */
  create(pipe: Omit<PipeRecord, "version">, max: number): Promise<"ok" | "exists" | "limit">;
  get(key: PipeKey): Promise<PipeRecord | undefined>;
  /** Pipes of an account and region matching the filter, names > after, by name. */
  list(account: string, region: string, filter: PipeFilter, after: string, limit: number): Promise<PipeRecord[]>;
  /** Every pipe, for the runner, after the cursor (account, region, name order). */
  page(after: PipeKey | undefined, limit: number): Promise<PipeRecord[]>;
  /** Replaces the pipe's states, configuration and times if it is still at `version` (the stored version grows by one); false otherwise. */
  save(pipe: PipeRecord, version: number): Promise<boolean>;
  /** Deletes the pipe and its checkpoints if it is still at `version`; false otherwise. */
  delete(key: PipeKey, version: number): Promise<boolean>;
  /** The Kinesis source's checkpoints: shard id → last sequence number delivered. */
  checkpoints(key: PipeKey): Promise<Record<string, string>>;
  /** Records a shard's checkpoint (kept across updates; removed with the pipe). */
  saveCheckpoint(key: PipeKey, shard: string, seq: string): Promise<void>;
  /** Forgets every checkpoint of the pipe (an update that changes the source). */
  clearCheckpoints(key: PipeKey): Promise<void>;
}
