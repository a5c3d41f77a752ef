-- Per paid order of sale $1: milliseconds from the provider's succeeded webhook being recorded
-- (Rush learns of the payment) to its registrations being written (the place is the family's).
-- payment.succeeded_at is not used: finalize itself sets it, just before the registrations.
WITH lags AS (
    SELECT extract(epoch FROM min(r.created_at) - min(e.received_at)) * 1000 AS lag_ms
      FROM orders o
      JOIN order_line l ON l.order_id = o.id
      JOIN registration r ON r.order_line_id = l.id
      JOIN payment_event e ON e.order_id = o.id AND e.kind = 'payment.succeeded'
     WHERE o.sale_id = $1
     GROUP BY o.id
)
SELECT count(*) AS orders,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms) AS p99_ms,
       max(lag_ms) AS max_ms
  FROM lags;
