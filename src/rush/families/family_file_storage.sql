-- name: family_file_status
SELECT status, refusal_reason FROM family WHERE id = $1;

-- name: family_file_adults
SELECT id, first_name, last_name, email, phone_home, phone_mobile, phone_work
  FROM person
 WHERE family_id = $1 AND role = 'adult'
 ORDER BY id;

-- name: family_file_address
SELECT street, apartment, city, province, postal_code FROM family_address WHERE family_id = $1;

-- name: family_file_children
-- Each child with its health sheet, if the parent has filled it in.
SELECT p.id, p.first_name, p.last_name, p.birth_date, p.sex, p.health_insurance_number_encrypted,
       h.person_id IS NOT NULL AS has_health_sheet,
       h.wears_glasses, h.wears_contacts, h.medication, h.allergies, h.epipen, h.health_notes
  FROM person p
  LEFT JOIN health_sheet h ON h.person_id = p.id
 WHERE p.family_id = $1 AND p.role = 'child'
 ORDER BY p.birth_date NULLS LAST, p.id;

-- name: family_file_contacts
SELECT c.person_id, c.kind, c.name, c.relationship, c.phone
  FROM person_contact c
  JOIN person p ON p.id = c.person_id
 WHERE p.family_id = $1
 ORDER BY c.person_id, c.position;

-- name: family_file_tax_payer
SELECT person_id, sin_last3 FROM tax_payer WHERE family_id = $1;

-- name: family_file_tax_payer_sin
SELECT sin_encrypted FROM tax_payer WHERE family_id = $1;

-- name: family_file_lock_member
-- The person's role if it belongs to the family, its row locked until the edit commits so two
-- edits of one person serialize. NO KEY UPDATE leaves foreign-key checks (a finalize writing
-- this person's registration) unblocked.
SELECT role FROM person WHERE family_id = $1 AND id = $2 FOR NO KEY UPDATE;

-- name: family_file_insert_adult
INSERT INTO person (family_id, role, first_name, last_name, email, phone_home, phone_mobile, phone_work)
VALUES ($1, 'adult', $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: family_file_update_adult
UPDATE person
   SET first_name = $3, last_name = $4, email = $5, phone_home = $6, phone_mobile = $7,
       phone_work = $8
 WHERE family_id = $1 AND id = $2 AND role = 'adult';

-- name: family_file_upsert_address
INSERT INTO family_address (family_id, street, apartment, city, province, postal_code)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (family_id) DO UPDATE
   SET street = EXCLUDED.street, apartment = EXCLUDED.apartment, city = EXCLUDED.city,
       province = EXCLUDED.province, postal_code = EXCLUDED.postal_code, updated_at = now();

-- name: family_file_insert_child
INSERT INTO person (family_id, role, first_name, last_name, birth_date, sex,
                    health_insurance_number_encrypted, health_insurance_number_hash)
VALUES ($1, 'child', $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: family_file_update_child
UPDATE person
   SET first_name = $3, last_name = $4, birth_date = $5, sex = $6,
       health_insurance_number_encrypted = $7, health_insurance_number_hash = $8
 WHERE family_id = $1 AND id = $2 AND role = 'child';

-- name: family_file_upsert_health_sheet
INSERT INTO health_sheet (person_id, wears_glasses, wears_contacts, medication, allergies, epipen,
                          health_notes)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (person_id) DO UPDATE
   SET wears_glasses = EXCLUDED.wears_glasses, wears_contacts = EXCLUDED.wears_contacts,
       medication = EXCLUDED.medication, allergies = EXCLUDED.allergies,
       epipen = EXCLUDED.epipen, health_notes = EXCLUDED.health_notes, updated_at = now();

-- name: family_file_delete_contacts
DELETE FROM person_contact WHERE person_id = $1;

-- name: family_file_insert_contacts
-- All of a child's contacts in one statement, numbered in the order the parent gave them.
INSERT INTO person_contact (person_id, position, kind, name, relationship, phone)
SELECT $1, c.position, c.kind, c.name, c.relationship, c.phone
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
       AS c (kind, name, relationship, phone, position);

-- name: family_file_upsert_tax_payer
INSERT INTO tax_payer (family_id, person_id, sin_encrypted, sin_last3)
VALUES ($1, $2, $3, $4)
ON CONFLICT (family_id) DO UPDATE
   SET person_id = EXCLUDED.person_id, sin_encrypted = EXCLUDED.sin_encrypted,
       sin_last3 = EXCLUDED.sin_last3, updated_at = now();
