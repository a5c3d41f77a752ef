-- A sale beside the benchmark's own whose line never moves (no admissions), so the status
-- ceiling polls families in line, as most polls of a rush are. Returns its id.
INSERT INTO sale (season_id, name_fr, name_en, opens_at, status,
                  admission_rate_per_min, max_shoppers, idle_timeout_seconds)
SELECT season_id, 'File du banc d''essai', 'Benchmark line', now(), 'scheduled', 0, 1, 3600
  FROM sale
 WHERE id = $1
RETURNING id;
