-- name: records_registrations
-- A family's paid places ("Mon dossier"), with the names and dates the page shows; places
-- staff cancelled stay listed, marked, so the family sees what happened to them.
SELECT r.id, ol.order_id, r.person_id,
       pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en,
       g.starts_on, g.ends_on, r.status, r.cancelled_at
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  JOIN order_line ol ON ol.id = r.order_line_id
  JOIN activity_group g ON g.id = r.group_id
  JOIN program p ON p.id = g.program_id
 WHERE pe.family_id = $1
 ORDER BY r.status, g.starts_on NULLS LAST, pe.birth_date NULLS LAST, r.id;

-- name: records_orders
-- A family's orders, newest first.
SELECT id, status, total_cents, created_at, paid_at
  FROM orders
 WHERE family_id = $1
 ORDER BY created_at DESC, id;

-- name: records_payments
-- Every instalment of a family's orders, in order.
SELECT p.order_id, p.instalment, p.amount_cents, p.due_on, p.status, p.succeeded_at
  FROM payment p
  JOIN orders o ON o.id = p.order_id
 WHERE o.family_id = $1
 ORDER BY p.order_id, p.instalment;

-- name: records_refunded_places
-- Money given back on a family's orders, one row per refunded place: the refunds one
-- cancellation wrote (one per payment it drew on) are added up into one, named by the places
-- it paid back; a refund still pending at the provider has no refunded_at yet.
WITH given_back AS (
    SELECT rf.order_id, rf.registration_ids, rf.created_at,
           sum(rf.amount_cents)::int AS amount_cents,
           CASE WHEN bool_and(rf.status = 'succeeded') THEN max(rf.refunded_at) END AS refunded_at
      FROM refund rf
      JOIN orders o ON o.id = rf.order_id
     WHERE o.family_id = $1
     GROUP BY rf.order_id, rf.registration_ids, rf.created_at
)
SELECT gb.order_id, gb.registration_ids, gb.created_at, gb.amount_cents, gb.refunded_at,
       pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en
  FROM given_back gb
  LEFT JOIN registration r ON r.id = ANY(gb.registration_ids)
  LEFT JOIN person pe ON pe.id = r.person_id
  LEFT JOIN activity_group g ON g.id = r.group_id
  LEFT JOIN program p ON p.id = g.program_id
 ORDER BY gb.created_at, gb.order_id, g.starts_on NULLS LAST, r.id;

-- name: records_group_names
-- Names of groups and their programs, in both languages.
SELECT g.id, g.name_fr AS group_fr, g.name_en AS group_en,
       p.name_fr AS program_fr, p.name_en AS program_en
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = ANY($1::bigint[]);
