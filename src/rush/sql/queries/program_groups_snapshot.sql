-- Capacity and active paid places of every group of one program, counted from the
-- registrations themselves rather than from the trigger-maintained counter.
SELECT g.id AS group_id,
       g.capacity,
       (SELECT count(*) FROM registration r
         WHERE r.group_id = g.id AND r.status = 'active')::int AS paid
  FROM activity_group g
 WHERE g.program_id = $1
 ORDER BY g.id;
