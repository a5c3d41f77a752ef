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
-- The children expected in group $1 on day $2 (its active registrations) and whether each came.
SELECT pe.id AS person_id, pe.first_name, pe.last_name, pe.birth_date, pe.sex,
       coalesce(a.present, false) AS present
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  LEFT JOIN attendance a
         ON a.group_id = r.group_id AND a.person_id = r.person_id AND a.session_date = $2
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
   SET present = EXCLUDED.present, marked_by = EXCLUDED.marked_by, marked_at = now()
RETURNING present;
