-- The provider confirmed a refund; a payment given back in full shows as refunded too.
WITH done AS (
    UPDATE refund
       SET status = 'succeeded', provider_ref = $2, refunded_at = now()
     WHERE id = $1 AND status = 'pending'
    RETURNING payment_id, amount_cents
)
UPDATE payment p
   SET status = 'refunded', refunded_at = now()
  FROM done
 WHERE p.id = done.payment_id AND p.amount_cents = done.amount_cents AND p.status = 'succeeded';
