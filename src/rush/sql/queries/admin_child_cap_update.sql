UPDATE sale_child_cap
   SET program_id = $2, max_places = $3, for_seconds = $4
 WHERE id = $1
RETURNING id;
