-- Every group in scope ($1: a sale id, or NULL for every sale) with its capacity and its
-- paid places counted from the active registrations themselves, not from the trigger's
-- counter, so the oversell audit does not trust the mechanism it audits.
SELECT g.id AS group_id,
       g.program_id,
       g.capacity,
       (SELECT count(*) FROM registration r
         WHERE r.group_id = g.id AND r.status = 'active')::int AS paid
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE $1::bigint IS NULL OR p.sale_id = $1
 ORDER BY g.program_id, g.id;
