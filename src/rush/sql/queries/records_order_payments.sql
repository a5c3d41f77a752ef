-- The instalments of one order, in order.
SELECT order_id, instalment, amount_cents, due_on, status, succeeded_at
  FROM payment
 WHERE order_id = $1
 ORDER BY instalment;
