-- Opens a simulated payment, or returns the one already opened under this idempotency key.
-- DO UPDATE (a no-op) rather than DO NOTHING: it returns the existing row even when a
-- concurrent request inserted it a moment ago, so the caller always gets exactly one row.
INSERT INTO sim_provider_payment (id, payment_id, idempotency_key, amount_cents, description, return_url)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents;
