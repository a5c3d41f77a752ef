-- The PaymentIntents the Stripe provider opened, by the idempotency key Rush asked with.
-- Stripe forgets an idempotency key after 24 hours (localstripe never keeps one): a family
-- coming back to pay two days later must find the same PaymentIntent, never a second one
-- that could be paid too. Like the simulator's table, no foreign key into Rush's own.

CREATE TABLE stripe_payment_intent (
    idempotency_key text PRIMARY KEY,
    intent_id       text NOT NULL UNIQUE CHECK (intent_id LIKE 'pi\_%'),
    payment_id      uuid NOT NULL,
    amount_cents    integer NOT NULL CHECK (amount_cents > 0),
    customer_id     text NOT NULL,
    save_card       boolean NOT NULL,
    return_url      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_payment_intent_payment ON stripe_payment_intent (payment_id);
