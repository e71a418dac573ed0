-- Leases for background work (one holder at a time; see src/engine/leases.ts).
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
