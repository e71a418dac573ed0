-- EventBridge Pipes: one row per pipe (its configuration as JSON, the states, tags, a version for compare-and-set)
-- and the Kinesis sources' checkpoints (the last sequence number delivered, per shard). Times are epoch ms.
CREATE TABLE pipes (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  desired_state TEXT NOT NULL,
  current_state TEXT NOT NULL,
  config TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
);

CREATE TABLE pipe_checkpoints (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  shard TEXT NOT NULL,
  seq TEXT NOT NULL,
  PRIMARY KEY (account, region, name, shard)
);
