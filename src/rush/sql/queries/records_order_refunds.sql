-- The money given back on one order, as its receipt lists it.
SELECT amount_cents, refunded_at
  FROM refund
 WHERE order_id = $1 AND status = 'succeeded'
 ORDER BY refunded_at, id;
