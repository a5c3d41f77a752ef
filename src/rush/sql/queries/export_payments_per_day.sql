-- Money received and refunded for sale $1, per day on the wall clock of time zone $2.
-- A payment counts on the day it succeeded. Refunds count on the day the provider gave the
-- money back: each succeeded `refund` row (staff cancellations, possibly partial), and the whole
-- amount of a payment refunded without one (a payment conflict refunds the payment itself).
WITH moves AS (
    SELECT (p.succeeded_at AT TIME ZONE $2)::date AS day, 1 AS payments,
           p.amount_cents AS received, 0 AS refunded
      FROM payment p
      JOIN orders o ON o.id = p.order_id
     WHERE o.sale_id = $1 AND p.succeeded_at IS NOT NULL
    UNION ALL
    SELECT (r.refunded_at AT TIME ZONE $2)::date, 0, 0, r.amount_cents
      FROM refund r
      JOIN orders o ON o.id = r.order_id
     WHERE o.sale_id = $1 AND r.status = 'succeeded'
    UNION ALL
    SELECT (p.refunded_at AT TIME ZONE $2)::date, 0, 0, p.amount_cents
      FROM payment p
      JOIN orders o ON o.id = p.order_id
     WHERE o.sale_id = $1 AND p.status = 'refunded' AND p.refunded_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM refund r WHERE r.payment_id = p.id)
)
SELECT day, sum(payments)::int AS payments, sum(received)::bigint AS received_cents,
       sum(refunded)::bigint AS refunded_cents
  FROM moves
 GROUP BY day
 ORDER BY day;
