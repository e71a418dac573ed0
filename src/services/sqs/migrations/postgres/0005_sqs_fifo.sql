-- FIFO queues: per-queue sequence counter, each message's sequence number and deduplication id, durable
-- deduplication records (kept after the message is deleted, for the 5-minute window) and receive attempts.
ALTER TABLE sqs_queues ADD COLUMN fifo_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sqs_messages ADD COLUMN sequence_number BIGINT;
ALTER TABLE sqs_messages ADD COLUMN deduplication_id TEXT;
CREATE INDEX sqs_messages_fifo ON sqs_messages (queue_id, sequence_number) WHERE sequence_number IS NOT NULL;

CREATE TABLE sqs_fifo_dedup (
  queue_id BIGINT NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  dedup_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  sequence_number BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (queue_id, dedup_key)
);
CREATE INDEX sqs_fifo_dedup_expiry ON sqs_fifo_dedup (expires_at);

CREATE TABLE sqs_fifo_receive_attempts (
  queue_id BIGINT NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  attempt_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  claims TEXT NOT NULL,
  PRIMARY KEY (queue_id, attempt_id)
);
