-- name: program_groups_snapshot
-- Capacity and active paid places of every group of one program, counted from the
-- registrations themselves rather than from the trigger-maintained counter.
SELECT g.id AS group_id,
       g.capacity,
       (SELECT count(*) FROM registration r
         WHERE r.group_id = g.id AND r.status = 'active')::int AS paid
  FROM activity_group g
 WHERE g.program_id = $1
 ORDER BY g.id;

-- name: program_paid_hold_ids
-- Ids of every engine hold that Postgres recorded as paid for one program, cancelled or not:
-- a hold confirmed once must never be confirmed again.
SELECT DISTINCT ol.hold_id
  FROM order_line ol
  JOIN registration r ON r.order_line_id = ol.id
 WHERE ol.program_id = $1;
