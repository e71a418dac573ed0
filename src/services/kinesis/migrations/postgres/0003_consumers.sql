-- Enhanced fan-out: registered stream consumers and the one live subscription per consumer and shard (ADR 0021).
-- A consumer's status follows from its times: CREATING until active_at, ACTIVE after, DELETING from deleting_at
-- until gone_at (then it is no longer listed and its row is removed by the next change to the stream's consumers).
CREATE TABLE kinesis_consumers (
  id BIGSERIAL PRIMARY KEY,
  stream_id BIGINT NOT NULL REFERENCES kinesis_streams (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  active_at BIGINT NOT NULL,
  deleting_at BIGINT,
  gone_at BIGINT,
  UNIQUE (stream_id, name)
);

-- The subscription that holds (consumer, shard): a SubscribeToShard takes the row over when it is free or was taken
-- 5 seconds or more ago (AWS's rule), under a new token; the subscription it replaced sees the token change and ends.
CREATE TABLE kinesis_subscriptions (
  consumer_id BIGINT NOT NULL REFERENCES kinesis_consumers (id) ON DELETE CASCADE,
  shard_index INTEGER NOT NULL,
  token TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  PRIMARY KEY (consumer_id, shard_index)
);
