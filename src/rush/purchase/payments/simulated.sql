-- name: sim_provider_create_payment
-- Opens a simulated payment, or returns the one already opened under this idempotency key.
-- DO UPDATE (a no-op) rather than DO NOTHING: it returns the existing row even when a
-- concurrent request inserted it a moment ago, so the caller always gets exactly one row.
INSERT INTO sim_provider_payment (id, payment_id, idempotency_key, amount_cents, description, return_url,
                                  save_card)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents, save_card, payment_method_ref;

-- name: sim_provider_payment
SELECT id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents, save_card, payment_method_ref
FROM sim_provider_payment
WHERE id = $1;

-- name: sim_provider_lock_payment
-- Serializes completion and refunds of one payment: its status and refunded total move one at a time.
SELECT id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents, save_card, payment_method_ref
FROM sim_provider_payment
WHERE id = $1
FOR UPDATE;

-- name: sim_provider_complete_payment
-- $2 is 'succeeded' or 'failed'; only a payment still awaiting the family can be completed.
UPDATE sim_provider_payment
SET status = $2, completed_at = to_timestamp($3)
WHERE id = $1 AND status = 'requires_action'
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents, save_card, payment_method_ref;

-- name: sim_provider_refund_by_key
-- The refund already made under an idempotency key, if any: the same key answers it again.
SELECT id, payment_ref, amount_cents, refunded_at
FROM sim_provider_refund
WHERE idempotency_key = $1;

-- name: sim_provider_refund_insert
-- One more refund of a payment locked by the caller. The provider stamps it with its own clock.
INSERT INTO sim_provider_refund (id, payment_ref, idempotency_key, amount_cents)
VALUES ($1, $2, $3, $4);

-- name: sim_provider_add_refunded
-- The payment's running refunded total; given back in full, it shows as refunded.
UPDATE sim_provider_payment
SET refunded_cents = refunded_cents + $2,
    status = CASE WHEN refunded_cents + $2 = amount_cents THEN 'refunded' ELSE status END
WHERE id = $1 AND status = 'succeeded';

-- name: sim_provider_refunds
-- Every refund of one payment, oldest first.
SELECT id, payment_ref, amount_cents, refunded_at
FROM sim_provider_refund
WHERE payment_ref = $1
ORDER BY refunded_at, id;

-- name: sim_provider_charge_card
-- An off-session charge of a saved card ($6), done at once with its outcome ($7); the same
-- idempotency key returns the charge already made (DO UPDATE, a no-op, to return its row).
INSERT INTO sim_provider_payment (id, payment_id, idempotency_key, amount_cents, description, return_url,
                                  payment_method_ref, status, completed_at)
VALUES ($1, $2, $3, $4, $5, '', $6, $7, now())
ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents, save_card, payment_method_ref;

-- name: sim_provider_card
-- A card the simulator saved, known by its payment method and its customer together.
SELECT payment_method_ref, customer_ref, declines
FROM sim_provider_card
WHERE payment_method_ref = $1 AND customer_ref = $2;

-- name: sim_provider_card_insert
INSERT INTO sim_provider_card (payment_method_ref, customer_ref) VALUES ($1, $2)
ON CONFLICT (payment_method_ref) DO NOTHING;

-- name: sim_provider_payment_set_card
-- The card a payment saved, named on the payment so its success webhook carries it.
UPDATE sim_provider_payment SET payment_method_ref = $2 WHERE id = $1
RETURNING id, payment_id, idempotency_key, amount_cents, description, return_url, status,
       created_at, completed_at, refunded_cents, save_card, payment_method_ref;

-- name: sim_provider_card_set_declines
-- The test hook: a card that declines its off-session charges (expired, emptied) or takes them.
UPDATE sim_provider_card SET declines = $2 WHERE payment_method_ref = $1;
