-- Subscriptions an Unsubscribe removed that their endpoint can restore with the token of the
-- UnsubscribeConfirmation it was sent (until expires_at), and platform tokens marked invalid, as a push
-- provider would report them (deliveries to an endpoint with such a token disable the endpoint).
CREATE TABLE sns_unsubscribed (
  token TEXT PRIMARY KEY,
  topic_id BIGINT NOT NULL REFERENCES sns_topics (id) ON DELETE CASCADE,
  arn TEXT NOT NULL,
  owner TEXT NOT NULL,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  attributes TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sns_unsubscribed_expiry ON sns_unsubscribed (expires_at);

CREATE TABLE sns_invalid_tokens (
  application_arn TEXT NOT NULL REFERENCES sns_platform_applications (arn) ON DELETE CASCADE,
  token TEXT NOT NULL,
  PRIMARY KEY (application_arn, token)
);
