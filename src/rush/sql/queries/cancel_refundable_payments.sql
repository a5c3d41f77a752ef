-- Payments of an order that can still be refunded, with what each has left: paid at the
-- provider, not given back after a conflict, less every refund already written for earlier
-- cancellations (pending ones too, so two cancellations never plan the same cents twice).
SELECT p.id, p.amount_cents - coalesce(sum(rf.amount_cents), 0)::int AS refundable_cents
  FROM payment p
  LEFT JOIN refund rf ON rf.payment_id = p.id
 WHERE p.order_id = $1
   AND p.status = 'succeeded'
   AND p.provider_ref IS NOT NULL
 GROUP BY p.id
HAVING p.amount_cents > coalesce(sum(rf.amount_cents), 0)
 ORDER BY p.instalment;
