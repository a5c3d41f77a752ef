-- The benchmark's sale opens $2 seconds from now at a pace of $3 admissions a minute, at most
-- $4 families shopping at once, idle families dropped after $5 seconds.
UPDATE sale
   SET opens_at = now() + make_interval(secs => $2),
       admission_rate_per_min = $3,
       max_shoppers = $4,
       idle_timeout_seconds = $5
 WHERE id = $1;
