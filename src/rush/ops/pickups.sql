-- name: pickup_people
-- Who may take each child actively registered in group $1 home (only child $2 when not null):
-- the family's adults first, then the child's pickup contacts, each in the file's order.
SELECT person_id, name, relationship, phone, guardian
  FROM (
      SELECT r.person_id, concat_ws(' ', a.first_name, a.last_name) AS name,
             '' AS relationship, coalesce(a.phone_mobile, a.phone_home, a.phone_work, '') AS phone,
             true AS guardian, a.id AS position
        FROM registration r
        JOIN person c ON c.id = r.person_id
        JOIN person a ON a.family_id = c.family_id AND a.role = 'adult'
       WHERE r.group_id = $1 AND r.status = 'active' AND ($2::bigint IS NULL OR r.person_id = $2)
      UNION ALL
      SELECT r.person_id, pc.name, pc.relationship, pc.phone, false, pc.position
        FROM registration r
        JOIN person_contact pc ON pc.person_id = r.person_id AND pc.kind = 'pickup'
       WHERE r.group_id = $1 AND r.status = 'active' AND ($2::bigint IS NULL OR r.person_id = $2)
  ) people
 ORDER BY person_id, guardian DESC, position;
