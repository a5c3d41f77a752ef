-- A family's orders, newest first.
SELECT id, status, total_cents, created_at, paid_at
  FROM orders
 WHERE family_id = $1
 ORDER BY created_at DESC, id;
