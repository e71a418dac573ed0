-- EventBridge event buses (the default bus is not stored: it exists in every account and region), rules (keyed by
-- their bus's name, so the default bus's rules need no bus row) and their targets. Times are epoch ms.
CREATE TABLE events_buses (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (account, region, name)
);

CREATE TABLE events_rules (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bus TEXT NOT NULL,
  name TEXT NOT NULL,
  event_pattern TEXT NOT NULL,
  state TEXT NOT NULL,
  description TEXT,
  role_arn TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (account, region, bus, name)
);

CREATE TABLE events_targets (
  rule_id BIGINT NOT NULL REFERENCES events_rules (id) ON DELETE CASCADE,
  target_id TEXT NOT NULL,
  arn TEXT NOT NULL,
  input TEXT,
  input_path TEXT,
  message_group_id TEXT,
  PRIMARY KEY (rule_id, target_id)
);
CREATE INDEX events_targets_arn ON events_targets (arn, rule_id);

-- A counter per bus, bumped in the same transaction as every change to its rules or their targets: PutEvents keeps
-- its compiled rule index while the counter is unchanged (one key lookup instead of reading every rule).
CREATE TABLE events_bus_versions (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bus TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (account, region, bus)
);
