// The Kinesis storage port, in domain words. A stream row, its shards (hash key ranges as decimal strings, a record
// counter each, parents and open/close times once resharding made them), and an append-only log of records per shard:
// reading a shard is one range scan on (stream, shard, counter), and a PutRecords of 500 records is one write. The
// control plane (status, retention, encryption, metrics, tags, resharding) changes a stream through one method,
// `changeStream`, which runs the caller's pure decision on the locked stream and its shards in one transaction.
// Time is an argument, never read here.

export type StreamStatus = "CREATING" | "ACTIVE" | "UPDATING";

/** The control-plane fields of a stream that `changeStream` may set. */
export interface StreamSettings {
  mode: "PROVISIONED" | "ON_DEMAND";
  status: StreamStatus;
  /** When a CREATING or UPDATING stream becomes ACTIVE (undefined: no change pending). */
  statusUntil?: number;
  retentionHours: number;
  encryptionType: "NONE" | "KMS";
  keyId?: string;
  shardLevelMetrics: string[];
  maxRecordSizeKiB: number;
  /** Tags by key. */
  tags: Record<string, string>;
  /** Times of the UpdateShardCount calls of the last 24 hours (AWS's rolling limit). */
  scalings: number[];
  /** Times of the UpdateStreamMode calls of the last 24 hours. */
  modeChanges: number[];
  /** Times of the StartStreamEncryption and StopStreamEncryption calls of the last 24 hours (25 each). */
  encryptionStarts: number[];
  encryptionStops: number[];
}

/** What an account uses in a region (shard quota, on-demand stream quota, DescribeLimits). */
export interface AccountUsage {
  openShards: number;
  onDemandStreams: number;
}

export interface AccountQuota {
  shards: number;
  onDemandStreams: number;
}

export interface StreamRecord extends StreamSettings {
  id: number;
  account: string;
  region: string;
  name: string;
  /** Open shards. */
  shardCount: number;
  createdAt: number;
}

export interface ShardRecord {
  index: number;
  startHashKey: string;
  endHashKey: string;
  /** Counter of the shard's newest record (0 when it has none); of a closed shard, its last record ever. */
  lastCounter: number;
  parentIndex?: number;
  adjacentParentIndex?: number;
  /** When the shard was made (the stream's creation, or the resharding that made it). */
  openedAt: number;
  /** When resharding closed it; undefined while open. */
  closedAt?: number;
}

export interface NewShard {
  index: number;
  startHashKey: string;
  endHashKey: string;
  parentIndex?: number;
  adjacentParentIndex?: number;
  /** Short-lived shards of UpdateShardCount are made closed (they never take records). */
  closed?: boolean;
}

/** What a control-plane decision changes: stream settings, shards to close, shards to add. */
export interface StreamChange {
  settings?: Partial<StreamSettings>;
  close?: number[];
  add?: NewShard[];
}

export interface NewRecord {
  shardIndex: number;
  partitionKey: string;
  data: Buffer;
}

export interface StoredRecord {
  counter: number;
  partitionKey: string;
  data: Buffer;
  arrivedAt: number;
}

/**
 * A shard's records as GetRecords reads them, column by column (ADR 0033): no object per record, and the records'
 * data back to back in one buffer. Record i is counters[i], partitionKeys[i], arrivedAt[i], and its data is
 * data[offsets[i] .. offsets[i + 1]).
 */
export interface RecordBatch {
  length: number;
  counters: number[];
  partitionKeys: string[];
  arrivedAt: number[];
  /** length + 1 entries: offsets[0] = 0, offsets[length] = data.length. */
  offsets: number[];
  data: Buffer;
}

/** A registered consumer (enhanced fan-out). Its status follows from the times (domain/consumers.ts consumerStatus). */
export interface ConsumerRecord {
  id: number;
  streamId: number;
  name: string;
  createdAt: number;
  /** CREATING before this time, ACTIVE from it. */
  activeAt: number;
  /** DELETING from this time (undefined: not deregistered). */
  deletingAt?: number;
  /** Gone from this time: no longer found or listed. */
  goneAt?: number;
}

