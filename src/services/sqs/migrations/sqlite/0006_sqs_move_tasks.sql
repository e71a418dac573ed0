-- Message move tasks (dead-letter queue redrive): one row per task, kept after it ends for ListMessageMoveTasks;
-- at most one RUNNING or CANCELLING task per source queue.
CREATE TABLE sqs_move_tasks (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL UNIQUE,
  source_queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE,
  source_arn TEXT NOT NULL,
  destination_arn TEXT,
  max_per_second INTEGER,
  status TEXT NOT NULL,
  to_move INTEGER NOT NULL,
  moved INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT,
  started_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX sqs_move_tasks_active ON sqs_move_tasks (source_arn) WHERE status IN ('RUNNING', 'CANCELLING');
CREATE INDEX sqs_move_tasks_source ON sqs_move_tasks (source_arn, id);
