// How streams and shards look on the wire (DescribeStream, DescribeStreamSummary, ListStreams, ListShards outputs).
import type { ShardRecord, StreamRecord } from "../store.ts";
import { sequenceNumber, shardId } from "./sequence.ts";
import { streamArn } from "./streams.ts";

export function shardView(stream: StreamRecord, s: ShardRecord): Record<string, unknown> {
  return {
    ShardId: shardId(s.index),
    ParentShardId: s.parentIndex === undefined ? undefined : shardId(s.parentIndex),
    AdjacentParentShardId: s.adjacentParentIndex === undefined ? undefined : shardId(s.adjacentParentIndex),
    HashKeyRange: { StartingHashKey: s.startHashKey, EndingHashKey: s.endHashKey },
    // Open shards have no EndingSequenceNumber; a closed shard's is the number of its last record (its starting number
    // when it took none) (Shard / SequenceNumberRange API reference).
    SequenceNumberRange: {
      StartingSequenceNumber: sequenceNumber(stream.createdAt, s.index, 0),
      EndingSequenceNumber: s.closedAt === undefined ? undefined : sequenceNumber(stream.createdAt, s.index, s.lastCounter),
    },
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

/** Common members of StreamDescription and StreamDescriptionSummary. */
export function descriptionView(s: StreamRecord): Record<string, unknown> {
  return {
    ...summaryView(s),
    RetentionPeriodHours: s.retentionHours,
    EnhancedMonitoring: [{ ShardLevelMetrics: s.shardLevelMetrics }],
    EncryptionType: s.encryptionType,
    KeyId: s.keyId,
  };
}
