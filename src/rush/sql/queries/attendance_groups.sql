-- Every group with its program and sale, the groups running on $1 (a Quebec date) first.
SELECT g.id AS group_id, g.name_fr, g.name_en, p.name_fr AS program_fr, p.name_en AS program_en,
       s.name_fr AS sale_fr, s.name_en AS sale_en, g.starts_on, g.ends_on, g.paid_count,
       (g.starts_on IS NOT NULL AND g.starts_on <= $1 AND $1 <= coalesce(g.ends_on, g.starts_on))
           AS running_today
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN sale s ON s.id = p.sale_id
 ORDER BY running_today DESC, g.starts_on NULLS LAST, p.name_fr, g.name_fr, g.id;
