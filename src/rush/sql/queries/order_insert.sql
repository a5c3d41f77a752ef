INSERT INTO orders (id, family_id, sale_id, status, total_cents, instalments, terms_accepted_at)
VALUES ($1, $2, $3, 'awaiting_payment', $4, $5, now());
