-- Record a provider event once; a redelivery (same provider event id) inserts nothing.
INSERT INTO payment_event (provider, provider_event_id, order_id, kind, amount_cents, payload)
SELECT $1, $2, p.order_id, $3, $4, $5::jsonb
  FROM payment p WHERE p.id = $6
ON CONFLICT (provider, provider_event_id) DO NOTHING
RETURNING order_id;
