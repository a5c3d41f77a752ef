-- One group's names, for the attendance sheet's title.
SELECT g.id AS group_id, g.name_fr, g.name_en, p.name_fr AS program_fr, p.name_en AS program_en
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1;
