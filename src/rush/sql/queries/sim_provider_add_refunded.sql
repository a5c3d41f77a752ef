-- The payment's running refunded total; given back in full, it shows as refunded.
UPDATE sim_provider_payment
SET refunded_cents = refunded_cents + $2,
    status = CASE WHEN refunded_cents + $2 = amount_cents THEN 'refunded' ELSE status END
WHERE id = $1 AND status = 'succeeded';
