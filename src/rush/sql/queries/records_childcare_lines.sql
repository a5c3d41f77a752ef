-- The childcare places (day camp, daycare) of a family's paid orders: what a Relevé 24 counts.
-- With the order's total, since a child's share of each payment is its part of that total.
SELECT ol.order_id, ol.person_id, ol.price_cents, g.starts_on, g.ends_on, o.total_cents
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
