INSERT INTO family_address (family_id, street, apartment, city, province, postal_code)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (family_id) DO UPDATE
   SET street = EXCLUDED.street, apartment = EXCLUDED.apartment, city = EXCLUDED.city,
       province = EXCLUDED.province, postal_code = EXCLUDED.postal_code, updated_at = now();
