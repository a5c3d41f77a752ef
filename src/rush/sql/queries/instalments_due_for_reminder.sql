-- Second instalments coming due within the reminder window and not reminded yet.
SELECT p.id, p.order_id, p.amount_cents, p.due_on, o.family_id
  FROM payment p JOIN orders o ON o.id = p.order_id
 WHERE p.instalment = 2 AND p.status = 'scheduled' AND p.reminded_at IS NULL
   AND o.status = 'paid' AND p.due_on <= $1;
