-- Cancel an order's active registrations (all of them, or only $2): the registration trigger
-- gives each place back to its group's paid_count. Returns what was freed and its price.
UPDATE registration r
   SET status = 'cancelled', cancelled_at = now()
  FROM order_line ol
 WHERE ol.id = r.order_line_id
   AND ol.order_id = $1
   AND r.status = 'active'
   AND ($2::bigint IS NULL OR r.id = $2)
RETURNING r.id, r.group_id, ol.program_id, ol.price_cents;
