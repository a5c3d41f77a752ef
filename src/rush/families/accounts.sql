-- name: insert_family
INSERT INTO family (status) VALUES ($1) RETURNING id;

-- name: insert_person
INSERT INTO person (family_id, role, first_name, last_name, birth_date) VALUES ($1, $2, $3, $4, $5);

-- name: insert_account
INSERT INTO account (family_id, email, password_hash, role, locale)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, family_id, email::text, role, locale;

-- name: account_confirm_email
UPDATE account SET email_confirmed_at = coalesce(email_confirmed_at, now()) WHERE id = $1;

-- name: account_set_password
UPDATE account SET password_hash = $2 WHERE id = $1;

-- name: account_reset_links_void
UPDATE account_token SET used_at = now()
 WHERE account_id = $1 AND purpose = 'reset_password' AND used_at IS NULL;

-- name: account_role
SELECT role FROM account WHERE id = $1;

-- name: account_by_id
SELECT id, family_id, email::text, role, locale FROM account WHERE id = $1;

-- name: family_status
SELECT status FROM family WHERE id = $1;

-- name: queue_join_standing
-- What joining a queue asks of the family and of the account joining, in one read.
SELECT f.status AS family_status, a.email_confirmed_at IS NOT NULL AS email_confirmed
  FROM family f
  JOIN account a ON a.family_id = f.id AND a.id = $2
 WHERE f.id = $1;

-- name: family_set_status
-- A new status, with the reason of a refusal ($3); any other status clears the reason.
UPDATE family SET status = $2, refusal_reason = CASE WHEN $2 = 'refused' THEN $3 END
 WHERE id = $1 RETURNING id;

-- name: account_by_email
SELECT id, family_id, email::text, role, locale, password_hash FROM account WHERE email = $1;

-- name: family_persons
SELECT id, family_id, role, first_name, last_name, birth_date
  FROM person WHERE family_id = $1 ORDER BY role, birth_date NULLS FIRST, id;

-- name: family_person
SELECT id, family_id, role, first_name, last_name, birth_date
  FROM person WHERE family_id = $1 AND id = $2;

-- name: account_id_by_email
SELECT id FROM account WHERE email = $1;

-- name: family_by_email
SELECT family_id FROM account WHERE email = $1 AND family_id IS NOT NULL;
