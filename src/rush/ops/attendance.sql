-- name: attendance_groups
-- Every group with its program and sale, the groups running on $1 (a Quebec date) first.
SELECT g.id AS group_id, g.name_fr, g.name_en, p.name_fr AS program_fr, p.name_en AS program_en,
       s.name_fr AS sale_fr, s.name_en AS sale_en, g.starts_on, g.ends_on, g.paid_count,
       (g.starts_on IS NOT NULL AND g.starts_on <= $1 AND $1 <= coalesce(g.ends_on, g.starts_on))
           AS running_today
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN sale s ON s.id = p.sale_id
 ORDER BY running_today DESC, g.starts_on NULLS LAST, p.name_fr, g.name_fr, g.id;

-- name: attendance_group
-- One group's names, for the attendance sheet's title.
SELECT g.id AS group_id, g.name_fr, g.name_en, p.name_fr AS program_fr, p.name_en AS program_en
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
 WHERE g.id = $1;

-- name: attendance_sheet
-- The children expected in group $1 on day $2 (its active registrations), whether each came and
-- who took them home, with the health flags a monitor must see on the child's row.
SELECT pe.id AS person_id, pe.first_name, pe.last_name, pe.birth_date, pe.sex,
       coalesce(a.present, false) AS present,
       h.person_id IS NOT NULL AS has_health_sheet, coalesce(h.allergies, '') AS allergies,
       coalesce(h.epipen, false) AS epipen, coalesce(h.medication, '') AS medication,
       a.signed_out_at, a.signed_out_to, a.signed_out_relationship,
       so.email::text AS signed_out_by
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  LEFT JOIN health_sheet h ON h.person_id = pe.id
  LEFT JOIN attendance a
         ON a.group_id = r.group_id AND a.person_id = r.person_id AND a.session_date = $2
  LEFT JOIN account so ON so.id = a.signed_out_by
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY lower(pe.last_name), lower(pe.first_name), pe.id;

-- name: attendance_mark
-- Mark child $2 present ($4) or not in group $1 on day $3, by account $5. Only a child with an
-- active registration in the group is written: no row back means the child is not expected.
INSERT INTO attendance (group_id, person_id, session_date, present, marked_by)
SELECT r.group_id, r.person_id, $3, $4, $5
  FROM registration r
 WHERE r.group_id = $1 AND r.person_id = $2 AND r.status = 'active'
ON CONFLICT (group_id, session_date, person_id) DO UPDATE
   SET present = EXCLUDED.present, marked_by = EXCLUDED.marked_by, marked_at = now(),
       signed_out_at = CASE WHEN EXCLUDED.present THEN attendance.signed_out_at END,
       signed_out_to = CASE WHEN EXCLUDED.present THEN attendance.signed_out_to END,
       signed_out_relationship
           = CASE WHEN EXCLUDED.present THEN attendance.signed_out_relationship END,
       signed_out_by = CASE WHEN EXCLUDED.present THEN attendance.signed_out_by END
RETURNING present;

-- name: attendance_expected
-- Whether child $2 has an active registration in group $1, locked while it is signed out.
SELECT 1 FROM registration
 WHERE group_id = $1 AND person_id = $2 AND status = 'active'
   FOR SHARE;

-- name: attendance_sign_out
-- Child $2 of group $1 left on day $3 with $4 ($5: their relationship), recorded by account $6
-- at the server's time. The child counts as present; the caller checked the registration.
INSERT INTO attendance (group_id, person_id, session_date, present, marked_by,
                        signed_out_at, signed_out_to, signed_out_relationship, signed_out_by)
VALUES ($1, $2, $3, true, $6, now(), $4, $5, $6)
ON CONFLICT (group_id, session_date, person_id) DO UPDATE
   SET present = true,
       marked_by = CASE WHEN attendance.present THEN attendance.marked_by ELSE $6 END,
       marked_at = CASE WHEN attendance.present THEN attendance.marked_at ELSE now() END,
       signed_out_at = now(), signed_out_to = EXCLUDED.signed_out_to,
       signed_out_relationship = EXCLUDED.signed_out_relationship,
       signed_out_by = EXCLUDED.signed_out_by;
