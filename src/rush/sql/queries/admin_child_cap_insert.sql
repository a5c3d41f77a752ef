INSERT INTO sale_child_cap (sale_id, program_id, max_places, for_seconds)
VALUES ($1, $2, $3, $4)
RETURNING id;
