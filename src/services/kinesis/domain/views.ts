// How streams and shards look on the wire (DescribeStream, DescribeStreamSummary, ListStreams, ListShards outputs).
import type { ShardRecord, StreamRecord } from "../store.ts";
import { sequenceNumber, shardId } from "./sequence.ts";
import { streamArn } from "./streams.ts";

export function shardView(stream: StreamRecord, s: ShardRecord): Record<string, unknown> {
  return {
    ShardId: shardId(s.index),
    HashKeyRange: { StartingHashKey: s.startHashKey, EndingHashKey: s.endHashKey },
    // Open shards have no EndingSequenceNumber (Shard / SequenceNumberRange API reference).
    SequenceNumberRange: { StartingSequenceNumber: sequenceNumber(stream.createdAt, s.index, 0) },
  };
}

export function arnOf(s: StreamRecord): string {
  return streamArn(s.region, s.account, s.name);
}

export function summaryView(s: StreamRecord): Record<string, unknown> {
  return {
    StreamName: s.name,
    StreamARN: arnOf(s),
    StreamStatus: s.status,
    StreamModeDetails: { StreamMode: s.mode },
    StreamCreationTimestamp: new Date(s.createdAt),
  };
}

/** Common members of StreamDescription and StreamDescriptionSummary (no enhanced monitoring, no encryption). */
export function descriptionView(s: StreamRecord): Record<string, unknown> {
  return {
    ...summaryView(s),
    RetentionPeriodHours: s.retentionHours,
    EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
    EncryptionType: "NONE",
  };
}
