SELECT id, family_id, sale_id, status FROM orders WHERE id = $1 FOR UPDATE;
