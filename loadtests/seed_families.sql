-- name: catalogue
-- One sale's groups as the trace generator sees them, with the season's age reference date.
SELECT g.id, p.sale_id, g.program_id, p.kind AS program_kind, g.capacity, g.price_cents,
       g.age_min, g.age_max, g.week_number, g.daycare_for_group_id, se.age_reference_date
  FROM activity_group g
  JOIN program p ON p.id = g.program_id
  JOIN season se ON se.id = p.season_id
 WHERE p.sale_id = $1
 ORDER BY g.id;

-- name: existing_accounts
-- Which of these emails already have an account: seeding a trace twice adds nobody twice.
SELECT email::text FROM account WHERE email = ANY($1::text[]);

-- name: insert_families
-- One approved family per email, each with its account (email already confirmed), in one
-- statement. Families are empty yet, so pairing them with emails in id order is enough.
-- $1 emails, $2 argon2 hashes (the same hash repeated: one password for the whole trace).
WITH new_family AS (
    INSERT INTO family (status)
    SELECT 'approved' FROM unnest($1::text[])
    RETURNING id
), numbered AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM new_family
)
INSERT INTO account (family_id, email, password_hash, role, locale, email_confirmed_at)
SELECT f.id, a.email, a.password_hash, 'family', 'fr-CA', now()
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS a (email, password_hash, n)
  JOIN numbered f USING (n)
RETURNING family_id, email::text;

-- name: insert_persons
-- Adults and children of many families at once; $2 is 'adult' or 'child' per row.
INSERT INTO person (family_id, role, first_name, last_name, birth_date)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[])
RETURNING id, family_id, role;

-- name: insert_family_files
-- What readiness asks of a family as a whole: an address and the Relevé 24 payer.
-- $1 family ids, $2 their adult's person id, $3 one encrypted SIN, $4 its last three digits.
WITH addresses AS (
    INSERT INTO family_address (family_id, street, city, province, postal_code)
    SELECT f, '1000 rue Sherbrooke Est', 'Montréal', 'QC', 'H2L 1L3'
      FROM unnest($1::bigint[]) AS f
)
INSERT INTO tax_payer (family_id, person_id, sin_encrypted, sin_last3)
SELECT f, p, $3, $4
  FROM unnest($1::bigint[], $2::bigint[]) AS t (f, p);

-- name: insert_child_files
-- What readiness asks of each child: a health and safety sheet and an emergency contact.
-- $1 child person ids.
WITH sheets AS (
    INSERT INTO health_sheet (person_id, wears_glasses, wears_contacts, epipen)
    SELECT c, false, false, false FROM unnest($1::bigint[]) AS c
)
INSERT INTO person_contact (person_id, position, kind, name, relationship, phone)
SELECT c, 1, 'emergency', 'Grand-maman', 'grand-mère', '514 555-0199'
  FROM unnest($1::bigint[]) AS c;
