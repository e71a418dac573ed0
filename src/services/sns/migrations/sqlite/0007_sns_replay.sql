-- SNS FIFO topics: each archived message's expiry (ArchivePolicy retention, swept in the background with expired
-- deduplication records) and durable replay jobs, one per subscription, with the archive position reached so far.
ALTER TABLE sns_archive ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
-- Rows archived before this migration keep the longest retention an ArchivePolicy allows (365 days); replay still
-- applies the topic's current policy when it reads them.
UPDATE sns_archive SET expires_at = published_at + 31536000000;
CREATE INDEX sns_archive_expiry ON sns_archive (expires_at);
CREATE INDEX sns_dedup_expiry ON sns_dedup (expires_at);

CREATE TABLE sns_replays (
  subscription_arn TEXT PRIMARY KEY REFERENCES sns_subscriptions (arn) ON DELETE CASCADE,
  replay_id TEXT NOT NULL,
  base_url TEXT NOT NULL,
  topic_id INTEGER NOT NULL REFERENCES sns_topics (id) ON DELETE CASCADE,
  starting_at INTEGER NOT NULL,
  ending_at INTEGER,
  after_published_at INTEGER NOT NULL DEFAULT 0,
  after_id INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX sns_replays_active ON sns_replays (status) WHERE status IN ('Pending', 'In progress');
