-- The emergency and pickup contacts of the children actively registered in group $1, in order.
SELECT c.person_id, c.kind, c.name, c.relationship, c.phone
  FROM person_contact c
  JOIN registration r ON r.person_id = c.person_id
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY c.person_id, c.position;
