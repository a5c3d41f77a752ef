-- The instalments of an order with their provider state.
SELECT instalment, amount_cents, due_on, status, provider_ref, succeeded_at, refunded_at
  FROM payment
 WHERE order_id = $1
 ORDER BY instalment;
