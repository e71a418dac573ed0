-- Standard queues pick and time their messages in the in-memory ready index (ADR 0003); an on-disk index on
-- visible_at only cost an index update on every send, receive and delete. FIFO queues keep a partial one for
-- the long-poll wake-up time.
DROP INDEX IF EXISTS sqs_messages_ready;
CREATE INDEX sqs_messages_fifo_visible ON sqs_messages (queue_id, visible_at) WHERE sequence_number IS NOT NULL;
