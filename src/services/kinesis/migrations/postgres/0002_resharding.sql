-- Resharding, status changes, retention, and the rest of the control plane (ADR 0020). Shards get their parents and
-- open/close times (a closed shard keeps its last counter as its end); streams get their status (CREATING or UPDATING
-- until status_until), encryption, shard-level metrics, maximum record size, tags (JSON object) and the times of their
-- recent scaling, mode and encryption changes (JSON arrays, for AWS's rolling 24-hour limits). Resource policies by ARN.
ALTER TABLE kinesis_shards ADD COLUMN parent_index INTEGER;
ALTER TABLE kinesis_shards ADD COLUMN adjacent_parent_index INTEGER;
ALTER TABLE kinesis_shards ADD COLUMN opened_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kinesis_shards ADD COLUMN closed_at BIGINT;

ALTER TABLE kinesis_streams ADD COLUMN status TEXT NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE kinesis_streams ADD COLUMN status_until BIGINT;
ALTER TABLE kinesis_streams ADD COLUMN encryption_type TEXT NOT NULL DEFAULT 'NONE';
ALTER TABLE kinesis_streams ADD COLUMN key_id TEXT;
ALTER TABLE kinesis_streams ADD COLUMN shard_level_metrics TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kinesis_streams ADD COLUMN max_record_size_kib INTEGER NOT NULL DEFAULT 1024;
ALTER TABLE kinesis_streams ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
ALTER TABLE kinesis_streams ADD COLUMN scalings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kinesis_streams ADD COLUMN mode_changes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kinesis_streams ADD COLUMN encryption_starts TEXT NOT NULL DEFAULT '[]';
ALTER TABLE kinesis_streams ADD COLUMN encryption_stops TEXT NOT NULL DEFAULT '[]';

UPDATE kinesis_shards SET opened_at = (SELECT created_at FROM kinesis_streams s WHERE s.id = kinesis_shards.stream_id);

CREATE INDEX kinesis_streams_status_until ON kinesis_streams (status_until) WHERE status_until IS NOT NULL;

CREATE TABLE kinesis_policies (
  resource_arn TEXT PRIMARY KEY,
  stream_id BIGINT NOT NULL REFERENCES kinesis_streams (id) ON DELETE CASCADE,
  policy TEXT NOT NULL
);
