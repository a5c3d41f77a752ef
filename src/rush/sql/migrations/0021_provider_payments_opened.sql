-- Every provider payment Rush opened for one of its payments: at checkout, on the pay-again
-- page, for a reminder, for an off-session charge. A webhook is accepted only about one of
-- these (or the payment's current one), so a retry opened after another attempt keeps its
-- outcome, and an event about a payment Rush never opened is rejected.
CREATE TABLE provider_payment_opened (
    provider_ref text PRIMARY KEY,
    payment_id   uuid NOT NULL REFERENCES payment (id),
    opened_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX provider_payment_opened_payment ON provider_payment_opened (payment_id);

INSERT INTO provider_payment_opened (provider_ref, payment_id)
SELECT provider_ref, id FROM payment WHERE provider_ref IS NOT NULL
ON CONFLICT DO NOTHING;
