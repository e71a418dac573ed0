-- Step Functions, part B: per-machine settings (LoggingConfiguration, TracingConfiguration, the next version number),
-- published versions, aliases with routing weights, which version or alias an execution was started through, and
-- the child executions of states:startExecution.sync tasks (the parent's task token they complete when they end).
-- Apart from the tables of 0001/0002, so the interpreter's tables and these evolve independently.
CREATE TABLE sfn_machine_settings (
  machine_arn TEXT PRIMARY KEY,
  logging TEXT,
  tracing TEXT,
  next_version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sfn_versions (
  arn TEXT PRIMARY KEY,
  machine_arn TEXT NOT NULL,
  version BIGINT NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  type TEXT NOT NULL,
  description TEXT,
  revision_key TEXT NOT NULL,
  revision_id TEXT,
  created_at BIGINT NOT NULL,
  logging TEXT,
  tracing TEXT
);
CREATE INDEX sfn_versions_machine ON sfn_versions (machine_arn, version);

CREATE TABLE sfn_aliases (
  arn TEXT PRIMARY KEY,
  machine_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  routing TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX sfn_aliases_machine ON sfn_aliases (machine_arn, arn);

CREATE TABLE sfn_execution_sources (
  execution_arn TEXT PRIMARY KEY,
  version_arn TEXT,
  alias_arn TEXT
);

CREATE TABLE sfn_task_children (
  child_arn TEXT PRIMARY KEY,
  task_token TEXT NOT NULL,
  pattern TEXT NOT NULL
);
