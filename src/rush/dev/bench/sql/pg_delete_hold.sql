-- Forgets one hold and says which places it had, so the caller can give them back.
DELETE FROM bench.bench_hold WHERE id = $1 RETURNING group_id, places;
