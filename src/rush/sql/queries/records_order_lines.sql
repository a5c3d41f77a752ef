-- The places of one order as its receipt lists them: by person, then by date of the group;
-- `cancelled` once staff cancelled the registration (its refund is listed apart).
SELECT pe.first_name || ' ' || pe.last_name AS person_name,
       p.name_fr AS program_fr, p.name_en AS program_en,
       g.name_fr AS group_fr, g.name_en AS group_en, ol.price_cents,
       coalesce(r.status = 'cancelled', false) AS cancelled
  FROM order_line ol
  JOIN person pe ON pe.id = ol.person_id
  JOIN activity_group g ON g.id = ol.group_id
  JOIN program p ON p.id = g.program_id
  LEFT JOIN registration r ON r.order_line_id = ol.id
 WHERE ol.order_id = $1
 ORDER BY pe.birth_date NULLS LAST, pe.id, g.starts_on NULLS LAST, g.id;
