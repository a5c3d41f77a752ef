-- One hold row: $1 hold id, $2 group, $3 places, $4 time to live in ms.
INSERT INTO bench.bench_hold (id, group_id, places, expires_at)
VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond');
