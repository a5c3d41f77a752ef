-- name: records_tax_payer
-- Who the family's Relevé 24 is made out to, and where the family lives (the SIN is read apart).
SELECT pe.first_name, pe.last_name,
       a.street, a.apartment, a.city, a.province, a.postal_code
  FROM tax_payer t
  JOIN person pe ON pe.id = t.person_id AND pe.family_id = t.family_id
  LEFT JOIN family_address a ON a.family_id = t.family_id
 WHERE t.family_id = $1;

-- name: records_order
-- One order of a family; another family's order is not found.
SELECT id, status, total_cents, created_at, paid_at
  FROM orders
 WHERE id = $1 AND family_id = $2;

-- name: records_order_payments
-- The instalments of one order, in order.
SELECT order_id, instalment, amount_cents, due_on, status, succeeded_at
  FROM payment
 WHERE order_id = $1
 ORDER BY instalment;

-- name: records_order_lines
-- The places of one order as its receipt lists them: by person, then by date of the group;
-- `cancelled` once staff cancelled the registration (its refund is listed apart).
SELECT pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en, ol.price_cents,
       coalesce(r.status = 'cancelled', false) AS cancelled
  FROM order_line ol
  JOIN person pe ON pe.id = ol.person_id
  JOIN activity_group g ON g.id = ol.group_id
  JOIN program p ON p.id = g.program_id
  LEFT JOIN registration r ON r.order_line_id = ol.id
 WHERE ol.order_id = $1
 ORDER BY pe.birth_date NULLS LAST, pe.id, g.starts_on NULLS LAST, g.id;

-- name: records_order_refunds
-- The money given back on one order, as its receipt lists it.
SELECT amount_cents, refunded_at
  FROM refund
 WHERE order_id = $1 AND status = 'succeeded'
 ORDER BY refunded_at, id;

-- name: records_family_name
-- The name a receipt is made out to: the family's first adult, who opened the account.
SELECT first_name || ' ' || last_name
  FROM person
 WHERE family_id = $1 AND role = 'adult'
 ORDER BY id
 LIMIT 1;
