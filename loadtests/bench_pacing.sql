-- name: bench_calibration_sale
-- A sale beside the benchmark's own, in its season, where the calibration phase holds before
-- the rush: open to anyone at once, never self-paced, with one program for the holders' group.
-- Returns the sale's id.
WITH sale AS (
    INSERT INTO sale (season_id, name_fr, name_en, opens_at, status, admission_rate_per_min,
                      max_shoppers, idle_timeout_seconds, self_pacing)
    SELECT season_id, 'Étalonnage du banc d''essai', 'Benchmark calibration', now(),
           'scheduled', 1000000, 1000000, 3600, false
      FROM sale
     WHERE id = $1
    RETURNING id, season_id
), program AS (
    INSERT INTO program (season_id, sale_id, kind, name_fr, name_en)
    SELECT season_id, id, 'sport', 'Étalonnage', 'Calibration' FROM sale
)
SELECT id FROM sale;

-- name: bench_self_pace_changes
-- How many times self-pacing moved sale $1's rate, the rate it ended at, and its opening.
SELECT (SELECT count(*) FROM staff_action WHERE sale_id = $1 AND action = 'self_pace')
           AS changes,
       admission_rate_per_min AS rate_per_min,
       opens_at
  FROM sale
 WHERE id = $1;
