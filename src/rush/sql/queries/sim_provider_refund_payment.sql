-- The provider stamps a refund with its own clock, as a real provider would.
UPDATE sim_provider_payment
SET status = 'refunded', refund_idempotency_key = $2, refunded_cents = $3, refunded_at = now()
WHERE id = $1 AND status = 'succeeded'
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_at, refund_idempotency_key, refunded_cents;
