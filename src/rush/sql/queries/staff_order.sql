-- One order as staff see it, with who the family is (what can still be refunded comes from
-- cancel_refundable_payments.sql, the payments a cancellation would refund from).
SELECT o.id, o.family_id, o.sale_id, o.status, o.total_cents, o.instalments, o.created_at,
       o.paid_at, o.conflict_reason,
       (SELECT a.email::text FROM account a WHERE a.family_id = o.family_id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = o.family_id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS family_name
  FROM orders o
 WHERE o.id = $1;
