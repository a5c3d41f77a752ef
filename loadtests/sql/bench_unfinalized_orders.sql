-- Payments of sale $1 that the provider completed but whose order finalize has not settled
-- yet: the webhook not delivered, or delivered and the order neither paid nor refunded.
SELECT count(*)
  FROM sim_provider_payment s
  JOIN payment p ON p.id = s.payment_id
  JOIN orders o ON o.id = p.order_id
 WHERE o.sale_id = $1
   AND s.status = 'succeeded'
   AND (o.status IN ('pending', 'awaiting_payment')
        OR NOT EXISTS (SELECT 1 FROM payment_event e
                        WHERE e.kind = 'payment.succeeded'
                          AND (e.payload ->> 'payment_id')::uuid = p.id));
