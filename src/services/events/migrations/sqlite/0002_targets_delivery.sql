-- EventBridge targets and delivery (ADR 0018): a target's other settings (InputTransformer, RetryPolicy,
-- DeadLetterConfig, RoleArn, HttpParameters) as JSON; when a bus was last changed; bus resource policies (the
-- default bus has none stored until PutPermission, so policies are keyed by bus name like rules); connections and
-- API destinations as JSON documents keyed by (kind, account, region, name). Times are epoch ms.
ALTER TABLE events_targets ADD COLUMN settings TEXT;
ALTER TABLE events_buses ADD COLUMN modified_at INTEGER;

CREATE TABLE events_bus_policies (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  bus TEXT NOT NULL,
  policy TEXT NOT NULL,
  PRIMARY KEY (account, region, bus)
);

CREATE TABLE events_documents (
  kind TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, account, region, name)
);
