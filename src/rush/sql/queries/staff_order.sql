-- One order as staff see it, with who the family is and what can still be refunded (the
-- payments cancel_refundable_payments.sql would pick).
SELECT o.id, o.family_id, o.sale_id, o.status, o.total_cents, o.instalments, o.created_at,
       o.paid_at, o.conflict_reason,
       (SELECT a.email::text FROM account a WHERE a.family_id = o.family_id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = o.family_id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS family_name,
       (SELECT coalesce(sum(p.amount_cents - (SELECT coalesce(sum(rf.amount_cents), 0)
                                                FROM refund rf WHERE rf.payment_id = p.id)), 0)
          FROM payment p
         WHERE p.order_id = o.id AND p.status = 'succeeded' AND p.provider_ref IS NOT NULL
       )::int AS refundable_cents
  FROM orders o
 WHERE o.id = $1;
