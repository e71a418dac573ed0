-- Leases for background work (one holder at a time across the cluster; see src/engine/leases.ts).
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
