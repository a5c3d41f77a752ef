-- Every refund of one payment, oldest first.
SELECT id, payment_ref, amount_cents, refunded_at
FROM sim_provider_refund
WHERE payment_ref = $1
ORDER BY refunded_at, id;
