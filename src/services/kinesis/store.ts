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
  close(): Promise<void>;
}
