// The Kinesis storage port, in domain words. A stream row, its shards (hash key ranges as decimal strings, a record
// counter each), and an append-only log of records per shard: reading a shard is one range scan on
// (stream, shard, counter), and a PutRecords of 500 records is one write. Time is an argument, never read here.

export interface StreamRecord {
  id: number;
  account: string;
  region: string;
  name: string;
  mode: "PROVISIONED" | "ON_DEMAND";
  status: "ACTIVE";
  retentionHours: number;
  shardCount: number;
  createdAt: number;
}

export interface ShardRecord {
  index: number;
  startHashKey: string;
  endHashKey: string;
  /** Counter of the shard's newest record (0 when it has none). */
  lastCounter: number;
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
  /** Creates the stream and its shards unless the name is taken ("exists") or the open shards would pass `shardQuota` ("quota"). */
  createStream(
    s: Omit<StreamRecord, "id" | "status">,
    shards: { startHashKey: string; endHashKey: string }[],
    shardQuota: number,
  ): Promise<StreamRecord | "exists" | "quota">;
  getStream(account: string, region: string, name: string): Promise<StreamRecord | undefined>;
  getStreamById(id: number): Promise<StreamRecord | undefined>;
  /** Streams of an account and region by name, after `afterName`, at most `limit`. */
  listStreams(account: string, region: string, afterName: string, limit: number): Promise<StreamRecord[]>;
  /** Deletes the stream, its shards and records; false when it was gone already. */
  deleteStream(id: number): Promise<boolean>;
  shards(streamId: number): Promise<ShardRecord[]>;
  /** Appends the records in order, one transaction; returns each one's counter in its shard (undefined when the stream was deleted meanwhile). */
  append(streamId: number, records: NewRecord[], now: number): Promise<number[] | undefined>;
  /** Records of a shard with a counter above `after`, oldest first, at most `limit` and about `maxBytes` of data (at least one). */
  read(streamId: number, shardIndex: number, after: number, limit: number, maxBytes: number): Promise<StoredRecord[]>;
  /** The highest counter of a record of the shard that arrived before `time` (0 when none). */
  counterBefore(streamId: number, shardIndex: number, time: number): Promise<number>;
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
