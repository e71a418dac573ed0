-- EventBridge Scheduler: schedule groups (with their tags) and schedules. A schedule keeps its definition as the
-- JSON GetSchedule answers (config) and the columns the firing job reads: next_at is the next occurrence (epoch ms),
-- NULL when nothing more is due (disabled, past its end, a one-time schedule that fired); the job advances it in the
-- transaction that writes the firing's outbox rows, guarded by its old value.
CREATE TABLE scheduler_groups (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  PRIMARY KEY (account, region, name)
);

CREATE TABLE scheduler_schedules (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  group_name TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  config TEXT NOT NULL,
  base_url TEXT NOT NULL,
  next_at BIGINT,
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL,
  UNIQUE (account, region, group_name, name),
  FOREIGN KEY (account, region, group_name) REFERENCES scheduler_groups (account, region, name) ON DELETE CASCADE
);
CREATE INDEX scheduler_schedules_due ON scheduler_schedules (next_at) WHERE next_at IS NOT NULL;
