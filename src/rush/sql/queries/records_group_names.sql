-- Names of groups and their programs, in both languages.
SELECT g.id, g.name_fr AS group_fr, g.name_en AS group_en,
       p.name_fr AS program_fr, p.name_en AS program_en
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = ANY($1::bigint[]);
