-- name: dashboard_waitlists
-- Families waiting per group of a sale.
SELECT w.group_id, count(*)::int AS waiting
  FROM waitlist_entry w
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
 WHERE p.sale_id = $1 AND w.status = 'waiting'
 GROUP BY w.group_id;

-- name: dashboard_flow
-- Orders and payments of a sale: totals, the last minute's payments, and finalize lag
-- (paid at the provider, not yet registrations).
SELECT
  (SELECT count(*) FROM orders o WHERE o.sale_id = $1 AND o.status = 'paid')::int AS paid_orders,
  (SELECT count(*) FROM orders o WHERE o.sale_id = $1 AND o.status IN ('conflict', 'refunded'))::int AS conflicts,
  (SELECT count(*) FROM orders o WHERE o.sale_id = $1 AND o.status = 'refunded')::int AS refunds,
  (SELECT count(*) FROM payment_event e JOIN orders o ON o.id = e.order_id
     WHERE o.sale_id = $1 AND e.kind = 'payment.succeeded'
       AND e.received_at > now() - interval '1 minute')::int AS payments_last_minute,
  (SELECT count(DISTINCT o.id) FROM orders o JOIN payment_event e ON e.order_id = o.id
     WHERE o.sale_id = $1 AND o.status = 'awaiting_payment' AND e.kind = 'payment.succeeded')::int
     AS awaiting_finalize,
  (SELECT coalesce(extract(epoch FROM now() - min(e.received_at)) * 1000, 0)
     FROM orders o JOIN payment_event e ON e.order_id = o.id
     WHERE o.sale_id = $1 AND o.status = 'awaiting_payment' AND e.kind = 'payment.succeeded')::bigint
     AS finalize_lag_ms,
  (SELECT count(*) FROM second_instalment_overdue v WHERE v.sale_id = $1)::int
     AS second_instalments_overdue;
