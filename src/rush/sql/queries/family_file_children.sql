-- Each child with its health sheet, if the parent has filled it in.
SELECT p.id, p.first_name, p.last_name, p.birth_date, p.sex, p.health_insurance_number_encrypted,
       h.person_id IS NOT NULL AS has_health_sheet,
       h.wears_glasses, h.wears_contacts, h.medication, h.allergies, h.epipen, h.health_notes
  FROM person p
  LEFT JOIN health_sheet h ON h.person_id = p.id
 WHERE p.family_id = $1 AND p.role = 'child'
 ORDER BY p.birth_date NULLS LAST, p.id;
