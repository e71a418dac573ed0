-- FIFO receives (issue #6) read one message group at a time in sequence order, and find the distinct groups of a
-- queue with a loose index scan, instead of reading every message of the queue.
CREATE INDEX sqs_messages_fifo_group ON sqs_messages (queue_id, message_group_id, sequence_number, id) WHERE sequence_number IS NOT NULL;
