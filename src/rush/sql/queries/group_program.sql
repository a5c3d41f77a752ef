SELECT g.program_id, p.sale_id
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1;
