-- Money given back on a family's orders, when the provider gave it: a Relevé 24 nets it out.
SELECT rf.order_id, rf.amount_cents, rf.refunded_at
  FROM refund rf
  JOIN orders o ON o.id = rf.order_id
 WHERE o.family_id = $1 AND rf.status = 'succeeded'
 ORDER BY rf.refunded_at, rf.id;
