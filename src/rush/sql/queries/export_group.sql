-- One group, with its sale (for the staff log) and the date its season computes ages on.
SELECT g.id AS group_id, g.name_fr, g.name_en, p.sale_id, se.age_reference_date
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN season se ON se.id = p.season_id
 WHERE g.id = $1;
