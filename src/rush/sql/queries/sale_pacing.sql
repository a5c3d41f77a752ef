SELECT id, status, opens_at, admission_rate_per_min, max_shoppers, idle_timeout_seconds
  FROM sale WHERE id = $1;
