-- name: bench_unfinalized_orders
-- Payments of sale $1 that the provider completed but whose order finalize has not settled
-- yet: the webhook not delivered, or delivered and the order neither paid nor refunded.
SELECT count(*)
  FROM sim_provider_payment s
  JOIN payment p ON p.id = s.payment_id
  JOIN orders o ON o.id = p.order_id
 WHERE o.sale_id = $1
   AND s.status = 'succeeded'
   AND (o.status IN ('pending', 'awaiting_payment')
        OR NOT EXISTS (SELECT 1 FROM payment_event e
                        WHERE e.kind = 'payment.succeeded'
                          AND (e.payload ->> 'payment_id')::uuid = p.id));

-- name: bench_finalize_lags
-- Per paid order of sale $1: milliseconds from the provider's succeeded webhook being recorded
-- (Rush learns of the payment) to its registrations being written (the place is the family's).
-- payment.succeeded_at is not used: finalize itself sets it, just before the registrations.
WITH lags AS (
    SELECT extract(epoch FROM min(r.created_at) - min(e.received_at)) * 1000 AS lag_ms
      FROM orders o
      JOIN order_line l ON l.order_id = o.id
      JOIN registration r ON r.order_line_id = l.id
      JOIN payment_event e ON e.order_id = o.id AND e.kind = 'payment.succeeded'
     WHERE o.sale_id = $1
     GROUP BY o.id
)
SELECT count(*) AS orders,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50_ms,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms) AS p99_ms,
       max(lag_ms) AS max_ms
  FROM lags;

-- name: bench_sale_outcome
-- What sale $1 ended with: orders by status and the places registered.
SELECT (SELECT count(*) FROM orders WHERE sale_id = $1 AND status = 'paid') AS paid_orders,
       (SELECT count(*) FROM orders WHERE sale_id = $1 AND status IN ('conflict', 'refunded'))
           AS refunded_orders,
       (SELECT count(*)
          FROM registration r JOIN order_line l ON l.id = r.order_line_id
          JOIN orders o ON o.id = l.order_id
         WHERE o.sale_id = $1 AND r.status = 'active') AS registrations,
       (SELECT coalesce(sum(g.capacity), 0)
          FROM activity_group g JOIN program p ON p.id = g.program_id
         WHERE p.sale_id = $1) AS capacity;

-- name: bench_demo_sale
-- The demo season's sale, the one the rush benchmark replays an opening morning against.
SELECT id FROM sale ORDER BY id LIMIT 1;

-- name: bench_pace_sale
-- The benchmark's sale opens $2 seconds from now at a pace of $3 admissions a minute, at most
-- $4 families shopping at once, idle families dropped after $5 seconds.
UPDATE sale
   SET opens_at = now() + make_interval(secs => $2),
       admission_rate_per_min = $3,
       max_shoppers = $4,
       idle_timeout_seconds = $5
 WHERE id = $1;

-- name: bench_admit_all
-- Before the hold ceiling phase: sale $1 admits anyone at once ($2 a minute, $2 shoppers), so
-- the phase's families are admitted as they join.
UPDATE sale SET admission_rate_per_min = $2, max_shoppers = $2 WHERE id = $1;

-- name: bench_line_sale
-- A sale beside the benchmark's own whose line never moves (no admissions, no self-pacing to
-- start them), so the status ceiling polls families in line, as most polls of a rush are.
-- Returns its id.
INSERT INTO sale (season_id, name_fr, name_en, opens_at, status,
                  admission_rate_per_min, max_shoppers, idle_timeout_seconds, self_pacing)
SELECT season_id, 'File du banc d''essai', 'Benchmark line', now(), 'scheduled', 0, 1, 3600, false
  FROM sale
 WHERE id = $1
RETURNING id;

-- name: bench_light_hashes
-- The benchmark's families ($1 emails) get a cheaper argon2 hash of the same password ($2).
UPDATE account SET password_hash = $2 WHERE email = ANY($1::text[]);
