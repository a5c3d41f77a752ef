SELECT p.id,
       EXISTS (SELECT 1 FROM health_sheet h WHERE h.person_id = p.id) AS has_health_sheet,
       EXISTS (SELECT 1 FROM person_contact c
                WHERE c.person_id = p.id AND c.kind = 'emergency') AS has_emergency_contact
  FROM person p
 WHERE p.family_id = $1 AND p.role = 'child'
 ORDER BY p.birth_date NULLS LAST, p.id;
