-- A family's order still waiting for its first payment in a sale: checkout answers it again.
SELECT id FROM orders
 WHERE family_id = $1 AND sale_id = $2 AND status = 'awaiting_payment'
 ORDER BY created_at DESC LIMIT 1;
