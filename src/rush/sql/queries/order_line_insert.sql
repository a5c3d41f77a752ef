INSERT INTO order_line (order_id, person_id, group_id, program_id, hold_id, price_cents, options)
VALUES ($1, $2, $3, $4, $5, $6, $7);
