INSERT INTO queue_draw (sale_id, seed, opened_at, families) VALUES ($1, $2, $3, $4);
