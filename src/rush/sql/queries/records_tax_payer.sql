-- Who the family's Relevé 24 is made out to, and where the family lives (the SIN is read apart).
SELECT pe.first_name, pe.last_name,
       a.street, a.apartment, a.city, a.province, a.postal_code
  FROM tax_payer t
  JOIN person pe ON pe.id = t.person_id AND pe.family_id = t.family_id
  LEFT JOIN family_address a ON a.family_id = t.family_id
 WHERE t.family_id = $1;
