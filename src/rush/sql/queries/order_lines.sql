SELECT id, person_id, group_id, program_id, hold_id, price_cents FROM order_line
 WHERE order_id = $1 ORDER BY id;
