-- What the family as a whole has on file; no row means no such family.
SELECT f.status,
       EXISTS (SELECT 1 FROM family_address a WHERE a.family_id = f.id) AS has_address,
       EXISTS (SELECT 1 FROM tax_payer t WHERE t.family_id = f.id) AS has_tax_payer
  FROM family f
 WHERE f.id = $1;
