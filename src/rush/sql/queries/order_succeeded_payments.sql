-- Payments of an order that a verified provider event says succeeded.
SELECT DISTINCT p.id, p.instalment
  FROM payment p
  JOIN payment_event e ON e.kind = 'payment.succeeded' AND (e.payload ->> 'payment_id')::uuid = p.id
 WHERE p.order_id = $1;
