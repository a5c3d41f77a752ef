-- One more refund of a payment locked by the caller. The provider stamps it with its own clock.
INSERT INTO sim_provider_refund (id, payment_ref, idempotency_key, amount_cents)
VALUES ($1, $2, $3, $4);
