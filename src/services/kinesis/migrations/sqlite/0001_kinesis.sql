-- Kinesis streams, shards and the per-shard record log. Times are epoch ms from the engine's clock. Stream ids are
-- never reused (AUTOINCREMENT), so iterators of a deleted stream never reach a new stream of the same name.
CREATE TABLE kinesis_streams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  mode TEXT NOT NULL,
  retention_hours INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (account, region, name)
);

CREATE TABLE kinesis_shards (
  stream_id INTEGER NOT NULL REFERENCES kinesis_streams (id) ON DELETE CASCADE,
  shard_index INTEGER NOT NULL,
  start_hash_key TEXT NOT NULL,
  end_hash_key TEXT NOT NULL,
  last_counter INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (stream_id, shard_index)
);

CREATE TABLE kinesis_records (
  stream_id INTEGER NOT NULL,
  shard_index INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  partition_key TEXT NOT NULL,
  data BLOB NOT NULL,
  arrived_at INTEGER NOT NULL,
  PRIMARY KEY (stream_id, shard_index, counter)
) WITHOUT ROWID;
