-- Families waiting per group of a sale.
SELECT w.group_id, count(*)::int AS waiting
  FROM waitlist_entry w
  JOIN activity_group g ON g.id = w.group_id
  JOIN program p ON p.id = g.program_id
 WHERE p.sale_id = $1 AND w.status = 'waiting'
 GROUP BY w.group_id;