export interface KinesisStore {
  /**
   * Creates the stream and its shards unless the name is taken ("exists"), the open shards would pass the quota
   * ("quota"), or an on-demand stream would pass the on-demand stream quota ("onDemandQuota").
   */
  createStream(
    s: Omit<StreamRecord, "id" | "shardCount">,
    shards: { startHashKey: string; endHashKey: string }[],
    quota: AccountQuota,
  ): Promise<StreamRecord | "exists" | "quota" | "onDemandQuota">;
  /** The account and region's open shards and on-demand streams. */
  usage(account: string, region: string): Promise<AccountUsage>;
  getStream(account: string, region: string, name: string): Promise<StreamRecord | undefined>;
  getStreamById(id: number): Promise<StreamRecord | undefined>;
  /** Streams of an account and region by name, after `afterName`, at most `limit`. */
  listStreams(account: string, region: string, afterName: string, limit: number): Promise<StreamRecord[]>;
  /** Deletes the stream, its shards, records and resource policies; false when it was gone already. */
  deleteStream(id: number): Promise<boolean>;
  /** The stream's shards (open and closed, until retention removes closed ones), by index. */
  shards(streamId: number): Promise<ShardRecord[]>;
  /**
   * Runs `decide` on the stream and its shards with the stream locked against other changes and appends, and applies
   * what it returns in the same transaction: settings, closing shards (at `now`), adding shards. `decide` may throw
   * (nothing changes). `usage` is the account and region's usage before the change.
   * Undefined when the stream is gone.
   */
  changeStream(
    id: number,
    now: number,
    decide: (stream: StreamRecord, shards: ShardRecord[], usage: AccountUsage) => StreamChange,
  ): Promise<StreamRecord | undefined>;
  /**
   * Appends the records in order, one transaction; returns each one's counter in its shard, undefined when the stream
   * was deleted meanwhile, or "closed" when one of the shards was closed by resharding meanwhile (nothing appended).
   */
  append(streamId: number, records: NewRecord[], now: number): Promise<number[] | undefined | "closed">;
  /** Records of a shard with a counter above `after`, oldest first, at most `limit` and about `maxBytes` of data (at least one). */
  read(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<StoredRecord[]>;
  /** What `read` returns, as a RecordBatch (GetRecords' path: one buffer for all the data, no object per record). */
  readBatch(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<RecordBatch>;
  /** The highest counter of a record of the shard that arrived before `time` (0 when none). */
  counterBefore(streamId: number, shardIndex: number, time: number): Promise<number>;
  /** The earliest time a CREATING or UPDATING stream becomes ACTIVE. */
  nextStatusChange(): Promise<number | undefined>;
  /** Makes ACTIVE the streams whose status change is due at `now`; returns how many. */
  finishStatusChanges(now: number): Promise<number>;
  /**
   * Retention: deletes records that arrived before their stream's retention period (counted back from `now`), and
   * closed shards that closed before it, at most about `batch` records per transaction. Returns the records deleted.
   */
  trim(now: number, batch: number): Promise<number>;
  getPolicy(resourceArn: string): Promise<string | undefined>;
  /** Sets the policy of a resource of the stream (kept until deleted, or the stream is). */
  /** False when the stream is gone. */
  putPolicy(streamId: number, resourceArn: string, policy: string): Promise<boolean>;
  deletePolicy(resourceArn: string): Promise<boolean>;
  /**
   * Registers a consumer unless its name is taken on the stream ("exists"), the stream has `max` consumers not yet
   * gone ("limit"), or the stream was deleted meanwhile ("gone"). Consumers gone by `now` are removed first.
   */
  registerConsumer(streamId: number, name: string, now: number, activeAt: number, max: number): Promise<ConsumerRecord | "exists" | "limit" | "gone">;
  /** The stream's consumer of that name not gone by `now`. */
  getConsumer(streamId: number, name: string, now: number): Promise<ConsumerRecord | undefined>;
  /** The stream's consumers not gone by `now`, by name after `afterName`, at most `limit`. */
  listConsumers(streamId: number, now: number, afterName: string, limit: number): Promise<ConsumerRecord[]>;
  /** Marks the consumer DELETING from `now` and gone from `goneAt` and ends its subscriptions; false when it was gone already. */
  deregisterConsumer(consumerId: number, now: number, goneAt: number): Promise<boolean>;
  /**
   * Takes the subscription of (consumer, shard) under `token` when none holds it or the holder took it at least
   * `minAgeMs` ago (then the holder is replaced); "busy" otherwise, "gone" when the consumer no longer exists.
   */
  takeSubscription(consumerId: number, shardIndex: number, token: string, now: number, minAgeMs: number): Promise<"taken" | "busy" | "gone">;
  /** Whether `token` still holds the subscription of (consumer, shard). */
  holdsSubscription(consumerId: number, shardIndex: number, token: string): Promise<boolean>;
  /** Gives the subscription up, when `token` still holds it. */
  releaseSubscription(consumerId: number, shardIndex: number, token: string): Promise<void>;
  close(): Promise<void>;
}
