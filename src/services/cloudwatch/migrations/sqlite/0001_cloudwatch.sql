-- CloudWatch: datapoints (one statistic set per metric, dimensions, unit and timestamp; raw values kept for
-- percentiles), alarms (configuration as JSON, state, version for compare-and-set) and alarm history. Times are epoch ms.
CREATE TABLE cw_datapoints (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  namespace TEXT NOT NULL,
  metric TEXT NOT NULL,
  dims TEXT NOT NULL,
  unit TEXT NOT NULL,
  ts INTEGER NOT NULL,
  sum REAL NOT NULL,
  count REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  vals TEXT,
  PRIMARY KEY (account, region, namespace, metric, dims, ts, unit)
) WITHOUT ROWID;
CREATE INDEX cw_datapoints_ts ON cw_datapoints (ts);

CREATE TABLE cw_alarms (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL,
  state_reason TEXT NOT NULL,
  state_reason_data TEXT,
  state_updated_at INTEGER NOT NULL,
  config_updated_at INTEGER NOT NULL,
  actions_enabled INTEGER NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)
);

CREATE TABLE cw_alarm_history (
  id INTEGER PRIMARY KEY,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  alarm_name TEXT NOT NULL,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  summary TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX cw_alarm_history_alarm ON cw_alarm_history (account, region, alarm_name, ts);
CREATE INDEX cw_alarm_history_ts ON cw_alarm_history (ts);
