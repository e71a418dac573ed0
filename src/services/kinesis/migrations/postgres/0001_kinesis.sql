-- Kinesis streams, shards and the per-shard record log. Times are epoch ms from the engine's clock. Stream ids come
-- from a sequence and are never reused, so iterators of a deleted stream never reach a new stream of the same name.
CREATE TABLE kinesis_streams (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  mode TEXT NOT NULL,
  retention_hours INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (account, region, name)
);

CREATE TABLE kinesis_shards (
  stream_id BIGINT NOT NULL REFERENCES kinesis_streams (id) ON DELETE CASCADE,
  shard_index INTEGER NOT NULL,
  start_hash_key TEXT NOT NULL,
  end_hash_key TEXT NOT NULL,
  last_counter BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (stream_id, shard_index)
);

CREATE TABLE kinesis_records (
  stream_id BIGINT NOT NULL,
  shard_index INTEGER NOT NULL,
  counter BIGINT NOT NULL,
  partition_key TEXT NOT NULL,
  data BYTEA NOT NULL,
  arrived_at BIGINT NOT NULL,
  PRIMARY KEY (stream_id, shard_index, counter)
);
