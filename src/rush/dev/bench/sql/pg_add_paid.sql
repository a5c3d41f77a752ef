-- Counts $2 more paid places in a group.
UPDATE bench.bench_group SET paid = paid + $2 WHERE id = $1;
