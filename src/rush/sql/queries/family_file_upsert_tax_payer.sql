INSERT INTO tax_payer (family_id, person_id, sin_encrypted, sin_last3)
VALUES ($1, $2, $3, $4)
ON CONFLICT (family_id) DO UPDATE
   SET person_id = EXCLUDED.person_id, sin_encrypted = EXCLUDED.sin_encrypted,
       sin_last3 = EXCLUDED.sin_last3, updated_at = now();
