UPDATE sale
   SET self_pacing = $2,
       target_hold_p99_ms = $3,
       target_finalize_lag_ms = $4,
       self_pacing_floor_per_min = $5,
       self_pacing_ceiling_per_min = $6
 WHERE id = $1
RETURNING id;
