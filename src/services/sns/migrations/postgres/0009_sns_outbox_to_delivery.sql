-- SNS HTTP/S deliveries still pending in sns_outbox carry over unchanged (attempts, due time and lease included),
-- so nothing acknowledged is lost; SNS's kind names them (services/sns/deliverer.ts).
INSERT INTO delivery_outbox (kind, target, detail, payload, due_at, attempts, leased_until, created_at)
  SELECT 'sns.http', subscription_arn, kind, payload, due_at, attempts, leased_until, created_at FROM sns_outbox ORDER BY id;
DROP TABLE sns_outbox;
