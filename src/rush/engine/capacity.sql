-- name: lock_group
-- Lock one group for a change of capacity, with its sale; reconcile share-locks the same row.
-- NO KEY UPDATE (see lock_groups_for_update in purchase/orders.sql): checkouts' order lines
-- referencing the group go on.
SELECT g.id, g.program_id, g.capacity, g.paid_count, p.sale_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1
   FOR NO KEY UPDATE OF g;

-- name: set_group_capacity
UPDATE activity_group SET capacity = $2 WHERE id = $1;
