-- The provider confirmed a refund; a payment whose refunds now add up to its whole amount
-- shows as refunded too.
WITH done AS (
    UPDATE refund
       SET status = 'succeeded', provider_ref = $2, refunded_at = now()
     WHERE id = $1 AND status = 'pending'
    RETURNING payment_id, amount_cents
)
UPDATE payment p
   SET status = 'refunded', refunded_at = now()
  FROM done
 WHERE p.id = done.payment_id
   AND p.status = 'succeeded'
   AND p.amount_cents = done.amount_cents
       + (SELECT coalesce(sum(rf.amount_cents), 0) FROM refund rf
           WHERE rf.payment_id = p.id AND rf.status = 'succeeded' AND rf.id <> $1);
