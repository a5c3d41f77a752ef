-- name: export_groups
-- Every sale with its programs and groups, newest sale first, for the exports page.
SELECT s.id AS sale_id, s.name_fr AS sale_fr, s.name_en AS sale_en,
       p.id AS program_id, p.name_fr AS program_fr, p.name_en AS program_en,
       g.id AS group_id, g.name_fr, g.name_en, g.paid_count, g.capacity
  FROM sale s
  LEFT JOIN program p ON p.sale_id = s.id
  LEFT JOIN activity_group g ON g.program_id = p.id
 ORDER BY s.opens_at DESC, s.id, p.name_fr, p.id, g.starts_on NULLS LAST, g.name_fr, g.id;

-- name: export_group
-- One group, with its sale (for the staff log) and the date its season computes ages on.
SELECT g.id AS group_id, g.name_fr, g.name_en, p.sale_id, se.age_reference_date
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN season se ON se.id = p.season_id
 WHERE g.id = $1;

-- name: export_registrations
-- The active registrations of group $1: the child, the family's first adult and account email,
-- the line's options, whether the child also has the group's daycare, and the order.
SELECT pe.first_name, pe.last_name, pe.birth_date,
       ad.first_name AS adult_first_name, ad.last_name AS adult_last_name,
       coalesce(ad.phone_mobile, ad.phone_home, ad.phone_work) AS adult_phone,
       coalesce(ad.email, ac.email::text) AS adult_email,
       ol.options::text AS options,
       EXISTS (
           SELECT 1
             FROM registration dr
             JOIN activity_group dg ON dg.id = dr.group_id
            WHERE dr.person_id = r.person_id AND dr.status = 'active'
              AND dg.daycare_for_group_id = r.group_id
       ) AS daycare,
       o.id AS order_id, o.paid_at
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  JOIN order_line ol ON ol.id = r.order_line_id
  JOIN orders o ON o.id = ol.order_id
  LEFT JOIN LATERAL (
      SELECT a.first_name, a.last_name, a.email, a.phone_mobile, a.phone_home, a.phone_work
        FROM person a
       WHERE a.family_id = pe.family_id AND a.role = 'adult'
       ORDER BY a.id
       LIMIT 1
  ) ad ON true
  LEFT JOIN LATERAL (
      SELECT email FROM account WHERE family_id = pe.family_id ORDER BY id LIMIT 1
  ) ac ON true
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY lower(pe.last_name), lower(pe.first_name), pe.id;

-- name: export_health
-- The health and safety sheet of each child actively registered in group $1, with the family's
-- first adult to call. Never the SIN nor the health insurance number: monitors do not need them.
SELECT pe.id AS person_id, pe.first_name, pe.last_name, pe.birth_date,
       h.person_id IS NOT NULL AS has_health_sheet,
       coalesce(h.allergies, '') AS allergies, coalesce(h.medication, '') AS medication,
       coalesce(h.epipen, false) AS epipen, coalesce(h.wears_glasses, false) AS wears_glasses,
       coalesce(h.wears_contacts, false) AS wears_contacts,
       coalesce(h.health_notes, '') AS health_notes,
       concat_ws(' ', ad.first_name, ad.last_name) AS adult_name,
       coalesce(ad.phone_mobile, ad.phone_home, ad.phone_work) AS adult_phone
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  LEFT JOIN health_sheet h ON h.person_id = pe.id
  LEFT JOIN LATERAL (
      SELECT a.first_name, a.last_name, a.phone_mobile, a.phone_home, a.phone_work
        FROM person a
       WHERE a.family_id = pe.family_id AND a.role = 'adult'
       ORDER BY a.id
       LIMIT 1
  ) ad ON true
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY lower(pe.last_name), lower(pe.first_name), pe.id;

-- name: export_health_contacts
-- The emergency and pickup contacts of the children actively registered in group $1, in order.
SELECT c.person_id, c.kind, c.name, c.relationship, c.phone
  FROM person_contact c
  JOIN registration r ON r.person_id = c.person_id
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY c.person_id, c.position;

-- name: export_sale
-- Whether sale $1 exists, for its payments export.
SELECT id FROM sale WHERE id = $1;

-- name: export_payments_per_day
-- Money received and refunded for sale $1, per day on the wall clock of time zone $2.
-- A payment counts on the day it succeeded. Refunds count on the day the provider gave the
-- money back: each succeeded `refund` row (staff cancellations, possibly partial), and the whole
-- amount of a payment refunded without one (a payment conflict refunds the payment itself).
WITH moves AS (
    SELECT (p.succeeded_at AT TIME ZONE $2)::date AS day, 1 AS payments,
           p.amount_cents AS received, 0 AS refunded
      FROM payment p
      JOIN orders o ON o.id = p.order_id
     WHERE o.sale_id = $1 AND p.succeeded_at IS NOT NULL
    UNION ALL
    SELECT (r.refunded_at AT TIME ZONE $2)::date, 0, 0, r.amount_cents
      FROM refund r
      JOIN orders o ON o.id = r.order_id
     WHERE o.sale_id = $1 AND r.status = 'succeeded'
    UNION ALL
    SELECT (p.refunded_at AT TIME ZONE $2)::date, 0, 0, p.amount_cents
      FROM payment p
      JOIN orders o ON o.id = p.order_id
     WHERE o.sale_id = $1 AND p.status = 'refunded' AND p.refunded_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM refund r WHERE r.payment_id = p.id)
)
SELECT day, sum(payments)::int AS payments, sum(received)::bigint AS received_cents,
       sum(refunded)::bigint AS refunded_cents
  FROM moves
 GROUP BY day
 ORDER BY day;
