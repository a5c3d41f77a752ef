-- Every sale with its programs and groups, newest sale first, for the exports page.
SELECT s.id AS sale_id, s.name_fr AS sale_fr, s.name_en AS sale_en,
       p.id AS program_id, p.name_fr AS program_fr, p.name_en AS program_en,
       g.id AS group_id, g.name_fr, g.name_en, g.paid_count, g.capacity
  FROM sale s
  LEFT JOIN program p ON p.sale_id = s.id
  LEFT JOIN activity_group g ON g.program_id = p.id
 ORDER BY s.opens_at DESC, s.id, p.name_fr, p.id, g.starts_on NULLS LAST, g.name_fr, g.id;
