-- name: bench_opening_to_last_admission_s
-- Seconds from the sale's opening to its last admission (admissions copied from Redis).
SELECT extract(epoch FROM max(a.admitted_at) - s.opens_at)
FROM sale s
JOIN admission a ON a.sale_id = s.id
WHERE s.id = $1
GROUP BY s.opens_at;
