-- name: rotation_sin_batch
-- The next tax payers' SIN tokens after a family id, locked so that a parent saving a new SIN
-- waits for this batch instead of being overwritten by its re-encrypted old one.
SELECT family_id AS row_id, sin_encrypted AS token
  FROM tax_payer
 WHERE family_id > $1
 ORDER BY family_id
 LIMIT $2
   FOR UPDATE;

-- name: rotation_sin_update
UPDATE tax_payer SET sin_encrypted = $2 WHERE family_id = $1;

-- name: rotation_health_number_batch
-- The next children's health insurance number tokens after a person id, locked (as above).
SELECT id AS row_id, health_insurance_number_encrypted AS token
  FROM person
 WHERE id > $1 AND health_insurance_number_encrypted IS NOT NULL
 ORDER BY id
 LIMIT $2
   FOR UPDATE;

-- name: rotation_health_number_update
UPDATE person SET health_insurance_number_encrypted = $2 WHERE id = $1;
