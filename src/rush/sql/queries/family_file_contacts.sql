SELECT c.person_id, c.kind, c.name, c.relationship, c.phone
  FROM person_contact c
  JOIN person p ON p.id = c.person_id
 WHERE p.family_id = $1
 ORDER BY c.person_id, c.position;
