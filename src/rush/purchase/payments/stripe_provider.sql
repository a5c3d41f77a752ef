-- name: stripe_intent_record
-- Records the PaymentIntent opened under an idempotency key, or returns the one recorded first.
-- DO UPDATE (a no-op) rather than DO NOTHING: the caller always gets exactly one row.
INSERT INTO stripe_payment_intent
       (idempotency_key, intent_id, payment_id, amount_cents, customer_id, save_card, return_url)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
RETURNING idempotency_key, intent_id, payment_id, amount_cents, customer_id, save_card, return_url;

-- name: stripe_intent_by_key
SELECT idempotency_key, intent_id, payment_id, amount_cents, customer_id, save_card, return_url
  FROM stripe_payment_intent WHERE idempotency_key = $1;

-- name: stripe_intent_by_ref
SELECT idempotency_key, intent_id, payment_id, amount_cents, customer_id, save_card, return_url
  FROM stripe_payment_intent WHERE intent_id = $1;
