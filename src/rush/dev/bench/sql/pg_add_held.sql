-- Moves a group's held count by $2 places (negative to give places back).
UPDATE bench.bench_group SET held = held + $2 WHERE id = $1;
