-- name: records_childcare_lines
-- The childcare places (day camp, daycare) a family kept in its paid orders: what a Relevé 24
-- counts. With the price of every place the order kept, since a child's share of the money is
-- its part of that total (a cancelled place's price is not; its refund is netted out).
SELECT ol.order_id, ol.person_id, ol.price_cents, g.starts_on, g.ends_on,
       (SELECT sum(kl.price_cents)::int
          FROM order_line kl
          JOIN registration kr ON kr.order_line_id = kl.id
         WHERE kl.order_id = o.id AND kr.status = 'active') AS kept_total_cents
  FROM order_line ol
  JOIN orders o ON o.id = ol.order_id
  JOIN registration r ON r.order_line_id = ol.id
  JOIN program p ON p.id = ol.program_id
  JOIN activity_group g ON g.id = ol.group_id
 WHERE o.family_id = $1
   AND o.status = 'paid'
   AND r.status = 'active'
   AND p.childcare_eligible
 ORDER BY ol.order_id, ol.person_id, ol.id;

-- name: records_refunds
-- Money given back on a family's orders, when the provider gave it: a Relevé 24 nets it out.
SELECT rf.order_id, rf.amount_cents, rf.refunded_at
  FROM refund rf
  JOIN orders o ON o.id = rf.order_id
 WHERE o.family_id = $1 AND rf.status = 'succeeded'
 ORDER BY rf.refunded_at, rf.id;
