-- The second instalment charged on the card saved at the first payment (issue 15).
--
-- The family consents at checkout: the order keeps when, under which version of the wording,
-- and the exact sentence it was shown. The provider's names for the card it saved (Stripe: a
-- Customer and a PaymentMethod) arrive with the first payment's success webhook; never a
-- card number.
ALTER TABLE orders
    ADD COLUMN instalment_consent_at         timestamptz,
    ADD COLUMN instalment_consent_version    smallint,
    ADD COLUMN instalment_consent_text       text,
    ADD COLUMN saved_card_customer_ref       text,
    ADD COLUMN saved_card_payment_method_ref text,
    ADD CONSTRAINT orders_instalment_consent_whole CHECK (
        (instalment_consent_at IS NULL) = (instalment_consent_version IS NULL)
        AND (instalment_consent_at IS NULL) = (instalment_consent_text IS NULL)
    ),
    ADD CONSTRAINT orders_saved_card_whole CHECK (
        (saved_card_customer_ref IS NULL) = (saved_card_payment_method_ref IS NULL)
    ),
    ADD CONSTRAINT orders_saved_card_needs_consent CHECK (
        saved_card_customer_ref IS NULL OR instalment_consent_at IS NOT NULL
    );

-- When the off-session charge of an instalment was first declined: the grace period of the
-- decline policy (rush.purchase.instalment_charges) runs from it.
ALTER TABLE payment ADD COLUMN declined_at timestamptz;

-- Each off-session charge of an instalment: one row per attempt, written before the provider
-- is asked, under its own idempotency key, so a worker run twice charges once.
CREATE TABLE instalment_charge (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id      uuid NOT NULL REFERENCES payment,
    attempt         smallint NOT NULL CHECK (attempt > 0),
    idempotency_key text NOT NULL UNIQUE,
    provider_ref    text UNIQUE,
    outcome         text NOT NULL DEFAULT 'pending'
                    CHECK (outcome IN ('pending', 'succeeded', 'declined')),
    -- The staff member who asked for this attempt; NULL: the schedule.
    requested_by    bigint REFERENCES account,
    created_at      timestamptz NOT NULL DEFAULT now(),
    settled_at      timestamptz,
    UNIQUE (payment_id, attempt),
    CHECK ((outcome = 'pending') = (settled_at IS NULL))
);
-- One attempt under way per instalment at a time.
CREATE UNIQUE INDEX instalment_charge_one_pending ON instalment_charge (payment_id)
    WHERE outcome = 'pending';

-- A refund the decline policy decided (places cancelled after the grace period) has no staff
-- member behind it.
ALTER TABLE refund ALTER COLUMN account_id DROP NOT NULL;

-- The simulator keeps the cards it saved, and a switch that makes a card decline its
-- off-session charges (an expired or emptied card), for the demo and the tests.
ALTER TABLE sim_provider_payment
    ADD COLUMN save_card          boolean NOT NULL DEFAULT false,
    ADD COLUMN payment_method_ref text;
CREATE TABLE sim_provider_card (
    payment_method_ref text PRIMARY KEY CHECK (payment_method_ref LIKE 'simpm\_%'),
    customer_ref       text NOT NULL CHECK (customer_ref LIKE 'simcus\_%'),
    declines           boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- The second instalments staff must look at, defined once for the dashboard's count and the
-- orders list's filter: on a paid order, not paid, and declined or past its due date (by the
-- database's date).
CREATE VIEW second_instalment_overdue AS
SELECT p.id AS payment_id, p.order_id, o.sale_id, p.amount_cents, p.due_on, p.status,
       p.declined_at
  FROM payment p
  JOIN orders o ON o.id = p.order_id
 WHERE p.instalment = 2 AND o.status = 'paid' AND p.status <> 'succeeded'
   AND (p.declined_at IS NOT NULL OR p.due_on < current_date);
