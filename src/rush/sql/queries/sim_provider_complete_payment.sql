-- $2 is 'succeeded' or 'failed'; only a payment still awaiting the family can be completed.
UPDATE sim_provider_payment
SET status = $2, completed_at = to_timestamp($3)
WHERE id = $1 AND status = 'requires_action'
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents;
