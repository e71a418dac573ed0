-- SQS queues and messages. Times are epoch milliseconds, passed in by the engine's clock.
CREATE TABLE sqs_queues (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  retention_ms INTEGER NOT NULL,
  dead_letter_arn TEXT,
  created_at INTEGER NOT NULL,
  modified_at INTEGER NOT NULL,
  purged_at INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account, region, name)
);
CREATE INDEX sqs_queues_dead_letter ON sqs_queues (dead_letter_arn) WHERE dead_letter_arn IS NOT NULL;

CREATE TABLE sqs_deleted_queues (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
);

CREATE TABLE sqs_messages (
  id INTEGER PRIMARY KEY,
  queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  body TEXT NOT NULL,
  md5_body TEXT NOT NULL,
  attributes TEXT,
  md5_attributes TEXT,
  system_attributes TEXT,
  md5_system_attributes TEXT,
  sender_id TEXT NOT NULL,
  message_group_id TEXT,
  sent_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  receive_count INTEGER NOT NULL DEFAULT 0,
  first_received_at INTEGER NOT NULL DEFAULT 0,
  received_at INTEGER NOT NULL DEFAULT 0,
  receipt_nonce TEXT NOT NULL DEFAULT '',
  dead_letter_source_arn TEXT
);
CREATE INDEX sqs_messages_ready ON sqs_messages (queue_id, visible_at, id);
CREATE INDEX sqs_messages_sent ON sqs_messages (queue_id, sent_at);
