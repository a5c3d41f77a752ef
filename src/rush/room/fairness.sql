-- name: fairness_draw
SELECT seed, opened_at, families FROM queue_draw WHERE sale_id = $1;

-- name: fairness_admissions
SELECT ticket, family_id, admitted_at FROM admission WHERE sale_id = $1 ORDER BY ticket;
