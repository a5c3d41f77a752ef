-- The children expected in group $1 on day $2 (its active registrations) and whether each came.
SELECT pe.id AS person_id, pe.first_name, pe.last_name, pe.birth_date,
       coalesce(a.present, false) AS present
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  LEFT JOIN attendance a
         ON a.group_id = r.group_id AND a.person_id = r.person_id AND a.session_date = $2
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY lower(pe.last_name), lower(pe.first_name), pe.id;
