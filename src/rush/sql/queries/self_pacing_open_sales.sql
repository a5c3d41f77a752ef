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
