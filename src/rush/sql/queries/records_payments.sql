-- Every instalment of a family's orders, in order.
SELECT p.order_id, p.instalment, p.amount_cents, p.due_on, p.status, p.succeeded_at
  FROM payment p
  JOIN orders o ON o.id = p.order_id
 WHERE o.family_id = $1
 ORDER BY p.order_id, p.instalment;
