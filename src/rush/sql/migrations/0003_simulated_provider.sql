-- The simulated payment provider's own state, for development and tests.
-- It plays an external system, so it keeps its own table and no foreign key into ours: Rush
-- must behave with it exactly as with Stripe or Moneris, knowing a payment only by its ref.

CREATE TABLE sim_provider_payment (
    id                     text PRIMARY KEY CHECK (id LIKE 'simpay\_%'),
    payment_id             uuid NOT NULL,
    -- Same key, same payment: a retried checkout never opens a second charge.
    idempotency_key        text NOT NULL UNIQUE,
    amount_cents           integer NOT NULL CHECK (amount_cents > 0),
    description            text NOT NULL,
    return_url             text NOT NULL,
    status                 text NOT NULL DEFAULT 'requires_action'
                           CHECK (status IN ('requires_action', 'succeeded', 'failed', 'refunded')),
    created_at             timestamptz NOT NULL DEFAULT now(),
    completed_at           timestamptz,
    refunded_at            timestamptz,
    refund_idempotency_key text UNIQUE,
    refunded_cents         integer CHECK (refunded_cents > 0 AND refunded_cents <= amount_cents),
    CHECK ((status = 'requires_action') = (completed_at IS NULL)),
    CHECK ((status = 'refunded') = (refunded_at IS NOT NULL)),
    CHECK ((status = 'refunded') = (refund_idempotency_key IS NOT NULL)),
    CHECK ((status = 'refunded') = (refunded_cents IS NOT NULL))
);
CREATE INDEX sim_provider_payment_payment ON sim_provider_payment (payment_id);
