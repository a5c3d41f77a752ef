SELECT id, status, admission_rate_per_min, self_pacing, target_hold_p99_ms,
       target_finalize_lag_ms, self_pacing_floor_per_min, self_pacing_ceiling_per_min
  FROM sale
 WHERE id = $1;
