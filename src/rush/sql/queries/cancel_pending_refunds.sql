-- Refunds of an order written but not yet confirmed by the provider.
SELECT rf.id, rf.amount_cents, p.provider_ref
  FROM refund rf
  JOIN payment p ON p.id = rf.payment_id
 WHERE rf.order_id = $1 AND rf.status = 'pending'
 ORDER BY rf.id;
