-- name: family_file_readiness
-- What the family as a whole has on file; no row means no such family.
SELECT f.status,
       EXISTS (SELECT 1 FROM family_address a WHERE a.family_id = f.id) AS has_address,
       EXISTS (SELECT 1 FROM tax_payer t WHERE t.family_id = f.id) AS has_tax_payer
  FROM family f
 WHERE f.id = $1;

-- name: family_file_readiness_children
SELECT p.id,
       EXISTS (SELECT 1 FROM health_sheet h WHERE h.person_id = p.id) AS has_health_sheet,
       EXISTS (SELECT 1 FROM person_contact c
                WHERE c.person_id = p.id AND c.kind = 'emergency') AS has_emergency_contact
  FROM person p
 WHERE p.family_id = $1 AND p.role = 'child'
 ORDER BY p.birth_date NULLS LAST, p.id;
