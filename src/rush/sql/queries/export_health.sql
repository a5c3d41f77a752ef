-- The health and safety sheet of each child actively registered in group $1, with the family's
-- first adult to call. Never the SIN nor the health insurance number: monitors do not need them.
SELECT pe.id AS person_id, pe.first_name, pe.last_name, pe.birth_date,
       h.person_id IS NOT NULL AS has_health_sheet,
       coalesce(h.allergies, '') AS allergies, coalesce(h.medication, '') AS medication,
       coalesce(h.epipen, false) AS epipen, coalesce(h.wears_glasses, false) AS wears_glasses,
       coalesce(h.wears_contacts, false) AS wears_contacts,
       coalesce(h.health_notes, '') AS health_notes,
       concat_ws(' ', ad.first_name, ad.last_name) AS adult_name,
       coalesce(ad.phone_mobile, ad.phone_home, ad.phone_work) AS adult_phone
  FROM registration r
  JOIN person pe ON pe.id = r.person_id
  LEFT JOIN health_sheet h ON h.person_id = pe.id
  LEFT JOIN LATERAL (
      SELECT a.first_name, a.last_name, a.phone_mobile, a.phone_home, a.phone_work
        FROM person a
       WHERE a.family_id = pe.family_id AND a.role = 'adult'
       ORDER BY a.id
       LIMIT 1
  ) ad ON true
 WHERE r.group_id = $1 AND r.status = 'active'
 ORDER BY lower(pe.last_name), lower(pe.first_name), pe.id;
