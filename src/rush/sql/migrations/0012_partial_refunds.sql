-- Several refunds per payment, as Stripe, Moneris and every real provider allow.
--
-- A family paid one 190 $ payment for two camp weeks; staff cancelled one week with a 20 $
-- refund, then the other: the second cancellation found no payment left to refund (one refund
-- per payment) and kept 170 $ the family was owed. Now each payment takes refunds until their
-- sum reaches its amount; Rush's `refund` rows and the simulator's ledger both say so.

ALTER TABLE refund DROP CONSTRAINT refund_payment_id_key;
CREATE INDEX refund_payment ON refund (payment_id);

-- The simulator: one row per refund, under its own idempotency key, and on the payment the
-- running total it may never exceed (the row lock of the payment serializes refunds).
CREATE TABLE sim_provider_refund (
    id              text PRIMARY KEY CHECK (id LIKE 'simre\_%'),
    payment_ref     text NOT NULL REFERENCES sim_provider_payment,
    idempotency_key text NOT NULL UNIQUE,
    amount_cents    integer NOT NULL CHECK (amount_cents > 0),
    refunded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sim_provider_refund_payment ON sim_provider_refund (payment_ref);

INSERT INTO sim_provider_refund (id, payment_ref, idempotency_key, amount_cents, refunded_at)
SELECT 'simre_' || substr(id, 8), id, refund_idempotency_key, refunded_cents, refunded_at
  FROM sim_provider_payment
 WHERE status = 'refunded';

-- The old checks tied "refunded" to a single refund; drop them (their names were generated).
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN
        SELECT conname FROM pg_constraint
         WHERE conrelid = 'sim_provider_payment'::regclass AND contype = 'c'
           AND pg_get_constraintdef(oid) ~ 'refund'
    LOOP
        EXECUTE format('ALTER TABLE sim_provider_payment DROP CONSTRAINT %I', name);
    END LOOP;
END
$$;
ALTER TABLE sim_provider_payment
    DROP COLUMN refunded_at,
    DROP COLUMN refund_idempotency_key;
UPDATE sim_provider_payment SET refunded_cents = 0 WHERE refunded_cents IS NULL;
-- "refunded" now means given back in full; a partly refunded payment stays "succeeded".
UPDATE sim_provider_payment SET status = 'succeeded'
 WHERE status = 'refunded' AND refunded_cents < amount_cents;
ALTER TABLE sim_provider_payment
    ALTER COLUMN refunded_cents SET NOT NULL,
    ALTER COLUMN refunded_cents SET DEFAULT 0,
    ADD CONSTRAINT sim_provider_payment_refunds_within_amount
        CHECK (refunded_cents BETWEEN 0 AND amount_cents),
    ADD CONSTRAINT sim_provider_payment_refunded_in_full
        CHECK ((status = 'refunded') = (refunded_cents = amount_cents));
