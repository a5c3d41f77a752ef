-- Lock one group for a change of capacity; reconcile share-locks the same row.
SELECT id, program_id, capacity, paid_count
  FROM activity_group
 WHERE id = $1
   FOR UPDATE;
