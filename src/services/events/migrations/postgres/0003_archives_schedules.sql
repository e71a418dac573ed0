-- EventBridge archives (events kept per archive, in arrival order), replays (a stored position advanced by a leased
-- job), rule schedules (the next firing time, advanced with each firing in the firing's transaction) and tags of buses
-- and rules (removed with their resource). Times are epoch ms.
CREATE TABLE events_archives (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  bus TEXT NOT NULL,
  event_pattern TEXT,
  description TEXT,
  retention_days BIGINT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  -- EventCount and SizeBytes, kept with every archived and trimmed event (counting rows on each Describe would
  -- read the whole archive).
  event_count BIGINT NOT NULL DEFAULT 0,
  size_bytes BIGINT NOT NULL DEFAULT 0,
  UNIQUE (account, region, name)
);
CREATE INDEX events_archives_bus ON events_archives (account, region, bus);

-- One row per archived event: `at` is the event's time (replays select by it), `archived_at` when it was archived
-- (retention counts from it).
CREATE TABLE events_archived (
  id BIGSERIAL PRIMARY KEY,
  archive_id BIGINT NOT NULL REFERENCES events_archives (id) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  archived_at BIGINT NOT NULL,
  size BIGINT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX events_archived_window ON events_archived (archive_id, at, id);
CREATE INDEX events_archived_age ON events_archived (archive_id, archived_at);

CREATE TABLE events_replays (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  archive TEXT NOT NULL,
  description TEXT,
  bus TEXT NOT NULL,
  filter_arns TEXT,
  event_start BIGINT NOT NULL,
  event_end BIGINT NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  last_replayed BIGINT,
  cursor_at BIGINT,
  cursor_id BIGINT,
  -- Scheme and authority of the StartReplay request (links in SNS envelopes of replayed deliveries).
  base_url TEXT NOT NULL,
  UNIQUE (account, region, name)
);
CREATE INDEX events_replays_active ON events_replays (state) WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING');

CREATE TABLE events_schedules (
  rule_id BIGINT PRIMARY KEY REFERENCES events_rules (id) ON DELETE CASCADE,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  expression TEXT NOT NULL,
  anchor_at BIGINT NOT NULL,
  next_at BIGINT,
  -- Scheme and authority of the PutRule request (links in SNS envelopes of the firings' deliveries).
  base_url TEXT NOT NULL
);
CREATE INDEX events_schedules_next ON events_schedules (next_at) WHERE next_at IS NOT NULL;

CREATE TABLE events_tags (
  arn TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  position BIGINT NOT NULL,
  rule_id BIGINT REFERENCES events_rules (id) ON DELETE CASCADE,
  bus_id BIGINT REFERENCES events_buses (id) ON DELETE CASCADE,
  PRIMARY KEY (arn, key)
);
CREATE INDEX events_tags_rule ON events_tags (rule_id);
CREATE INDEX events_tags_bus ON events_tags (bus_id);
