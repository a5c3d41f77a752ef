-- One order of a family; another family's order is not found.
SELECT id, status, total_cents, created_at, paid_at
  FROM orders
 WHERE id = $1 AND family_id = $2;
