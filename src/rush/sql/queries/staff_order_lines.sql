-- Each place of an order, with its registration (none before payment) and its status.
SELECT ol.id AS line_id, ol.price_cents,
       pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en,
       r.id AS registration_id, r.status AS registration_status, r.cancelled_at
  FROM order_line ol
  JOIN person pe ON pe.id = ol.person_id
  JOIN activity_group g ON g.id = ol.group_id
  JOIN program p ON p.id = g.program_id
  LEFT JOIN registration r ON r.order_line_id = ol.id
 WHERE ol.order_id = $1
 ORDER BY ol.id;
