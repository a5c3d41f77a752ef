-- Money given back for cancelled places. A refund row is written in the same transaction that
-- cancels the registrations, then sent to the provider under its own idempotency key
-- (`cancel-refund:<id>`), so a cancellation retried after any crash never pays twice.
CREATE TABLE refund (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     uuid NOT NULL REFERENCES orders,
    -- One refund per payment: the one form of refund every provider (and the simulator) takes.
    payment_id   uuid NOT NULL UNIQUE REFERENCES payment,
    amount_cents integer NOT NULL CHECK (amount_cents > 0),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded')),
    provider_ref text,
    -- The staff member who decided it.
    account_id   bigint NOT NULL REFERENCES account,
    created_at   timestamptz NOT NULL DEFAULT now(),
    refunded_at  timestamptz,
    CHECK ((status = 'succeeded') = (refunded_at IS NOT NULL))
);
CREATE INDEX refund_order ON refund (order_id);
