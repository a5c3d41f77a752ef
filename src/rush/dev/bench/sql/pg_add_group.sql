-- A baseline group: $1 id, $2 capacity.
INSERT INTO bench.bench_group (id, capacity) VALUES ($1, $2);
