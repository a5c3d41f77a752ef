-- Lock the groups an order takes places in, in id order as every writer does. NO KEY UPDATE,
-- not UPDATE: it still serializes writers of a group's places, but never waits for (nor
-- blocks) the key-share locks a checkout's order lines take on their groups (foreign keys),
-- which in cart order against this id order deadlocked checkouts with finalizes in a rush.
SELECT id FROM activity_group WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE;
