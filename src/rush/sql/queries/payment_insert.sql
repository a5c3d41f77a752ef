INSERT INTO payment (id, order_id, instalment, amount_cents, due_on) VALUES ($1, $2, $3, $4, $5);
