INSERT INTO cart (id, family_id, sale_id) VALUES ($1, $2, $3)
ON CONFLICT (family_id, sale_id) WHERE status = 'open' DO NOTHING;
