-- name: families_pending
-- Families waiting for staff approval, oldest first, with what staff need to decide.
SELECT f.id, f.created_at,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = f.id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS name,
       (SELECT a.email::text FROM account a WHERE a.family_id = f.id
         ORDER BY a.id LIMIT 1) AS email,
       (SELECT count(*) FROM person pe WHERE pe.family_id = f.id AND pe.role = 'child')::int
           AS children
  FROM family f
 WHERE f.status = 'pending'
 ORDER BY f.created_at, f.id;

-- name: families_recently_decided
-- The latest approvals and refusals, from the staff log, with the family's current status.
SELECT s.at, s.action, st.email::text AS staff, f.id, f.status,
       s.details ->> 'reason' AS reason,
       (SELECT pe.first_name || ' ' || pe.last_name FROM person pe
         WHERE pe.family_id = f.id AND pe.role = 'adult' ORDER BY pe.id LIMIT 1) AS name,
       (SELECT a.email::text FROM account a WHERE a.family_id = f.id
         ORDER BY a.id LIMIT 1) AS email
  FROM staff_action s
  JOIN account st ON st.id = s.account_id
  JOIN family f ON f.id::text = s.details ->> 'family_id'
 WHERE s.action IN ('family_approved', 'family_refused')
 ORDER BY s.at DESC, s.id DESC
 LIMIT $1;
