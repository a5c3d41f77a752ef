-- Lock the groups an order takes places in, in id order as every writer does (no deadlock).
SELECT id FROM activity_group WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE;
