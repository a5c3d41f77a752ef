-- name: cancel_registrations_of_order
-- Which of the registrations $2 belong to the order, whatever their status; another order's
-- registration is not found.
SELECT r.id
  FROM registration r
  JOIN order_line ol ON ol.id = r.order_line_id
 WHERE ol.order_id = $1 AND r.id = ANY($2::bigint[]);

-- name: cancel_registrations
-- Cancel an order's active registrations (all of them, or only those in $2): the registration
-- trigger gives each place back to its group's paid_count. Returns what was freed and its price.
UPDATE registration r
   SET status = 'cancelled', cancelled_at = now()
  FROM order_line ol
 WHERE ol.id = r.order_line_id
   AND ol.order_id = $1
   AND r.status = 'active'
   AND ($2::bigint[] IS NULL OR r.id = ANY($2::bigint[]))
RETURNING r.id, r.group_id, ol.program_id, ol.price_cents;

-- name: cancel_week_daycare
-- The active daycare slots (groups whose daycare_for_group_id is the week's group) of the
-- same child for the camp weeks of an order (all of them, or only registration $2), whichever
-- order bought them. The week's own status does not matter, so a cancellation that stopped
-- after the week still finds its daycare when asked again.
SELECT dr.id AS registration_id, dol.order_id, wr.id AS week_registration_id,
       dg.name_fr AS group_fr, dg.name_en AS group_en
  FROM registration wr
  JOIN order_line wol ON wol.id = wr.order_line_id
  JOIN activity_group dg ON dg.daycare_for_group_id = wr.group_id
  JOIN registration dr ON dr.group_id = dg.id AND dr.person_id = wr.person_id
  JOIN order_line dol ON dol.id = dr.order_line_id
 WHERE wol.order_id = $1
   AND ($2::bigint IS NULL OR wr.id = $2)
   AND dr.status = 'active'
 ORDER BY dr.id;

-- name: cancel_order_close
-- A paid order with no active place left ends `refunded` when money went back, else `cancelled`.
UPDATE orders o
   SET status = CASE WHEN EXISTS (SELECT 1 FROM refund rf WHERE rf.order_id = o.id)
                     THEN 'refunded' ELSE 'cancelled' END,
       updated_at = now()
 WHERE o.id = $1
   AND o.status = 'paid'
   AND NOT EXISTS (SELECT 1 FROM registration r
                     JOIN order_line ol ON ol.id = r.order_line_id
                    WHERE ol.order_id = o.id AND r.status = 'active')
RETURNING o.status;

-- name: cancel_refundable_payments
-- Payments of an order that can still be refunded, with what each has left: paid at the
-- provider, not given back after a conflict, less every refund already written for earlier
-- cancellations (pending ones too, so two cancellations never plan the same cents twice).
SELECT p.id, p.amount_cents - coalesce(sum(rf.amount_cents), 0)::int AS refundable_cents
  FROM payment p
  LEFT JOIN refund rf ON rf.payment_id = p.id
 WHERE p.order_id = $1
   AND p.status = 'succeeded'
   AND p.provider_ref IS NOT NULL
 GROUP BY p.id
HAVING p.amount_cents > coalesce(sum(rf.amount_cents), 0)
 ORDER BY p.instalment;

-- name: cancel_refund_insert
-- $5: the registrations this refund pays back.
INSERT INTO refund (order_id, payment_id, amount_cents, account_id, registration_ids)
VALUES ($1, $2, $3, $4, $5)
RETURNING id;

-- name: cancel_pending_refunds
-- Refunds of an order written but not yet confirmed by the provider.
SELECT rf.id, rf.amount_cents, p.provider_ref
  FROM refund rf
  JOIN payment p ON p.id = rf.payment_id
 WHERE rf.order_id = $1 AND rf.status = 'pending'
 ORDER BY rf.id;

-- name: cancel_refund_succeeded
-- The provider confirmed a refund; a payment whose refunds now add up to its whole amount
-- shows as refunded too.
WITH done AS (
    UPDATE refund
       SET status = 'succeeded', provider_ref = $2, refunded_at = now()
     WHERE id = $1 AND status = 'pending'
    RETURNING payment_id, amount_cents
)
UPDATE payment p
   SET status = 'refunded', refunded_at = now()
  FROM done
 WHERE p.id = done.payment_id
   AND p.status = 'succeeded'
   AND p.amount_cents = done.amount_cents
       + (SELECT coalesce(sum(rf.amount_cents), 0) FROM refund rf
           WHERE rf.payment_id = p.id AND rf.status = 'succeeded' AND rf.id <> $1);

-- name: cancel_preview_places
-- The active registrations of the order (all, or only those in $2) a cancellation would
-- take, with what the admin is shown of them before confirming.
SELECT r.id AS registration_id, ol.order_id,
       pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en, ol.price_cents
  FROM registration r
  JOIN order_line ol ON ol.id = r.order_line_id
  JOIN person pe ON pe.id = r.person_id
  JOIN activity_group g ON g.id = r.group_id
  JOIN program p ON p.id = g.program_id
 WHERE ol.order_id = $1
   AND r.status = 'active'
   AND ($2::bigint[] IS NULL OR r.id = ANY($2::bigint[]))
 ORDER BY r.id;
