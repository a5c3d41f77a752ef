-- name: self_pacing_settings
SELECT id, status, admission_rate_per_min, self_pacing, target_hold_p99_ms,
       target_finalize_lag_ms, self_pacing_floor_per_min, self_pacing_ceiling_per_min
  FROM sale
 WHERE id = $1;

-- name: self_pacing_configure
UPDATE sale
   SET self_pacing = $2,
       target_hold_p99_ms = $3,
       target_finalize_lag_ms = $4,
       self_pacing_floor_per_min = $5,
       self_pacing_ceiling_per_min = $6
 WHERE id = $1
RETURNING id;

-- name: self_pacing_open_sales
-- Open sales with self-pacing on, and whether self-pacing lowered their rate within the
-- cooldown ($1 seconds), by Postgres's clock.
SELECT s.id, s.status, s.admission_rate_per_min, s.self_pacing, s.target_hold_p99_ms,
       s.target_finalize_lag_ms, s.self_pacing_floor_per_min, s.self_pacing_ceiling_per_min,
       EXISTS (
           SELECT 1 FROM staff_action a
            WHERE a.sale_id = s.id AND a.action = 'self_pace'
              AND a.at > now() - make_interval(secs => $1)
              AND (a.details->>'rate_after')::int < (a.details->>'rate_before')::int
       ) AS recently_lowered
  FROM sale s
 WHERE s.self_pacing AND s.status = 'open'
 ORDER BY s.id;

-- name: self_pacing_actor
-- The account self-pacing logs its changes as (see migration 0010), created again if the
-- table was emptied. One row either way: the SELECT does not see the row the INSERT adds.
WITH created AS (
    INSERT INTO account (email, password_hash, role)
    VALUES ('self-pacing@rush.invalid', '!', 'supervisor')
    ON CONFLICT (email) DO NOTHING
    RETURNING id
)
SELECT id FROM created
UNION ALL
SELECT id FROM account WHERE email = 'self-pacing@rush.invalid';

-- name: self_pacing_changes
-- The last rate changes self-pacing made in a sale, newest first.
SELECT s.at, s.details::text AS details
  FROM staff_action s
 WHERE s.sale_id = $1 AND s.action = 'self_pace'
 ORDER BY s.at DESC
 LIMIT $2;
