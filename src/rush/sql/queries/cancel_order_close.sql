-- A paid order with no active place left ends `refunded` when money went back, else `cancelled`.
UPDATE orders o
   SET status = CASE WHEN EXISTS (SELECT 1 FROM refund rf WHERE rf.order_id = o.id)
                     THEN 'refunded' ELSE 'cancelled' END,
       updated_at = now()
 WHERE o.id = $1
   AND o.status = 'paid'
   AND NOT EXISTS (SELECT 1 FROM registration r
                     JOIN order_line ol ON ol.id = r.order_line_id
                    WHERE ol.order_id = o.id AND r.status = 'active')
RETURNING o.status;
