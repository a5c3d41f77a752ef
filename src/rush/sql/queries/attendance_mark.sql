-- Mark child $2 present ($4) or not in group $1 on day $3, by account $5. Only a child with an
-- active registration in the group is written: no row back means the child is not expected.
INSERT INTO attendance (group_id, person_id, session_date, present, marked_by)
SELECT r.group_id, r.person_id, $3, $4, $5
  FROM registration r
 WHERE r.group_id = $1 AND r.person_id = $2 AND r.status = 'active'
ON CONFLICT (group_id, session_date, person_id) DO UPDATE
   SET present = EXCLUDED.present, marked_by = EXCLUDED.marked_by, marked_at = now()
RETURNING present;
