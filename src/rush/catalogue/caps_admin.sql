-- name: admin_child_caps
SELECT id, sale_id, program_id, max_places, for_seconds
  FROM sale_child_cap
 WHERE sale_id = $1
 ORDER BY id;

-- name: admin_child_cap
SELECT id, sale_id, program_id, max_places, for_seconds
  FROM sale_child_cap
 WHERE id = $1;

-- name: admin_child_cap_insert
INSERT INTO sale_child_cap (sale_id, program_id, max_places, for_seconds)
VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: admin_child_cap_update
UPDATE sale_child_cap
   SET program_id = $2, max_places = $3, for_seconds = $4
 WHERE id = $1
RETURNING id;

-- name: admin_child_cap_delete
DELETE FROM sale_child_cap WHERE id = $1 RETURNING id;
