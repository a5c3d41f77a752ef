-- Lock one group for a change of capacity; reconcile share-locks the same row. NO KEY UPDATE
-- (see lock_groups_for_update.sql): checkouts' order lines referencing the group go on.
SELECT id, program_id, capacity, paid_count
  FROM activity_group
 WHERE id = $1
   FOR NO KEY UPDATE;
