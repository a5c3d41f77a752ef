SELECT id, program_id, capacity, paid_count
  FROM activity_group
 WHERE id = $1
   FOR UPDATE;
