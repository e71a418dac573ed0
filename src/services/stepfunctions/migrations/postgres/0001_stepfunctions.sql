-- Step Functions: state machines, executions (with their stored position, so they resume after a restart) and
-- their history events. Times are epoch ms from the engine's clock.
CREATE TABLE sfn_state_machines (
  arn TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  revision_id TEXT,
  updated_at BIGINT
);
CREATE INDEX sfn_state_machines_scope ON sfn_state_machines (account, region, arn);

CREATE TABLE sfn_executions (
  arn TEXT PRIMARY KEY,
  machine_arn TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  start_date BIGINT NOT NULL,
  stop_date BIGINT,
  definition TEXT NOT NULL,
  role_arn TEXT NOT NULL,
  machine_updated_at BIGINT NOT NULL,
  machine_revision_id TEXT,
  position TEXT NOT NULL,
  due_at BIGINT,
  last_event_id BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX sfn_executions_machine ON sfn_executions (machine_arn, start_date, arn);
CREATE INDEX sfn_executions_due ON sfn_executions (due_at) WHERE due_at IS NOT NULL;

CREATE TABLE sfn_history (
  execution_arn TEXT NOT NULL,
  id BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (execution_arn, id)
);
