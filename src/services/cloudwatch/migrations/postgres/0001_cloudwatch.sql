-- CloudWatch: datapoints (one statistic set per metric, dimensions, unit and timestamp; raw values kept for
-- percentiles), alarms (configuration as JSON, state, version for compare-and-set) and alarm history. Times are epoch ms.
CREATE TABLE cw_datapoints (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  namespace TEXT NOT NULL,
  metric TEXT NOT NULL,
  dims TEXT NOT NULL,
  unit TEXT NOT NULL,
  ts BIGINT NOT NULL,
  sum DOUBLE PRECISION NOT NULL,
  count DOUBLE PRECISION NOT NULL,
  min DOUBLE PRECISION NOT NULL,
  max DOUBLE PRECISION NOT NULL,
  vals TEXT,
  PRIMARY KEY (account, region, namespace, metric, dims, ts, unit)
);
CREATE INDEX cw_datapoints_ts ON cw_datapoints (ts);

CREATE TABLE cw_alarms (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT NOT NULL,
  state_reason_data TEXT,
  state_updated_at BIGINT NOT NULL,
  config_updated_at BIGINT NOT NULL,
  actions_enabled BOOLEAN NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (account, region, name)
);

CREATE TABLE cw_alarm_history (
  id BIGSERIAL PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  alarm_name TEXT NOT NULL,
  ts BIGINT NOT NULL,
  type TEXT NOT NULL,
  summary TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX cw_alarm_history_alarm ON cw_alarm_history (account, region, alarm_name, ts);
CREATE INDEX cw_alarm_history_ts ON cw_alarm_history (ts);
