-- EventBridge archives (events kept per archive, in arrival order), replays (a stored position advanced by a leased
-- job), rule schedules (the next firing time, advanced with each firing in the firing's transaction) and tags of buses
-- and rules (removed with their resource). Times are epoch ms.
CREATE TABLE events_archives (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  bus TEXT NOT NULL,
  event_pattern TEXT,
  description TEXT,
  retention_days INTEGER NOT NULL,
  state TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- EventCount and SizeBytes, kept with every archived and trimmed event (counting rows on each Describe would
  -- read the whole archive).
  event_count INTEGER NOT NULL DEFAULT 0,
  size_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account, region, name)
);
CREATE INDEX events_archives_bus ON events_archives (account, region, bus);

-- One row per archived event: `at` is the event's time (replays select by it), `archived_at` when it was archived
-- (retention counts from it).
CREATE TABLE events_archived (
  id INTEGER PRIMARY KEY,
  archive_id INTEGER NOT NULL REFERENCES events_archives (id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  archived_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX events_archived_window ON events_archived (archive_id, at, id);
CREATE INDEX events_archived_age ON events_archived (archive_id, archived_at);

CREATE TABLE events_replays (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  archive TEXT NOT NULL,
  description TEXT,
  bus TEXT NOT NULL,
  filter_arns TEXT,
  event_start INTEGER NOT NULL,
  event_end INTEGER NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  last_replayed INTEGER,
  cursor_at INTEGER,
  cursor_id INTEGER,
  -- Scheme and authority of the StartReplay request (links in SNS envelopes of replayed deliveries).
  base_url TEXT NOT NULL,
  UNIQUE (account, region, name)
);
CREATE INDEX events_replays_active ON events_replays (state) WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING');

CREATE TABLE events_schedules (
  rule_id INTEGER PRIMARY KEY REFERENCES events_rules (id) ON DELETE CASCADE,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bus TEXT NOT NULL,
  rule TEXT NOT NULL,
  expression TEXT NOT NULL,
  anchor_at INTEGER NOT NULL,
  next_at INTEGER,
  -- Scheme and authority of the PutRule request (links in SNS envelopes of the firings' deliveries).
  base_url TEXT NOT NULL
);
CREATE INDEX events_schedules_next ON events_schedules (next_at) WHERE next_at IS NOT NULL;

CREATE TABLE events_tags (
  arn TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  position INTEGER NOT NULL,
  rule_id INTEGER REFERENCES events_rules (id) ON DELETE CASCADE,
  bus_id INTEGER REFERENCES events_buses (id) ON DELETE CASCADE,
  PRIMARY KEY (arn, key)
);
CREATE INDEX events_tags_rule ON events_tags (rule_id);
CREATE INDEX events_tags_bus ON events_tags (bus_id);
