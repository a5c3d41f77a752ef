-- Serializes completion and refunds of one payment: its status and refunded total move one at a time.
SELECT id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents
FROM sim_provider_payment
WHERE id = $1
FOR UPDATE;
