-- Payments of an order that can still be refunded: paid at the provider, not given back after
-- a conflict, and not refunded for an earlier cancellation (one refund per payment).
SELECT p.id, p.amount_cents
  FROM payment p
 WHERE p.order_id = $1
   AND p.status = 'succeeded'
   AND p.provider_ref IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM refund rf WHERE rf.payment_id = p.id)
 ORDER BY p.instalment;
