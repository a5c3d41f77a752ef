-- Refunds made for cancelled places of an order, and the staff member who decided each.
SELECT rf.id, rf.amount_cents, rf.status, rf.provider_ref, rf.created_at, rf.refunded_at,
       a.email::text AS staff
  FROM refund rf
  JOIN account a ON a.id = rf.account_id
 WHERE rf.order_id = $1
 ORDER BY rf.id;
