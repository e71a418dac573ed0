-- Enhanced fan-out: registered stream consumers and the one live subscription per consumer and shard (ADR 0021).
-- A consumer's status follows from its times: CREATING until active_at, ACTIVE after, DELETING from deleting_at
-- until gone_at (then it is no longer listed and its row is removed by the next change to the stream's consumers).
CREATE TABLE kinesis_consumers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id INTEGER NOT NULL REFERENCES kinesis_streams (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  active_at INTEGER NOT NULL,
  deleting_at INTEGER,
  gone_at INTEGER,
  UNIQUE (stream_id, name)
);

-- The subscription that holds (consumer, shard): a SubscribeToShard takes the row over when it is free or was taken
-- 5 seconds or more ago (AWS's rule), under a new token; the subscription it replaced sees the token change and ends.
CREATE TABLE kinesis_subscriptions (
  consumer_id INTEGER NOT NULL REFERENCES kinesis_consumers (id) ON DELETE CASCADE,
  shard_index INTEGER NOT NULL,
  token TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (consumer_id, shard_index)
) WITHOUT ROWID;

-- The record log becomes a rowid table with a unique index on its position (ADR 0021): a WITHOUT ROWID table keeps
-- whole rows in its key's b-tree, where a row over ~1,000 bytes (4 KiB pages) spills to overflow pages, so a typical
-- 1 KiB record cost 2.5× the CPU to insert and read slower. Rows now append to the table in arrival order and the index
-- holds only the position; a GetRecords is still one range scan (of the index). Existing rows are kept.
CREATE TABLE kinesis_records_log (
  stream_id INTEGER NOT NULL,
  shard_index INTEGER NOT NULL,
  counter INTEGER NOT NULL,
  partition_key TEXT NOT NULL,
  data BLOB NOT NULL,
  arrived_at INTEGER NOT NULL
);
INSERT INTO kinesis_records_log (stream_id, shard_index, counter, partition_key, data, arrived_at)
  SELECT stream_id, shard_index, counter, partition_key, data, arrived_at FROM kinesis_records ORDER BY stream_id, shard_index, counter;
DROP TABLE kinesis_records;
ALTER TABLE kinesis_records_log RENAME TO kinesis_records;
CREATE UNIQUE INDEX kinesis_records_position ON kinesis_records (stream_id, shard_index, counter);
