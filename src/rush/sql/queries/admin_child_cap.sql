SELECT id, sale_id, program_id, max_places, for_seconds
  FROM sale_child_cap
 WHERE id = $1;
