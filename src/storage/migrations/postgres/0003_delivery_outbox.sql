-- The delivery engine's generic outbox (src/delivery/, ADR 0011): remote deliveries of any caller, claimed under a
-- lease by whichever node is free. policy and dead_letter are JSON (retry policies as data); NULL policy means the
-- destination kind resolves it from the caller's current settings when attempting.
CREATE TABLE delivery_outbox (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,
  policy TEXT,
  dead_letter TEXT,
  due_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  first_attempt_at BIGINT,
  leased_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX delivery_outbox_due ON delivery_outbox (due_at, id);
