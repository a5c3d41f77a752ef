-- Provider events that were signed correctly but did not match the payment Rush opened: an
-- unknown payment, a provider payment Rush never opened for it, another amount or currency,
-- a refund above what the charge has left. They never reach payment_event, so nothing that
-- reads payment_event (finalize, the sweep, the dashboard, the audit's charges) acts on them;
-- they are kept here, with the reason, for the audit and for whoever investigates.
CREATE TABLE rejected_payment_event (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider          text NOT NULL,
    provider_event_id text NOT NULL,
    kind              text NOT NULL,
    -- As the event named it; no foreign key, since an unknown payment is a reason to reject.
    payment_id        uuid NOT NULL,
    order_id          uuid REFERENCES orders,
    reason            text NOT NULL CHECK (reason IN ('unknown_payment', 'wrong_currency',
                                                      'foreign_payment_ref', 'amount_mismatch',
                                                      'refund_over_charge')),
    -- The whole event as verified; amounts stay here, a forged one may not fit an integer.
    payload           jsonb NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (provider, provider_event_id)
);

CREATE INDEX rejected_payment_event_order ON rejected_payment_event (order_id);

-- Each event is now checked against the earlier events of its order (the provider payments
-- they named, the refunds they told): find them without reading every event ever received.
CREATE INDEX payment_event_order ON payment_event (order_id);
