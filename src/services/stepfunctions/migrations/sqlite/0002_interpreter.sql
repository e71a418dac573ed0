-- Step Functions interpreter: task rows (a scheduled Task's token, an activity's queue, what callbacks, workers and
-- child executions reported), activities, and the parent task a `.sync` child execution completes when it ends.
ALTER TABLE sfn_executions ADD COLUMN parent_token TEXT;
-- Which node advances the execution now, and until when (PostgreSQL: one node at a time; a lapsed lease is taken over).
ALTER TABLE sfn_executions ADD COLUMN lease_owner TEXT;
ALTER TABLE sfn_executions ADD COLUMN lease_until INTEGER;
-- RedriveExecution: how often, and when last.
ALTER TABLE sfn_executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sfn_executions ADD COLUMN redrive_date INTEGER;

CREATE TABLE sfn_tasks (
  token TEXT PRIMARY KEY,
  execution_arn TEXT NOT NULL,
  activity_arn TEXT,
  input TEXT NOT NULL,
  status TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  child TEXT,
  worker_name TEXT,
  started_at INTEGER,
  heartbeat_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX sfn_tasks_execution ON sfn_tasks (execution_arn) WHERE status <> 'closed';
CREATE INDEX sfn_tasks_activity ON sfn_tasks (activity_arn, created_at) WHERE status = 'scheduled' AND activity_arn IS NOT NULL;

CREATE TABLE sfn_activities (
  arn TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX sfn_activities_scope ON sfn_activities (account, region, arn);

-- Distributed Map runs: one per Map state run in DISTRIBUTED mode; its child executions run a machine of their own
-- (child_machine_arn), so ListExecutions(mapRunArn) and the counts are one indexed query on sfn_executions.
CREATE TABLE sfn_map_runs (
  arn TEXT PRIMARY KEY,
  execution_arn TEXT NOT NULL,
  child_machine_arn TEXT NOT NULL,
  status TEXT NOT NULL,
  start_date INTEGER NOT NULL,
  stop_date INTEGER,
  max_concurrency INTEGER NOT NULL,
  tolerated_count INTEGER NOT NULL,
  tolerated_percentage REAL NOT NULL,
  total INTEGER NOT NULL
);
CREATE INDEX sfn_map_runs_execution ON sfn_map_runs (execution_arn, start_date, arn);
