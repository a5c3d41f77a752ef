-- name: sale_pacing
SELECT id, status, opens_at, admission_rate_per_min, max_shoppers, idle_timeout_seconds
  FROM sale WHERE id = $1;

-- name: sales_not_closed
SELECT id FROM sale WHERE status <> 'closed' ORDER BY id;

-- name: insert_queue_draw
INSERT INTO queue_draw (sale_id, seed, opened_at, families) VALUES ($1, $2, $3, $4);

-- name: set_sale_status
UPDATE sale SET status = $2 WHERE id = $1;

-- name: sale_status
SELECT status FROM sale WHERE id = $1;

-- name: set_sale_pace
UPDATE sale
   SET admission_rate_per_min = coalesce($2, admission_rate_per_min),
       max_shoppers = coalesce($3, max_shoppers)
 WHERE id = $1;

-- name: last_copied_admission
SELECT admissions_copied_through FROM sale WHERE id = $1;

-- name: insert_admission
INSERT INTO admission (sale_id, ticket, family_id, admitted_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (sale_id, ticket) DO NOTHING;

-- name: set_last_copied_admission
UPDATE sale SET admissions_copied_through = $2 WHERE id = $1;

-- name: sale_for_page
SELECT id, status, name_fr, name_en, opens_at, two_instalments_min_cents, second_instalment_due_on
  FROM sale WHERE id = $1;
