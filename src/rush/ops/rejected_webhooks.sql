-- name: audit_rejected_webhooks
-- Rejected provider events in scope ($1: a sale id, or NULL for every sale; an event for a
-- payment Rush does not know has no sale, so only the audit of every sale lists it), oldest
-- first. The amount is read as text: a forged one may not fit any integer column.
SELECT r.provider_event_id, r.kind, r.reason, r.payment_id, r.order_id, r.received_at,
       r.payload ->> 'payment_ref' AS payment_ref,
       r.payload ->> 'amount_cents' AS amount_cents,
       r.payload ->> 'currency' AS currency
  FROM rejected_payment_event r
  LEFT JOIN orders o ON o.id = r.order_id
 WHERE $1::bigint IS NULL OR o.sale_id = $1
 ORDER BY r.received_at, r.id;
