INSERT INTO cart_item (cart_id, program_id, person_id, group_id, price_cents, options)
VALUES ($1, $2, $3, $4, $5, $6);
