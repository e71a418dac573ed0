-- Message move tasks (dead-letter queue redrive): one row per task, kept after it ends for ListMessageMoveTasks;
-- at most one RUNNING or CANCELLING task per source queue.
CREATE TABLE sqs_move_tasks (
  id BIGSERIAL PRIMARY KEY,
  task_id TEXT NOT NULL UNIQUE,
  source_queue_id BIGINT NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  source_arn TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second INTEGER,
  status TEXT NOT NULL,
  to_move BIGINT NOT NULL,
  moved BIGINT NOT NULL DEFAULT 0,
  failure_reason TEXT,
  started_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sqs_move_tasks_active ON sqs_move_tasks (source_arn) WHERE status IN ('RUNNING', 'CANCELLING');
CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (source_arn, id);

-- Fair queues: a receive on a queue with message groups takes each group's oldest ready messages in turn, found
-- per group (and for the messages without a group) through these indexes rather than by scanning the backlog.
CREATE INDEX sqs_messages_group_ready ON sqs_messages (queue_id, message_group_id, visible_at, id) WHERE message_group_id IS NOT NULL;
CREATE INDEX sqs_messages_ungrouped_ready ON sqs_messages (queue_id, visible_at, id) WHERE message_group_id IS NULL;
