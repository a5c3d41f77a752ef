-- name: staff_orders_search
-- Orders staff look for: by the start of the order id, part of the family's email, or the
-- start of a family member's last name; newest first. An empty search lists the latest orders.
-- $3: only the orders whose second instalment is declined or past due.
SELECT o.id, o.status, o.total_cents, o.created_at,
       (SELECT a.email::text FROM account a WHERE a.family_id = o.family_id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = o.family_id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS family_name,
       EXISTS (SELECT 1 FROM second_instalment_overdue v WHERE v.order_id = o.id)
         AS second_instalment_overdue
  FROM orders o
 WHERE ($1 = ''
    OR starts_with(o.id::text, lower($1))
    OR EXISTS (SELECT 1 FROM account a
                WHERE a.family_id = o.family_id AND strpos(lower(a.email::text), lower($1)) > 0)
    OR EXISTS (SELECT 1 FROM person pe
                WHERE pe.family_id = o.family_id AND starts_with(lower(pe.last_name), lower($1))))
   AND (NOT $3 OR EXISTS (SELECT 1 FROM second_instalment_overdue v WHERE v.order_id = o.id))
 ORDER BY o.created_at DESC, o.id
 LIMIT $2;

-- name: staff_order
-- One order as staff see it, with who the family is (what can still be refunded comes from
-- cancel_refundable_payments in purchase/cancellations.sql, the payments a cancellation would
-- refund from).
SELECT o.id, o.family_id, o.sale_id, o.status, o.total_cents, o.instalments, o.created_at,
       o.paid_at, o.conflict_reason,
       EXISTS (SELECT 1 FROM second_instalment_overdue v WHERE v.order_id = o.id)
         AS second_instalment_overdue,
       o.saved_card_payment_method_ref IS NOT NULL AS card_saved,
       (SELECT a.email::text FROM account a WHERE a.family_id = o.family_id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = o.family_id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS family_name
  FROM orders o
 WHERE o.id = $1;

-- name: staff_order_lines
-- Each place of an order, with its registration (none before payment) and its status.
SELECT ol.id AS line_id, ol.price_cents,
       pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en,
       r.id AS registration_id, r.status AS registration_status, r.cancelled_at
  FROM order_line ol
  JOIN person pe ON pe.id = ol.person_id
  JOIN activity_group g ON g.id = ol.group_id
  JOIN program p ON p.id = g.program_id
  LEFT JOIN registration r ON r.order_line_id = ol.id
 WHERE ol.order_id = $1
 ORDER BY ol.id;

-- name: staff_order_payments
-- The instalments of an order with their provider state.
SELECT instalment, amount_cents, due_on, status, provider_ref, succeeded_at, refunded_at
  FROM payment
 WHERE order_id = $1
 ORDER BY instalment;

-- name: staff_order_refunds
-- Refunds made for cancelled places of an order, and the staff member who decided each (none:
-- the decline policy of a second instalment did).
SELECT rf.id, rf.amount_cents, rf.status, rf.provider_ref, rf.created_at, rf.refunded_at,
       a.email::text AS staff
  FROM refund rf
  LEFT JOIN account a ON a.id = rf.account_id
 WHERE rf.order_id = $1
 ORDER BY rf.id;
