-- SNS topics, subscriptions, the HTTP delivery outbox, local sinks (email/sms/application), platform
-- applications and endpoints, FIFO deduplication and the FIFO archive. Times are epoch ms from the engine's clock.
CREATE TABLE sns_topics (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  subscriptions_deleted INTEGER NOT NULL DEFAULT 0,
  sequence INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (account, region, name)
);

CREATE TABLE sns_subscriptions (
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  topic_id INTEGER NOT NULL REFERENCES sns_topics (id) ON DELETE CASCADE,
  owner TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  attributes TEXT NOT NULL,
  confirmed INTEGER NOT NULL,
  token TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX sns_subscriptions_topic ON sns_subscriptions (topic_id, id);
CREATE INDEX sns_subscriptions_owner ON sns_subscriptions (owner, id);
CREATE INDEX sns_subscriptions_token ON sns_subscriptions (token) WHERE token IS NOT NULL;

CREATE TABLE sns_outbox (
  id INTEGER PRIMARY KEY,
  subscription_arn TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  leased_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX sns_outbox_due ON sns_outbox (due_at, id);

CREATE TABLE sns_sink_messages (
  id INTEGER PRIMARY KEY,
  sink TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sns_sink_messages_sink ON sns_sink_messages (sink, id);

CREATE TABLE sns_platform_applications (
  arn TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  attributes TEXT NOT NULL
);

CREATE TABLE sns_platform_endpoints (
  arn TEXT PRIMARY KEY,
  application_arn TEXT NOT NULL REFERENCES sns_platform_applications (arn) ON DELETE CASCADE,
  token TEXT NOT NULL,
  attributes TEXT NOT NULL
);
CREATE INDEX sns_platform_endpoints_app ON sns_platform_endpoints (application_arn, token);

CREATE TABLE sns_dedup (
  topic_id INTEGER NOT NULL REFERENCES sns_topics (id) ON DELETE CASCADE,
  dedup_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (topic_id, dedup_id)
);

CREATE TABLE sns_archive (
  id INTEGER PRIMARY KEY,
  topic_id INTEGER NOT NULL REFERENCES sns_topics (id) ON DELETE CASCADE,
  published_at INTEGER NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX sns_archive_topic ON sns_archive (topic_id, published_at, id);

CREATE TABLE sns_keys (
  name TEXT PRIMARY KEY,
  private_key TEXT NOT NULL,
  certificate TEXT NOT NULL
);
