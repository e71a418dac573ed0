-- Schema Registry: registries, schemas and their numbered versions, code bindings per version and language,
-- discoverers, registry policies. Tags are JSON objects. Times are epoch ms.
CREATE TABLE schemas_registries (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  tags TEXT NOT NULL,
  PRIMARY KEY (account, region, name)
);

CREATE TABLE schemas_schemas (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  type TEXT NOT NULL,
  tags TEXT NOT NULL,
  latest INTEGER NOT NULL,
  version_count INTEGER NOT NULL,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (account, region, registry, name)
);

CREATE TABLE schemas_versions (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account, region, registry, name, version)
);

CREATE TABLE schemas_code_bindings (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  registry TEXT NOT NULL,
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  language TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_modified INTEGER NOT NULL,
  source BLOB,
  PRIMARY KEY (account, region, registry, name, version, language)
);

CREATE TABLE schemas_discoverers (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,
  source_arn TEXT NOT NULL,
  description TEXT,
  state TEXT NOT NULL,
  cross_account INTEGER NOT NULL,
  tags TEXT NOT NULL,
  PRIMARY KEY (account, region, id)
);
CREATE INDEX schemas_discoverers_state ON schemas_discoverers (state);

CREATE TABLE schemas_policies (
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  registry TEXT NOT NULL,
  policy TEXT NOT NULL,
  revision TEXT NOT NULL,
  PRIMARY KEY (account, region, registry)
);
