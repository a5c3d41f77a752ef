-- The refund already made under an idempotency key, if any: the same key answers it again.
SELECT id, payment_ref, amount_cents, refunded_at
FROM sim_provider_refund
WHERE idempotency_key = $1;
